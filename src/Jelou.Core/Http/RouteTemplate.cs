using System.Text;

namespace Jelou.Http
{
    /// <summary>
    /// A route relative to the API root, such as <c>v1/bots/{botId}/messages</c>. Placeholder values are trimmed and
    /// escaped as one path segment each, so an id can never add a segment or a query to the request.
    /// </summary>
    internal sealed class RouteTemplate
    {
        private readonly string[] literals;
        private readonly string[] names;

        public RouteTemplate(string template)
        {
            Template = template ?? throw new ArgumentNullException(nameof(template));
            var parts = new List<string>();
            var placeholders = new List<string>();
            var at = 0;
            while (true)
            {
                var open = template.IndexOf('{', at);
                if (open < 0)
                {
                    parts.Add(template.Substring(at));
                    break;
                }

                var close = template.IndexOf('}', open);
                if (close < 0)
                {
                    throw new ArgumentException($"The route '{template}' has a '{{' without its '}}'.", nameof(template));
                }

                parts.Add(template.Substring(at, open - at));
                placeholders.Add(template.Substring(open + 1, close - open - 1));
                at = close + 1;
            }

            if (placeholders.Count > 2)
            {
                throw new ArgumentException($"The route '{template}' has more than two placeholders.", nameof(template));
            }

            literals = parts.ToArray();
            names = placeholders.ToArray();
        }

        /// <summary>The template as written.</summary>
        public string Template { get; }

        /// <summary>How many placeholders it has.</summary>
        public int Count => names.Length;

        /// <summary>The relative URI of one request: placeholders filled in, then the query string.</summary>
        public string Expand(in ApiRequest request)
        {
            var text = new StringBuilder(literals[0]);
            for (var i = 0; i < names.Length; i++)
            {
                var value = i == 0 ? request.PathValue : request.SecondPathValue;
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ArgumentException($"The {{{names[i]}}} of {Template} is empty.", nameof(request));
                }

                text.Append(Uri.EscapeDataString(value!.Trim())).Append(literals[i + 1]);
            }

            var separator = '?';
            if (request.Query is { } query)
            {
                foreach (var pair in query)
                {
                    if (pair.Value is null)
                    {
                        continue;
                    }

                    text.Append(separator).Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value));
                    separator = '&';
                }
            }

            return text.ToString();
        }
    }
}
