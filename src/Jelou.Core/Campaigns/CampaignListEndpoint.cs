using System.Globalization;
using Jelou.Http;

namespace Jelou.Campaigns
{
    /// <summary>
    /// GET /v1/campaigns (jelou-api.md §5.3) with its filters: <c>botId</c>, <c>startAt</c> and <c>endAt</c> (required
    /// by the API), <c>elementName</c> and <c>status</c>; pages of at most 50. The answer is read defensively
    /// (<see cref="ListingEnvelope"/>). Made per call: it carries the call's filters.
    /// </summary>
    internal sealed class CampaignListEndpoint : PagedEndpoint<JelouCampaign>
    {
        /// <summary>The documented maximum of <c>limit</c>.</summary>
        public const int PageSize = 50;

        private static readonly RouteTemplate SharedRoute = new("v1/campaigns");
        private readonly string botId;
        private readonly string startAt;
        private readonly string endAt;
        private readonly string? templateName;
        private readonly string? status;

        public CampaignListEndpoint(string botId, DateTimeOffset from, DateTimeOffset to, string? templateName = null, string? status = null)
            : base(SharedRoute, PageSize)
        {
            this.botId = string.IsNullOrWhiteSpace(botId) ? throw new ArgumentException("The bot id is empty.", nameof(botId)) : botId;
            startAt = CampaignDates.Format(from);
            endAt = CampaignDates.Format(to);
            this.templateName = string.IsNullOrEmpty(templateName) ? null : templateName;
            this.status = string.IsNullOrEmpty(status) ? null : status;
        }

        public override string NotFoundHint => " Check the bot id.";

        public override ApiRequest PageRequest(int page, int limit) => ApiRequest.WithQuery(new[]
        {
            new KeyValuePair<string, string?>("botId", botId),
            new KeyValuePair<string, string?>("startAt", startAt),
            new KeyValuePair<string, string?>("endAt", endAt),
            new KeyValuePair<string, string?>("elementName", templateName),
            new KeyValuePair<string, string?>("status", status),
            new KeyValuePair<string, string?>("page", page.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string?>("limit", limit.ToString(CultureInfo.InvariantCulture)),
        });

        protected override string Listed => "campaigns";

        protected override JelouCampaign? ReadItem(System.Text.Json.JsonElement item) => JelouCampaign.Read(item);
    }
}
