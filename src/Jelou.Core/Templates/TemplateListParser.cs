using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jelou.Http;

namespace Jelou.Templates
{
    /// <summary>
    /// Reads an item of GET /v1/bots/{botId}/templates. The OpenAPI document only says "object", so it is read
    /// defensively (issue 14); <see cref="ListingEnvelope"/> finds the items and the pagination. The name is in
    /// <c>elementName</c> or <c>name</c>; the body in <c>template</c>, <c>text</c>, <c>body</c> or the BODY entry of
    /// <c>components</c>; the placeholder count from <c>paramsNumber</c> or <c>params</c>, else from the text.
    /// </summary>
    internal static class TemplateListParser
    {
        // {{1}}, {{ 2 }}, and named ones ({{nombre}}), which make the count unknowable from the text.
        private static readonly Regex Placeholder = new(@"\{\{\s*([^{}]*?)\s*\}\}", RegexOptions.CultureInvariant);

        /// <summary>One item; null for one that is not an object or has no name (it could not be sent anyway).</summary>
        public static JelouTemplate? ReadItem(JsonElement item)
        {
            if (item.ValueKind != JsonValueKind.Object || (JsonFields.String(item, "elementName") ?? JsonFields.String(item, "name")) is not { Length: > 0 } name)
            {
                return null;
            }

            var components = JsonFields.Array(item, "components");
            var body = Component(components, "BODY");
            var header = Component(components, "HEADER");
            var text = JsonFields.String(item, "template") ?? JsonFields.String(item, "text") ?? JsonFields.String(item, "body") ?? JsonFields.String(item, "body", "text") ?? (body is { } b ? JsonFields.String(b, "text") : null);
            var type = JsonFields.String(item, "type");
            var template = new JelouTemplate(name, item.Clone())
            {
                Language = JsonFields.String(item, "language") ?? JsonFields.String(item, "language", "code"),
                Category = JsonFields.String(item, "category"),
                Status = JsonFields.String(item, "status"),
                Type = type,
                Text = text,
                ParameterCount = DeclaredCount(item) ?? CountPlaceholders(text),
                HeaderType = Upper(JsonFields.String(item, "headerType")
                    ?? JsonFields.String(item, "header", "format") ?? JsonFields.String(item, "header", "type")
                    ?? (header is { } h ? JsonFields.String(h, "format") ?? JsonFields.String(h, "type") : null)
                    ?? MediaType(type)),
                Buttons = Buttons(JsonFields.Array(item, "buttons") ?? (Component(components, "BUTTONS") is { } c ? JsonFields.Array(c, "buttons") : null)),
            };
            return template;
        }

        /// <summary>
        /// The body parameters a text takes: n when its placeholders are exactly {{1}}..{{n}} (each may repeat), 0 when
        /// it has none, null when it has a named or out-of-sequence one or there is no text: the count is then unknown.
        /// </summary>
        public static int? CountPlaceholders(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var seen = new HashSet<int>();
            foreach (Match match in Placeholder.Matches(text))
            {
                if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                {
                    return null;
                }

                seen.Add(number);
            }

            // {{1}} and {{3}} without {{2}}: which values the API expects is not knowable, so no count is claimed.
            return seen.Count == 0 || seen.Max() == seen.Count ? seen.Count : null;
        }

        private static int? DeclaredCount(JsonElement item)
        {
            foreach (var name in new[] { "paramsNumber", "params" })
            {
                if (JsonFields.Integer(item, name, NumberStyles.None) is { } n && n >= 0 && n <= int.MaxValue)
                {
                    return (int)n;
                }

                // A list of the parameters (or their examples): one entry per placeholder.
                if (JsonFields.Array(item, name) is { } list)
                {
                    return list.GetArrayLength();
                }
            }

            return null;
        }

        private static IReadOnlyList<TemplateButton> Buttons(JsonElement? buttons)
        {
            if (buttons is not { } array)
            {
                return Array.Empty<TemplateButton>();
            }

            var list = new List<TemplateButton>(array.GetArrayLength());
            foreach (var button in array.EnumerateArray())
            {
                if (button.ValueKind == JsonValueKind.Object)
                {
                    list.Add(new TemplateButton(Upper(JsonFields.String(button, "type")), JsonFields.String(button, "text") ?? JsonFields.String(button, "title"), JsonFields.String(button, "url")));
                }
                else if (button.ValueKind == JsonValueKind.String)
                {
                    list.Add(new TemplateButton(null, button.GetString(), null));
                }
            }

            return list;
        }

        private static string? MediaType(string? type) => Upper(type) is "IMAGE" or "DOCUMENT" or "VIDEO" ? Upper(type) : null;

        private static JsonElement? Component(JsonElement? components, string type)
        {
            if (components is { } array)
            {
                foreach (var component in array.EnumerateArray())
                {
                    if (component.ValueKind == JsonValueKind.Object && string.Equals(JsonFields.String(component, "type"), type, StringComparison.OrdinalIgnoreCase))
                    {
                        return component;
                    }
                }
            }

            return null;
        }

        private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim().ToUpperInvariant();
    }
}
