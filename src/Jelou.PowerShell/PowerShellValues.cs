using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Text.Json.Nodes;
using Jelou.Messages;

namespace Jelou.PowerShell
{
    /// <summary>Turns PowerShell's loosely typed values (PSObject, PSCustomObject, hashtables) into core types.</summary>
    internal static class PowerShellValues
    {
        /// <summary>Strips PSObject wrappers; a PSCustomObject becomes an ordered dictionary of its properties.</summary>
        public static object? Unwrap(object? value)
        {
            if (value is not PSObject pso)
            {
                return value;
            }

            if (pso.BaseObject is PSCustomObject)
            {
                var properties = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var property in pso.Properties)
                {
                    properties[property.Name] = property.Value;
                }

                return properties;
            }

            return pso.BaseObject;
        }

        /// <summary>A JSON node; script blocks anywhere inside the value run for <paramref name="row"/> first.</summary>
        public static JsonNode? ToJsonNode(object? value, PSObject? row, string where) =>
            JsonPayload.FromObject(value, v => Unwrap(RowScript.Evaluate(v, row, where)));

        /// <summary>A raw payload: a hashtable, an object, or a JSON string (as a CSV column would carry it).</summary>
        public static JsonObject? ToPayload(object? value, PSObject? row)
        {
            if ((value is PSObject wrapped ? wrapped.BaseObject : value) is ScriptBlock)
            {
                value = RowScript.Evaluate(value, row, "-Payload");
                if (value is object[] many)
                {
                    throw new ArgumentException($"-Payload: its script block output {many.Length} objects for this row; it must output one hashtable, object or JSON string.");
                }
            }

            value = Unwrap(value);
            if (value is null || (value is string blank && string.IsNullOrWhiteSpace(blank)))
            {
                return null;
            }

            if (value is string json)
            {
                try
                {
                    return JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("-Payload must be a JSON object such as {\"type\":\"CAROUSEL\",...}.");
                }
                catch (System.Text.Json.JsonException ex)
                {
                    throw new ArgumentException("-Payload is not valid JSON: " + ex.Message, ex);
                }
            }

            return ToJsonNode(value, row, "-Payload") as JsonObject ?? throw new ArgumentException("-Payload must be a hashtable or an object, not a " + value.GetType().Name + ".");
        }

        /// <summary>Options: strings are titles; hashtables or objects carry id, title and description.</summary>
        public static IReadOnlyList<ListOption>? ToOptions(object[]? values, PSObject? row)
        {
            values = RowScript.Expand(values, row, "-Option");
            if (values is null || values.Length == 0)
            {
                return null;
            }

            var options = new List<ListOption>(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var where = $"-Option[{i}]";
                var value = Unwrap(values[i]);
                if (value is IDictionary dictionary)
                {
                    var map = new Hashtable(dictionary, StringComparer.OrdinalIgnoreCase);
                    foreach (var key in map.Keys.Cast<object>().Select(k => k.ToString()))
                    {
                        if (!string.Equals(key, "id", StringComparison.OrdinalIgnoreCase) && !string.Equals(key, "title", StringComparison.OrdinalIgnoreCase) && !string.Equals(key, "description", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new ArgumentException($"{where} has the key '{key}'; an option takes only id, title and description.");
                        }
                    }

                    string? Field(string key) => Text(RowScript.Evaluate(map[key], row, $"{where}.{key}"), $"{where}.{key}");
                    options.Add(new ListOption(Field("title") ?? string.Empty) { Id = Field("id"), Description = Field("description") });
                }
                else
                {
                    options.Add(new ListOption(Text(value, where) ?? string.Empty));
                }
            }

            return options;
        }

        /// <summary>Contact cards: hashtables, objects or JSON strings, in the API's shape or the short one.</summary>
        public static IReadOnlyList<Contact>? ToContacts(object[]? values, PSObject? row)
        {
            values = RowScript.Expand(values, row, "-Contact");
            if (values is null || values.Length == 0)
            {
                return null;
            }

            var contacts = new List<Contact>(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var where = $"-Contact[{i}]";
                var value = Unwrap(values[i]);
                JsonNode? node;
                if (value is string json)
                {
                    try
                    {
                        node = JsonNode.Parse(json);
                    }
                    catch (System.Text.Json.JsonException ex)
                    {
                        throw new ArgumentException($"{where} is text but not a contact card in JSON; give a hashtable such as @{{ name = 'Ana Pérez'; phones = '+593987654321' }}, or JSON such as {{\"name\":\"Ana Pérez\",\"phones\":\"+593987654321\"}}.", ex);
                    }
                }
                else
                {
                    node = ToJsonNode(value, row, where);
                }

                contacts.Add(JsonPayload.ToContact(node, where));
            }

            return contacts;
        }

        /// <summary>One text value: a string, or a number or other scalar written invariantly; a list is refused.</summary>
        public static string? Text(object? value, string where) => Unwrap(value) switch
        {
            null => null,
            string s => s,
            IEnumerable => throw new ArgumentException($"{where} must be one text, not a list or a hashtable."),
            ScriptBlock => throw new ArgumentException($"{where} is a script block inside a script block's output; output the value itself."),
            var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
