using System.Globalization;
using System.Text.Json;
using Jelou.Http;

namespace Jelou.Notifications
{
    /// <summary>
    /// GET /v1/external/bots/{botId}/notifications with its filters (<c>messageId</c>, <c>campaignId</c>,
    /// <c>elementName</c>, <c>from</c>, <c>to</c>), read as <see cref="JelouMessageStatus"/>es, at most 50 a page (the
    /// documented maximum). The answer is read defensively (<see cref="ListingEnvelope"/>): one without
    /// <c>pagination</c> is taken as the whole listing, so a server that ignores <c>page</c> is never asked for page 2.
    /// Made per call: it carries the call's filters.
    /// </summary>
    internal sealed class NotificationListEndpoint : PagedEndpoint<JelouMessageStatus>
    {
        /// <summary>The documented maximum of <c>limit</c>.</summary>
        public const int PageSize = 50;

        private static readonly RouteTemplate SharedRoute = new("v1/external/bots/{botId}/notifications");
        private readonly string botId;
        private readonly NotificationFilter filter;

        public NotificationListEndpoint(string botId, NotificationFilter? filter = null)
            : base(SharedRoute, PageSize)
        {
            this.botId = botId ?? throw new ArgumentNullException(nameof(botId));
            this.filter = filter ?? new NotificationFilter();
        }

        public override string NotFoundHint => " Check the bot id.";

        public override ApiRequest PageRequest(int page, int limit) => new(botId, null, new[]
        {
            new KeyValuePair<string, string?>("messageId", Blank(filter.MessageId)),
            new KeyValuePair<string, string?>("campaignId", Blank(filter.CampaignId)),
            new KeyValuePair<string, string?>("elementName", Blank(filter.TemplateName)),
            new KeyValuePair<string, string?>("from", filter.From is { } from ? ApiTime.Format(from) : null),
            new KeyValuePair<string, string?>("to", filter.To is { } to ? ApiTime.Format(to) : null),
            new KeyValuePair<string, string?>("page", page.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string?>("limit", limit.ToString(CultureInfo.InvariantCulture)),
        });

        protected override string Listed => "notifications";

        protected override JelouMessageStatus? ReadItem(JsonElement item) => NotificationListParser.ReadItem(item);

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }

    /// <summary>What a notifications listing is narrowed to; a null member is no filter.</summary>
    public sealed class NotificationFilter
    {
        /// <summary>One message's id, as Send-JelouTemplate reported it.</summary>
        public string? MessageId { get; set; }

        /// <summary>The campaign's id.</summary>
        public string? CampaignId { get; set; }

        /// <summary>The template's name (elementName).</summary>
        public string? TemplateName { get; set; }

        /// <summary>The earliest time (the API's <c>from</c>).</summary>
        public DateTimeOffset? From { get; set; }

        /// <summary>The latest time (the API's <c>to</c>).</summary>
        public DateTimeOffset? To { get; set; }
    }
}
