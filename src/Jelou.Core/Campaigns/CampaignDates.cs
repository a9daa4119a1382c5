using System.Globalization;
using System.Text.Json;

namespace Jelou.Campaigns
{
    /// <summary>
    /// Dates as the campaign endpoints take and give them: ISO 8601 in UTC with milliseconds
    /// (<c>2026-05-01T14:00:00.000Z</c>), the form of the API's own timestamps.
    /// </summary>
    internal static class CampaignDates
    {
        private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        /// <summary>
        /// A PowerShell date in UTC. A date of unspecified kind (<c>[datetime]'2026-05-01 09:00'</c>, Get-Date's parsing)
        /// is the user's local time, as PowerShell itself treats it.
        /// </summary>
        public static DateTimeOffset ToUtc(DateTime value) => value.Kind switch
        {
            DateTimeKind.Utc => new DateTimeOffset(value, TimeSpan.Zero),
            _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime(), TimeSpan.Zero),
        };

        /// <summary>The wire form: ISO 8601, UTC, milliseconds, <c>Z</c>.</summary>
        public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

        /// <summary>The wire form of a PowerShell date (see <see cref="ToUtc"/>).</summary>
        public static string Format(DateTime value) => Format(ToUtc(value));

        /// <summary>
        /// A timestamp of the API: an ISO 8601 string (with or without offset; none means UTC), or a number of
        /// milliseconds since 1970. Null for anything else, never an error: the listing's shapes are only partly documented.
        /// </summary>
        public static DateTimeOffset? Read(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var text = value.GetString();
                    return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
                case JsonValueKind.Number when value.TryGetInt64(out var ms) && ms > 0 && ms < 253402300800000:
                    return DateTimeOffset.FromUnixTimeMilliseconds(ms);
                default:
                    return null;
            }
        }
    }
}
