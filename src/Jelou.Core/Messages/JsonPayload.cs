using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Jelou.Messages
{
    /// <summary>
    /// Converts loosely typed values (hashtables, arrays, numbers, strings) into JSON nodes, so a user's
    /// raw payload or contact card is sent without reflection-based serialization.
    /// </summary>
    public static class JsonPayload
    {
        private const int MaxDepth = 32;

        /// <summary>
        /// Converts a value to a JSON node. <paramref name="unwrap"/> lets the host replace its wrapper objects
        /// (PowerShell's PSObject) with a plain value or a dictionary of properties first.
        /// </summary>
        /// <exception cref="ArgumentException">A value has no JSON form; the message names its path.</exception>
        public static JsonNode? FromObject(object? value, Func<object, object?>? unwrap = null) => Convert(value, unwrap, "$", 0);

        /// <summary>
        /// Reads a contact card. Besides the API's own shape it takes the short forms a user writes first: a string
        /// for a name, a phone or an e-mail, and one entry where the API wants a list. A plain phone also gives the
        /// card its <c>wa_id</c>. Unknown keys are refused, so a misspelt key is never silently dropped.
        /// </summary>
        /// <exception cref="ArgumentException">The node is not a contact card; the message says which shape is wanted, with an example.</exception>
        public static Contact ToContact(JsonNode? node, string path) => ContactReader.Read(node, path);

        private static JsonNode? Convert(object? value, Func<object, object?>? unwrap, string path, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new ArgumentException($"The value at '{path}' is nested more than {MaxDepth} levels deep; a payload cannot contain cycles.");
            }

            if (value is not null && unwrap is not null)
            {
                value = unwrap(value);
            }

            switch (value)
            {
                case null:
                    return null;
                case JsonNode node:
                    return node.DeepClone();
                case string s:
                    return JsonValue.Create(s);
                case char c:
                    return JsonValue.Create(c.ToString());
                case bool b:
                    return JsonValue.Create(b);
                case int or long or short or byte or sbyte or uint or ushort or ulong:
                    return JsonValue.Create(System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
                case float or double or decimal:
                    return JsonValue.Create(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                case DateTime dt:
                    return JsonValue.Create(dt.ToString("o", CultureInfo.InvariantCulture));
                case DateTimeOffset dto:
                    return JsonValue.Create(dto.ToString("o", CultureInfo.InvariantCulture));
                case Guid g:
                    return JsonValue.Create(g.ToString("D"));
                case Uri u:
                    return JsonValue.Create(u.OriginalString);
                case Enum e:
                    return JsonValue.Create(e.ToString());
                case IDictionary dictionary:
                    var obj = new JsonObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        var key = System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                        obj[key] = Convert(entry.Value, unwrap, path + "." + key, depth + 1);
                    }

                    return obj;
                case IEnumerable sequence:
                    var array = new JsonArray();
                    var index = 0;
                    foreach (var item in sequence)
                    {
                        array.Add(Convert(item, unwrap, path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]", depth + 1));
                        index++;
                    }

                    return array;
                default:
                    throw new ArgumentException($"The value at '{path}' is a {value.GetType().FullName}, which has no JSON form; use a string, number, boolean, hashtable or array.");
            }
        }
    }
}
