using System.Globalization;
using System.Text.Json;
using Jelou.Http;

namespace Jelou.Templates
{
    /// <summary>
    /// GET /v1/bots/{botId}/templates with its filters (<c>query</c> on elementName, <c>status</c>, <c>category</c>),
    /// read as <see cref="JelouTemplate"/>s. Whether the listing pages is not documented: <c>page</c> and
    /// <c>limit</c> are always asked, and the answer is read defensively (<see cref="ListingEnvelope"/>): one without
    /// <c>pagination</c> is taken as the whole listing (one page), so a server that ignores them is never asked for
    /// page 2. Made per call: it carries the call's filters.
    /// </summary>
    internal sealed class TemplateListEndpoint : PagedEndpoint<JelouTemplate>
    {
        /// <summary>The largest page asked: the documented maximum of the API's other listings.</summary>
        public const int PageSize = 50;

        private static readonly RouteTemplate SharedRoute = new("v1/bots/{botId}/templates");
        private readonly string botId;
        private readonly string? query;
        private readonly string? status;
        private readonly string? category;

        public TemplateListEndpoint(string botId, string? query = null, string? status = null, string? category = null)
            : base(SharedRoute, PageSize)
        {
            this.botId = botId ?? throw new ArgumentNullException(nameof(botId));
            this.query = string.IsNullOrEmpty(query) ? null : query;
            this.status = status;
            this.category = category;
        }

        public override string NotFoundHint => " Check the bot id.";

        public override ApiRequest PageRequest(int page, int limit) => new(botId, null, new[]
        {
            new KeyValuePair<string, string?>("query", query),
            new KeyValuePair<string, string?>("status", status),
            new KeyValuePair<string, string?>("category", category),
            new KeyValuePair<string, string?>("page", page.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string?>("limit", limit.ToString(CultureInfo.InvariantCulture)),
        });

        protected override string Listed => "templates";

        protected override JelouTemplate? ReadItem(JsonElement item) => TemplateListParser.ReadItem(item);
    }
}
