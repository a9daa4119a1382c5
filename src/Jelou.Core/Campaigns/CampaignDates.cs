using Jelou.Http;

namespace Jelou.Campaigns
{
    /// <summary>
    /// Dates as the campaign endpoints take and give them: ISO 8601 in UTC with milliseconds
    /// (<c>2026-05-01T14:00:00.000Z</c>), the form of the API's own timestamps.
    /// </summary>
    internal static class CampaignDates
    {
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
        public static string Format(DateTimeOffset value) => ApiTime.Format(value);

        /// <summary>The wire form of a PowerShell date (see <see cref="ToUtc"/>).</summary>
        public static string Format(DateTime value) => Format(ToUtc(value));
    }
}
