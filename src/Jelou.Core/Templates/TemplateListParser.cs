using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Jelou.Templates
{
    /// <summary>
    /// Reads an answer of GET /v1/bots/{botId}/templates. The OpenAPI document only says "object", so it is read
    /// defensively (issue 14): the items in <c>results</c>, <c>data</c> or a top-level array; the name in
    /// <c>elementName</c> or <c>name</c>; the body in <c>template</c>, <c>text</c>, <c>body</c> or the BODY entry of
    /// <c>components</c>; the placeholder count from <c>paramsNumber</c> or <c>params</c>, else from the text.
    /// </summary>
    internal static class TemplateListParser
    {
        // {{1}}, {{ 2 }}, and named ones ({{nombre}}), which make the count unknowable from the text.
        private static readonly Regex Placeholder = new(@"\{\{\s*([^{}]*?)\s*\}\}", RegexOptions.CultureInvariant);

        /// <summary>One answer read: its items and, when it carried <c>pagination</c>, where it is in the listing.</summary>
        internal readonly struct Listing
        {
            public Listing(IReadOnlyList<JelouTemplate> items, bool paged, int page, int? totalPages, long? total)
            {
                Items = items;
                Paged = paged;
                Page = page;
                TotalPages = totalPages;
                Total = total;
            }

            public IReadOnlyList<JelouTemplate> Items { get; }

            /// <summary>False when the answer had no <c>pagination</c>: it is the whole listing.</summary>
            public bool Paged { get; }

            public int Page { get; }

            public int? TotalPages { get; }

            public long? Total { get; }
        }

        /// <summary>Reads one answer; false when it is not JSON or has no list of templates where one is looked for.</summary>
        public static bool TryParse(byte[]? body, out Listing listing)
        {
            listing = default;
            if (body is not { Length: > 0 })
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                JsonElement items;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    items = root;
                }
                else if (root.ValueKind == JsonValueKind.Object && (ArrayOf(root, "results") ?? ArrayOf(root, "data")) is { } found)
                {
                    items = found;
                }
                else
                {
                    return false;
                }

                var templates = new List<JelouTemplate>(items.GetArrayLength());
                foreach (var item in items.EnumerateArray())
                {
                    if (ReadItem(item) is { } template)
                    {
                        templates.Add(template);
                    }
                }

                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object)
                {
                    var page = Count(pagination, "page") is { } n && n > 0 ? n : 1;
                    listing = new Listing(templates, true, page, Count(pagination, "totalPages"), Count(pagination, "total"));
                }
                else
                {
                    listing = new Listing(templates, false, 1, 1, templates.Count);
                }

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>One item; null for one that is not an object or has no name (it could not be sent anyway).</summary>
        public static JelouTemplate? ReadItem(JsonElement item)
        {
            if (item.ValueKind != JsonValueKind.Object || (String(item, "elementName") ?? String(item, "name")) is not { Length: > 0 } name)
            {
                return null;
            }

            var components = ArrayOf(item, "components");
            var body = Component(components, "BODY");
            var header = Component(components, "HEADER");
            var text = String(item, "template") ?? String(item, "text") ?? String(item, "body") ?? Nested(item, "body", "text") ?? (body is { } b ? String(b, "text") : null);
            var type = String(item, "type");
            var template = new JelouTemplate(name, item.Clone())
            {
                Language = String(item, "language") ?? Nested(item, "language", "code"),
                Category = String(item, "category"),
                Status = String(item, "status"),
                Type = type,
                Text = text,
                ParameterCount = DeclaredCount(item) ?? CountPlaceholders(text),
                HeaderType = Upper(String(item, "headerType")
                    ?? Nested(item, "header", "format") ?? Nested(item, "header", "type")
                    ?? (header is { } h ? String(h, "format") ?? String(h, "type") : null)
                    ?? MediaType(type)),
                Buttons = Buttons(ArrayOf(item, "buttons") ?? (Component(components, "BUTTONS") is { } c ? ArrayOf(c, "buttons") : null)),
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
                if (!item.TryGetProperty(name, out var value))
                {
                    continue;
                }

                switch (value.ValueKind)
                {
                    case JsonValueKind.Number when value.TryGetInt32(out var n) && n >= 0:
                        return n;
                    case JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                        return n;
                    case JsonValueKind.Array:
                        // A list of the parameters (or their examples): one entry per placeholder.
                        return value.GetArrayLength();
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
                    list.Add(new TemplateButton(Upper(String(button, "type")), String(button, "text") ?? String(button, "title"), String(button, "url")));
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
                    if (component.ValueKind == JsonValueKind.Object && string.Equals(String(component, "type"), type, StringComparison.OrdinalIgnoreCase))
                    {
                        return component;
                    }
                }
            }

            return null;
        }

        private static JsonElement? ArrayOf(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

        private static string? String(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string? Nested(JsonElement obj, string name, string inner) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? String(value, inner) : null;

        private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim().ToUpperInvariant();

        private static int? Count(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : null;
    }
}
