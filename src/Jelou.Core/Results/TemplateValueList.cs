using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace Jelou.Results
{
    /// <summary>
    /// The values of a template send (body, header or button), in order. In PowerShell it is a list like any other; its
    /// text is a JSON array, such as <c>["José","1.234,56"]</c>, which is what Export-Csv writes for it. So a report kept as
    /// CSV holds the values themselves rather than the type name "System.String[]", and Send-JelouTemplate reads such a
    /// cell back (<see cref="TryParse"/>) when the report is piped into it again.
    /// </summary>
    public sealed class TemplateValueList : ReadOnlyCollection<string?>
    {
        /// <summary>Keeps a copy of the values.</summary>
        public TemplateValueList(IEnumerable<string?> values)
            : base((values ?? throw new ArgumentNullException(nameof(values))).ToArray())
        {
        }

        /// <summary>
        /// The values as JSON array text. JSON rather than a separator: its escaping is defined, so a value holding commas,
        /// quotes, brackets or a separator of any kind comes back whole; accents stay readable in a spreadsheet.
        /// </summary>
        public override string ToString()
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Messages.JelouJsonContext.WriterOptions))
            {
                writer.WriteStartArray();
                foreach (var value in this)
                {
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        writer.WriteStringValue(value);
                    }
                }

                writer.WriteEndArray();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        /// <summary>
        /// True when <paramref name="text"/> is in the form <see cref="ToString"/> writes: after white space, <c>[</c> then
        /// <c>"</c> or <c>]</c>. Such text is read as a list (<see cref="TryParse"/>), never sent as one value.
        /// </summary>
        public static bool IsListText(string? text)
        {
            if (text is null)
            {
                return false;
            }

            var i = Skip(text, 0);
            if (i >= text.Length || text[i] != '[')
            {
                return false;
            }

            i = Skip(text, i + 1);
            return i < text.Length && (text[i] == '"' || text[i] == ']');
        }

        /// <summary>
        /// Reads text written by <see cref="ToString"/>: a JSON array whose items are strings (or null). False, with the
        /// reason, for anything else, such as a cell edited by hand into broken JSON or an array of numbers.
        /// </summary>
        public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TemplateValueList? values, out string? problem)
        {
            values = null;
            problem = null;
            if (text is null)
            {
                problem = "is empty";
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    problem = "is not a JSON array";
                    return false;
                }

                var items = new List<string?>();
                var position = 0;
                foreach (var item in document.RootElement.EnumerateArray())
                {
                    position++;
                    switch (item.ValueKind)
                    {
                        case JsonValueKind.String:
                            items.Add(item.GetString());
                            break;
                        case JsonValueKind.Null:
                            items.Add(null);
                            break;
                        default:
                            var kind = item.ValueKind switch
                            {
                                JsonValueKind.Array => "an array",
                                JsonValueKind.Object => "an object",
                                JsonValueKind.Number => "a number",
                                _ => item.GetRawText(),
                            };
                            problem = $"has {kind} as item {position.ToString(System.Globalization.CultureInfo.InvariantCulture)}, where every item must be a string in quotes";
                            return false;
                    }
                }

                values = new TemplateValueList(items);
                return true;
            }
            catch (JsonException ex)
            {
                // The reader's own text names the line and byte of the fault; the first sentence is enough here.
                var reason = ex.Message.Split(new[] { ". " }, 2, StringSplitOptions.None)[0].TrimEnd('.');
                problem = "is not valid JSON (" + reason + ")";
                return false;
            }
        }

        private static int Skip(string text, int i)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            return i;
        }
    }
}
