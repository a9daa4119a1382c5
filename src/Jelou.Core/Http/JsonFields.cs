using System.Globalization;
using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Reads one property of an API object whose shape is only partly documented (the listings' items and envelopes).
    /// Each gives null, never an error, for a missing property, one of another JSON type, or an element that is not an
    /// object: a field the API leaves out or sends differently must not make the whole answer unreadable.
    /// </summary>
    internal static class JsonFields
    {
        /// <summary>The property when it is a JSON array.</summary>
        public static JsonElement? Array(JsonElement obj, string name) =>
            Property(obj, name) is { ValueKind: JsonValueKind.Array } value ? value : null;

        /// <summary>The property when it is a JSON object.</summary>
        public static JsonElement? Object(JsonElement obj, string name) =>
            Property(obj, name) is { ValueKind: JsonValueKind.Object } value ? value : null;

        /// <summary>The property when it is a JSON string, as given.</summary>
        public static string? String(JsonElement obj, string name) =>
            Property(obj, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

        /// <summary>The string <c>inner</c> of the object <c>name</c> (<c>{"language":{"code":"es"}}</c>).</summary>
        public static string? String(JsonElement obj, string name, string inner) =>
            Object(obj, name) is { } value ? String(value, inner) : null;

        /// <summary>
        /// The property as text: a JSON string as given, or a number as it was written. An id or a phone number may
        /// come as a number; it is still compared and shown as text.
        /// </summary>
        public static string? Text(JsonElement obj, string name) => Property(obj, name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

        /// <summary>The text (see <see cref="Text(JsonElement, string)"/>) <c>inner</c> of the object <c>name</c>.</summary>
        public static string? Text(JsonElement obj, string name, string inner) =>
            Object(obj, name) is { } value ? Text(value, inner) : null;

        /// <summary>
        /// The property as a whole number: a JSON integer, or a string holding one in <paramref name="styles"/> (some
        /// APIs send counts as strings; a count is a count either way). The caller says which range makes sense.
        /// </summary>
        public static long? Integer(JsonElement obj, string name, NumberStyles styles)
        {
            switch (Property(obj, name))
            {
                case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var n):
                    return n;
                case { ValueKind: JsonValueKind.String } text when long.TryParse(text.GetString(), styles, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                default:
                    return null;
            }
        }

        /// <summary>The property as a point in time (see <see cref="ApiTime.Read"/>).</summary>
        public static DateTimeOffset? Time(JsonElement obj, string name) =>
            Property(obj, name) is { } value ? ApiTime.Read(value) : null;

        private static JsonElement? Property(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? value : null;
    }
}
