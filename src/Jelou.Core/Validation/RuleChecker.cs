using System.Globalization;
using System.Text.Json.Nodes;

namespace Jelou.Validation
{
    /// <summary>
    /// The rules every builder shares (text hygiene, ids, lengths in characters, HTTPS URLs), and the problems one row or
    /// one request breaks. A builder makes one per row, so the encoding advice is said once per row; a template or
    /// campaign builder uses the same rules, with <see cref="Prefix"/> for the fields of a nested item.
    /// </summary>
    internal sealed class RuleChecker
    {
        // Made on the first problem: a valid row, the usual case, needs no list.
        private List<ValidationProblem>? problems;

        // The fix for a file read with the wrong encoding is said once per row, however many fields show it.
        private bool encodingAdviceGiven;

        /// <summary>Put before every field name added, such as <c>messages[2].</c>; empty for top-level fields.</summary>
        public string Prefix { get; set; } = string.Empty;

        public IReadOnlyList<ValidationProblem> Problems => (IReadOnlyList<ValidationProblem>?)problems ?? Array.Empty<ValidationProblem>();

        public void Add(string field, string message) => (problems ??= new List<ValidationProblem>()).Add(new ValidationProblem(Prefix + field, message));

        public void Remove(string field) => problems?.RemoveAll(p => p.Field == Prefix + field);

        /// <summary>A string that would reach the customer: no mis-decoded or invisible characters.</summary>
        public void Text(string field, string? value)
        {
            if (value is not null && InputHygiene.CheckText(value, ref encodingAdviceGiven) is { } problem)
            {
                Add(field, problem);
            }
        }

        /// <summary>Every string of a JSON tree (a contact card, a raw payload).</summary>
        public void Tree(string field, JsonNode? node, string? skip = null) =>
            InputHygiene.CheckTree(node, Prefix + field, (f, m) => (problems ??= new List<ValidationProblem>()).Add(new ValidationProblem(f, m)), ref encodingAdviceGiven, skip);

        /// <summary>A recipient: the id to send, a formatted phone number as its digits and any other id as given.</summary>
        public string Recipient(string field, string id) => Id(field, id, phone: true);

        /// <summary>
        /// A recipient or sender id (already trimmed): the id to send. With <paramref name="phone"/>, a formatted phone
        /// number becomes its digits; a sender (a bot, operator or uuid) is never one, so only the rules for every id apply.
        /// </summary>
        public string Id(string field, string id, bool phone)
        {
            if (InputHygiene.CheckId(id, phone, out var normalized, ref encodingAdviceGiven) is { } problem)
            {
                Add(field, problem);
                return id;
            }

            return normalized;
        }

        public void Required(string field, string? value, int maxLength)
        {
            if (value is null)
            {
                Add(field, "is empty; this message type requires it.");
                return;
            }

            Optional(field, value, maxLength);
        }

        /// <summary>At most <paramref name="maxLength"/> characters as a user counts them (an emoji is one).</summary>
        public void Optional(string field, string? value, int maxLength)
        {
            // A string is never more characters than UTF-16 units, so the text-element count (which allocates) is only
            // needed when the units exceed the limit.
            if (value is null || value.Length <= maxLength)
            {
                return;
            }

            var length = CharacterCount(value);
            if (length > maxLength)
            {
                Add(field, $"'{Preview(value)}' is {length} characters long; the limit is {maxLength}.");
            }
        }

        /// <summary>
        /// The URL rule of every endpoint (jelou-api.md §2.1, "Media URL rules"; §3 documents no other rule for rooms):
        /// absolute, HTTPS, at most <paramref name="maxLength"/> units. A null value is reported with
        /// <paramref name="missing"/>, or accepted when that is null (the field is optional).
        /// </summary>
        public void HttpsUrl(string field, string? value, int maxLength, string? missing)
        {
            if (value is null)
            {
                if (missing is not null)
                {
                    Add(field, missing);
                }

                return;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                Add(field, $"'{Preview(value)}' is not an absolute URL; give a public HTTPS URL that points straight at the file.");
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                Add(field, $"'{Preview(value)}' uses http; Jelou only fetches public HTTPS URLs.");
            }
            else if (value.Length > maxLength)
            {
                Add(field, $"is {value.Length} characters long; the limit is {maxLength}.");
            }
        }

        /// <summary>The file name the recipient sees: a name, never a path.</summary>
        public void FileName(string field, string? value)
        {
            if (value is not null && value.IndexOfAny(new[] { '/', '\\' }) >= 0)
            {
                Add(field, $"'{Preview(value)}' contains a path separator; give only the name the recipient sees, such as factura.pdf.");
            }
        }

        /// <summary>Counts what a user sees as characters: a surrogate pair (an emoji) is one.</summary>
        internal static int CharacterCount(string text) => new StringInfo(text).LengthInTextElements;

        internal static bool ContainsEmoji(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                int cp = text[i];
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    cp = char.ConvertToUtf32(text[i], text[i + 1]);
                    i++;
                }

                if (cp >= 0x1F000 || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0xFE0F)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The extension of a URL's path (".jpg"), or null; a query string is not part of it.</summary>
        internal static string? Extension(string url)
        {
            var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
            var extension = Path.GetExtension(path);
            return string.IsNullOrEmpty(extension) ? null : extension;
        }

        internal static string Preview(string value) => value.Length <= 40 ? value : value.Substring(0, 37) + "...";
    }
}
