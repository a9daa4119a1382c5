using System.Text;
using Jelou.Campaigns;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Campaigns;

/// <summary>
/// GET /v1/campaigns: the defensive reading of its envelope, the pager over the fake (uploaded campaigns first, then
/// the synthetic ones; an empty page, the last page, an early stop), the filters and dates it sends, and a campaign
/// moving from PENDING to IN_PROGRESS to COMPLETED.
/// </summary>
public sealed class CampaignListingTests
{
    private static readonly DateTimeOffset From = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Page<JelouCampaign> Read(string json)
    {
        Assert.True(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(json), JelouCampaign.Read, out var page), json);
        return page!;
    }

    [Fact]
    public void The_documented_envelope_is_read_with_its_pagination()
    {
        var page = Read("""
            {"pagination":{"limit":50,"page":2,"total":120,"offset":50,"totalPages":3},"_metadata":{},
             "results":[{"_id":"c1","name":"recordatorio_mayo","fileName":"clientes.csv","status":"in_progress","botId":"bot-1",
                         "rowCount":1200,"storageUrl":"https://s/x.csv","metadata":{"elementName":"recordatorio_pago"},"sendBy":"api",
                         "scheduledAt":null,"createdAt":"2026-05-01T14:00:00.000Z","updatedAt":"2026-05-01T14:05:00.000Z"}]}
            """);

        Assert.Equal(2, page.Number);
        Assert.Equal(3, page.TotalPages);
        Assert.Equal(120, page.Total);
        var campaign = Assert.Single(page.Items);
        Assert.Equal("c1", campaign.Id);
        Assert.Equal("recordatorio_mayo", campaign.Name);
        Assert.Equal("IN_PROGRESS", campaign.Status);
        Assert.Equal("recordatorio_pago", campaign.TemplateName);
        Assert.Equal(1200, campaign.RowCount);
        Assert.Null(campaign.ScheduledAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 14, 0, 0, TimeSpan.Zero), campaign.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 14, 5, 0, TimeSpan.Zero), campaign.UpdatedAt);
        Assert.Equal("clientes.csv", campaign.FileName);
        Assert.False(campaign.IsCompleted);
        Assert.Equal(new[] { "storageUrl", "metadata", "sendBy" }, campaign.AdditionalProperties.Keys);
        Assert.Equal("https://s/x.csv", campaign.AdditionalProperties["storageUrl"].GetString());
    }

    [Theory]
    [InlineData("""{"data":[{"id":7,"campaignName":"a","status":"COMPLETED","rows":"12"}]}""")]
    [InlineData("""[{"id":7,"campaignName":"a","status":"COMPLETED","rows":"12"}]""")]
    [InlineData("""{"statusMessage":"success","status":1,"data":{"results":[{"id":7,"campaignName":"a","status":"COMPLETED","rows":"12"}]}}""")]
    public void A_data_array_a_bare_array_or_a_wrapped_envelope_count_and_without_pagination_are_one_page(string json)
    {
        var page = Read(json);

        Assert.Equal(1, page.Number);
        Assert.Equal(1, page.TotalPages);
        var campaign = Assert.Single(page.Items);
        Assert.Equal("7", campaign.Id);
        Assert.Equal("a", campaign.Name);
        Assert.True(campaign.IsCompleted);
        Assert.Equal(12, campaign.RowCount);
    }

    [Fact]
    public void Unknown_fields_and_odd_values_are_kept_never_an_error()
    {
        var page = Read("""{"results":[{"_id":"x","status":null,"rowCount":"many","createdAt":"yesterday","extra":{"a":[1,2]},"flag":true}, 5, "text"]}""");

        var campaign = Assert.Single(page.Items);
        Assert.Null(campaign.Status);
        Assert.Null(campaign.RowCount);
        Assert.Null(campaign.CreatedAt);
        Assert.Equal(new[] { "extra", "flag" }, campaign.AdditionalProperties.Keys);
        Assert.Contains("\"extra\"", campaign.Raw.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"message":"ok"}""")]
    [InlineData("42")]
    public void A_body_without_a_list_is_not_a_page(string body)
    {
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), JelouCampaign.Read, out _));
    }

    [Fact]
    public async Task Uploaded_campaigns_come_first_then_the_synthetic_ones_across_pages()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignCount = 60, CampaignStepMs = 0 });
        using var client = CoreTestSupport.ClientFor(server);
        await UploadAsync(client, "primera");
        await UploadAsync(client, "segunda");

        var all = await ListAsync(client, new CampaignListEndpoint("bot-1", From, To), new PageWindow(0, null));

        Assert.Equal(62, all.Count);
        Assert.Equal(new[] { "segunda", "primera", "Campaign 1" }, all.Take(3).Select(c => c.Name));
        Assert.Equal("camp-0060", all[61].Id);
        Assert.All(all.Take(2), c => Assert.Equal("recordatorio_pago", c.TemplateName));
        Assert.Equal(4, server.Ledger.TotalRequests); // two uploads, then two pages (50 and 12)
    }

    [Fact]
    public async Task The_last_page_empty_pages_and_an_early_stop_ask_no_page_too_many()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignCount = 100 });
        using var client = CoreTestSupport.ClientFor(server);

        // 100 campaigns fill two pages exactly: totalPages stops the pager after the second.
        var all = await ListAsync(client, new CampaignListEndpoint("bot-1", From, To), new PageWindow(0, null));
        Assert.Equal(100, all.Count);
        Assert.Equal(2, server.Ledger.TotalRequests);

        // A filter that matches nothing is one request for an empty page.
        var none = await ListAsync(client, new CampaignListEndpoint("bot-1", From, To, status: "PENDING"), new PageWindow(0, null));
        Assert.Empty(none);
        Assert.Equal(3, server.Ledger.TotalRequests);

        // Stopping after 5 reads one page only.
        var pager = new Pager<JelouCampaign>(client, new CampaignListEndpoint("bot-1", From, To), new PageWindow(0, null), CoreTestSupport.NoRetry);
        var read = 0;
        while (read < 5 && await pager.MoveNextAsync(TestContext.Current.CancellationToken))
        {
            read++;
        }

        Assert.Equal(4, server.Ledger.TotalRequests);
        Assert.Equal(100, pager.Total);
    }

    [Fact]
    public async Task The_listing_sends_the_bot_the_period_in_UTC_the_filters_and_the_largest_page()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var from = new DateTimeOffset(2026, 4, 24, 9, 0, 0, TimeSpan.FromHours(-5));
        var to = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.FromHours(-5));

        await ListAsync(client, new CampaignListEndpoint("bot 1", from, to, "recordatorio_pago", "COMPLETED"), new PageWindow(0, null));

        var query = Uri.UnescapeDataString(Assert.Single(server.Campaigns.ListingQueries));
        Assert.Equal("?botId=bot 1&startAt=2026-04-24T14:00:00.000Z&endAt=2026-05-01T14:00:00.000Z&elementName=recordatorio_pago&status=COMPLETED&page=1&limit=50", query);
    }

    [Fact]
    public async Task An_uploaded_campaign_moves_from_PENDING_to_IN_PROGRESS_to_COMPLETED()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignStepMs = 1500 });
        using var client = CoreTestSupport.ClientFor(server);
        await UploadAsync(client, "progreso");
        var seen = new List<string?>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && !seen.Contains("COMPLETED"))
        {
            var status = (await ListAsync(client, new CampaignListEndpoint("bot-1", From, To), new PageWindow(0, null))).Single().Status;
            if (seen.Count == 0 || seen[seen.Count - 1] != status)
            {
                seen.Add(status);
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(new[] { "PENDING", "IN_PROGRESS", "COMPLETED" }, seen);
    }

    [Fact]
    public async Task A_scheduled_campaign_is_SCHEDULED_until_its_time()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignStepMs = 0 });
        using var client = CoreTestSupport.ClientFor(server);
        await UploadAsync(client, "programada", DateTimeOffset.UtcNow.AddDays(1));

        var campaign = (await ListAsync(client, new CampaignListEndpoint("bot-1", From, To), new PageWindow(0, null))).Single();

        Assert.Equal("SCHEDULED", campaign.Status);
        Assert.True(campaign.ScheduledAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_period_that_excludes_a_campaign_leaves_it_out()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { CampaignStepMs = 0 });
        using var client = CoreTestSupport.ClientFor(server);
        await UploadAsync(client, "hoy");

        var lastYear = await ListAsync(client, new CampaignListEndpoint("bot-1", DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddDays(-1)), new PageWindow(0, null));
        var thisWeek = await ListAsync(client, new CampaignListEndpoint("bot-1", DateTimeOffset.UtcNow.AddDays(-7), DateTimeOffset.UtcNow.AddMinutes(1)), new PageWindow(0, null));

        Assert.Empty(lastYear);
        Assert.Equal("hoy", Assert.Single(thisWeek).Name);
    }

    private static async Task UploadAsync(JelouClient client, string name, DateTimeOffset? at = null)
    {
        var request = new CampaignRequest("bot-1", name, "recordatorio_pago")
        {
            Parameters = new[] { new CampaignParameter(1, "nombre"), new CampaignParameter(2, "monto") },
            File = Encoding.UTF8.GetBytes("telefono,nombre,monto\r\n593987654321,Ana,10\r\n"),
            ScheduledAt = at,
        };
        var result = await client.StartCampaignAsync(request, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Error);
    }

    private static async Task<List<JelouCampaign>> ListAsync(JelouClient client, CampaignListEndpoint endpoint, PageWindow window)
    {
        var pager = new Pager<JelouCampaign>(client, endpoint, window, CoreTestSupport.NoRetry);
        var list = new List<JelouCampaign>();
        while (await pager.MoveNextAsync(TestContext.Current.CancellationToken))
        {
            list.Add(pager.Current);
        }

        return list;
    }
}
