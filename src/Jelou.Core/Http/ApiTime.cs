using System.Globalization;
using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Points in time as the API takes and gives them: ISO 8601 in UTC with milliseconds
    /// (<c>2026-05-01T14:00:00.000Z</c>), the form of its own timestamps and of the listings' date filters.
    /// </summary>
    internal static class ApiTime
    {
        // Milliseconds below this are taken as seconds: as milliseconds they would fall before March 1973.
        private const long SmallestMilliseconds = 100_000_000_000;

        /// <summary>
        /// The wire form: ISO 8601, UTC, milliseconds, <c>Z</c>. A <see cref="DateTimeOffset"/> has its offset, so
        /// there is no local-or-UTC guess here; a PowerShell date of unspecified kind is made local before (as
        /// PowerShell does).
        /// </summary>
        public static string Format(DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        /// <summary>
        /// A timestamp of the API: an ISO 8601 string (with or without offset; none means UTC), or a number of
        /// milliseconds since 1970 (of seconds, for one too small to be milliseconds). Null for anything else, never an
        /// error: the listings' shapes are only partly documented.
        /// </summary>
        public static DateTimeOffset? Read(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
                case JsonValueKind.Number when value.TryGetInt64(out var number) && number > 0:
                    try
                    {
                        return number >= SmallestMilliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number);
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        // Past the year 9999: not a time the API meant.
                        return null;
                    }

                default:
                    return null;
            }
        }
    }
}
