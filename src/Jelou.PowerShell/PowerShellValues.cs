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

        public static JsonNode? ToJsonNode(object? value) => JsonPayload.FromObject(value, v => Unwrap(v));

        /// <summary>A raw payload: a hashtable, an object, or a JSON string (as a CSV column would carry it).</summary>
        public static JsonObject? ToPayload(object? value)
        {
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

            return ToJsonNode(value) as JsonObject ?? throw new ArgumentException("-Payload must be a hashtable or an object, not a " + value.GetType().Name + ".");
        }

        /// <summary>Options: strings are titles; hashtables or objects carry id, title and description.</summary>
        public static IReadOnlyList<ListOption>? ToOptions(object[]? values)
        {
            if (values is null || values.Length == 0)
            {
                return null;
            }

            var options = new List<ListOption>(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var value = Unwrap(values[i]);
                if (value is IDictionary dictionary)
                {
                    var map = new Hashtable(dictionary, StringComparer.OrdinalIgnoreCase);
                    foreach (var key in map.Keys.Cast<object>().Select(k => k.ToString()))
                    {
                        if (!string.Equals(key, "id", StringComparison.OrdinalIgnoreCase) && !string.Equals(key, "title", StringComparison.OrdinalIgnoreCase) && !string.Equals(key, "description", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new ArgumentException($"-Option[{i}] has the key '{key}'; an option takes only id, title and description.");
                        }
                    }

                    options.Add(new ListOption(Text(map["title"]) ?? string.Empty) { Id = Text(map["id"]), Description = Text(map["description"]) });
                }
                else
                {
                    options.Add(new ListOption(Text(value) ?? string.Empty));
                }
            }

            return options;
        }

        public static IReadOnlyList<Contact>? ToContacts(object[]? values)
        {
            if (values is null || values.Length == 0)
            {
                return null;
            }

            var contacts = new List<Contact>(values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var value = Unwrap(values[i]);
                var node = value is string json ? JsonNode.Parse(json) : ToJsonNode(value);
                contacts.Add(JsonPayload.ToContact(node, $"-Contact[{i}]"));
            }

            return contacts;
        }

        private static string? Text(object? value) => Unwrap(value) switch
        {
            null => null,
            string s => s,
            var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
