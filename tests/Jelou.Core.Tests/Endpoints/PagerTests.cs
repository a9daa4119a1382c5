using System.Text.Json;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Endpoints;

/// <summary>
/// The core pager over real HTTP: GET /v1/campaigns on the fake, paged by page and limit. The fake counts requests,
/// which shows that the pager reads every page to the last, and no page the caller will not read.
/// </summary>
public sealed class PagerTests
{
    private const string Bot = "bot-pages";

    [Fact]
    public async Task Every_page_is_read_to_the_last_and_items_come_in_order()
    {
        await using var server = await StartAsync(120);
        using var client = CoreTestSupport.ClientFor(server);
        long? total = -1;

        var ids = await ListAsync(client, new PageWindow(0, null), t => total = t);

        Assert.Equal(Enumerable.Range(1, 120).Select(Id), ids);
        Assert.Equal(120, total);
        Assert.Equal(3, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_listing_that_fills_its_last_page_stops_at_totalPages()
    {
        await using var server = await StartAsync(100);
        using var client = CoreTestSupport.ClientFor(server);

        var ids = await ListAsync(client, new PageWindow(0, null));

        Assert.Equal(100, ids.Count);
        Assert.Equal(2, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task First_stops_after_the_page_that_holds_the_last_wanted_item()
    {
        await using var server = await StartAsync(120);
        using var client = CoreTestSupport.ClientFor(server);

        var ids = await ListAsync(client, new PageWindow(0, 10));

        Assert.Equal(Enumerable.Range(1, 10).Select(Id), ids);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task Skip_never_requests_the_whole_pages_it_passes_over()
    {
        await using var server = await StartAsync(120);
        using var client = CoreTestSupport.ClientFor(server);

        var inSecondPage = await ListAsync(client, new PageWindow(55, 10));
        Assert.Equal(Enumerable.Range(56, 10).Select(Id), inSecondPage);
        Assert.Equal(1, server.Ledger.TotalRequests);

        var acrossPages = await ListAsync(client, new PageWindow(45, 10));
        Assert.Equal(Enumerable.Range(46, 10).Select(Id), acrossPages);
        Assert.Equal(3, server.Ledger.TotalRequests);

        var pastTheEnd = await ListAsync(client, new PageWindow(500, null));
        Assert.Empty(pastTheEnd);
        Assert.Equal(4, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_caller_that_stops_reading_stops_the_requests()
    {
        await using var server = await StartAsync(120);
        using var client = CoreTestSupport.ClientFor(server);
        var read = new List<string>();

        var pager = new Pager<string>(client, CampaignIds.Instance, new PageWindow(0, null, pageSize: 5), CoreTestSupport.NoRetry);
        while (read.Count < 7 && await pager.MoveNextAsync())
        {
            read.Add(pager.Current);
        }

        Assert.Equal(Enumerable.Range(1, 7).Select(Id), read);
        Assert.Equal(2, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task The_total_is_read_with_one_request_when_no_item_is_wanted()
    {
        await using var server = await StartAsync(120);
        using var client = CoreTestSupport.ClientFor(server);
        var pager = new Pager<string>(client, CampaignIds.Instance, new PageWindow(0, 0), CoreTestSupport.NoRetry);

        Assert.Equal(120, await pager.ReadTotalAsync());
        Assert.False(await pager.MoveNextAsync());
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task An_empty_listing_is_one_request_and_no_items()
    {
        await using var server = await StartAsync(0);
        using var client = CoreTestSupport.ClientFor(server);
        long? total = -1;

        var ids = await ListAsync(client, new PageWindow(0, null), t => total = t);

        Assert.Empty(ids);
        Assert.Equal(0, total);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_page_that_fails_throws_the_API_error()
    {
        var options = new FakeJelouOptions { CampaignCount = 10, KnownBots = new HashSet<string> { "another-bot" } };
        await using var server = await FakeJelouServer.StartAsync(options);
        using var client = CoreTestSupport.ClientFor(server);

        var error = await Assert.ThrowsAsync<JelouApiException>(() => ListAsync(client, new PageWindow(0, null)));

        Assert.Equal(JelouErrorKind.NotFound, error.Kind);
        Assert.DoesNotContain("message", error.Message.Replace("Jelou API", string.Empty), StringComparison.OrdinalIgnoreCase);
    }

    private static string Id(int n) => "camp-" + n.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    private static Task<FakeJelouServer> StartAsync(int campaigns) => FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignCount = campaigns });

    private static async Task<List<string>> ListAsync(JelouClient client, PageWindow window, Action<long?>? onTotal = null)
    {
        var ids = new List<string>();
        var pager = new Pager<string>(client, CampaignIds.Instance, window, CoreTestSupport.NoRetry);
        while (await pager.MoveNextAsync())
        {
            ids.Add(pager.Current);
        }

        onTotal?.Invoke(pager.Total);
        return ids;
    }

    /// <summary>GET /v1/campaigns read as campaign ids: an endpoint defined as the core's README says, in a test.</summary>
    private sealed class CampaignIds : PagedEndpoint<string>
    {
        public static CampaignIds Instance { get; } = new();

        private CampaignIds()
            : base("v1/campaigns", maxPageSize: 50)
        {
        }

        public override ApiRequest PageRequest(int page, int limit) => ApiRequest.WithQuery(new[]
        {
            new KeyValuePair<string, string?>("botId", Bot),
            new KeyValuePair<string, string?>("startAt", "2026-01-01T00:00:00Z"),
            new KeyValuePair<string, string?>("endAt", "2026-12-31T00:00:00Z"),
            new KeyValuePair<string, string?>("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new KeyValuePair<string, string?>("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        });

        protected override string ReadItem(JsonElement item) => item.GetProperty("_id").GetString()!;
    }
}
