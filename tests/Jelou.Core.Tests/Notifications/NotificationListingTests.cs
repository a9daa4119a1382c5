using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Notifications;
using Jelou.Validation;

namespace Jelou.Tests.Notifications;

/// <summary>
/// GET /v1/external/bots/{botId}/notifications over loopback, for templates the fake's HSM endpoint accepted: every page
/// to the last, an empty listing, an early stop, the filters, a lookup per id and retries of the read.
/// </summary>
public sealed class NotificationListingTests
{
    private const string Bot = "bot-status";

    // Set explicitly, so the expected status of msg_N is computed here from the same rule the fake documents.
    private static readonly string[] Cycle = ["READ", "FAILED", "DELIVERED_USER"];

    [Fact]
    public async Task Every_page_is_read_to_the_last_with_the_fakes_statuses()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 120);
        var sent = server.Ledger.Entries;
        var before = server.Ledger.TotalRequests;

        var statuses = await client.GetMessageStatusAsync(Bot, options: CoreTestSupport.NoRetry);

        Assert.Equal(3, server.Ledger.TotalRequests - before);
        Assert.Equal(sent.Select(e => e.MessageId), statuses.Select(s => s.MessageId));
        foreach (var status in statuses)
        {
            var entry = sent.Single(e => e.MessageId == status.MessageId);
            Assert.Equal(Cycle[(entry.Sequence - 1) % Cycle.Length], status.Status);
            Assert.Equal(entry.UserId, status.UserId);
            Assert.Equal("recordatorio_pago", status.TemplateName);
            Assert.Equal(Bot, status.BotId);
            Assert.Equal(status.Status == "READ", status.Read);
            Assert.NotNull(status.CreatedAt);
            Assert.True(status.UpdatedAt > status.CreatedAt);
        }

        Assert.Equal(40, statuses.Count(s => s.Status == "FAILED"));
    }

    [Fact]
    public async Task A_listing_that_fills_its_last_page_stops_at_totalPages()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 100);
        var before = server.Ledger.TotalRequests;

        var statuses = await client.GetMessageStatusAsync(Bot, options: CoreTestSupport.NoRetry);

        Assert.Equal(100, statuses.Count);
        Assert.Equal(2, server.Ledger.TotalRequests - before);
    }

    [Fact]
    public async Task An_empty_listing_is_one_request_and_no_items()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 3);
        var before = server.Ledger.TotalRequests;

        var statuses = await client.GetMessageStatusAsync("another-bot", options: CoreTestSupport.NoRetry);

        Assert.Empty(statuses);
        Assert.Equal(1, server.Ledger.TotalRequests - before);
    }

    [Fact]
    public async Task A_window_stops_after_the_page_that_holds_the_last_wanted_item()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 120);
        var before = server.Ledger.TotalRequests;
        var read = new List<string?>();

        var pager = new Pager<JelouMessageStatus>(client, new NotificationListEndpoint(Bot), new PageWindow(0, 60), CoreTestSupport.NoRetry);
        while (await pager.MoveNextAsync())
        {
            read.Add(pager.Current.MessageId);
        }

        Assert.Equal(60, read.Count);
        Assert.Equal(2, server.Ledger.TotalRequests - before);
        Assert.Equal(120, pager.Total);
    }

    [Fact]
    public async Task A_caller_that_stops_reading_stops_the_requests()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 30);
        var before = server.Ledger.TotalRequests;

        var pager = new Pager<JelouMessageStatus>(client, new NotificationListEndpoint(Bot), new PageWindow(0, null, pageSize: 5), CoreTestSupport.NoRetry);
        var read = 0;
        while (read < 7 && await pager.MoveNextAsync())
        {
            read++;
        }

        Assert.Equal(2, server.Ledger.TotalRequests - before);
    }

    [Fact]
    public async Task The_filters_reach_the_server()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 4, campaign: "camp-a");
        await Task.Delay(50);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await SendAsync(client, 3, campaign: "camp-b", template: "bienvenida_cliente");

        var campA = await client.GetMessageStatusAsync(Bot, new NotificationFilter { CampaignId = "camp-a" }, CoreTestSupport.NoRetry);
        var bienvenida = await client.GetMessageStatusAsync(Bot, new NotificationFilter { TemplateName = "bienvenida_cliente" }, CoreTestSupport.NoRetry);
        var later = await client.GetMessageStatusAsync(Bot, new NotificationFilter { From = between }, CoreTestSupport.NoRetry);
        var earlier = await client.GetMessageStatusAsync(Bot, new NotificationFilter { To = between }, CoreTestSupport.NoRetry);

        Assert.Equal(4, campA.Count);
        Assert.All(campA, s => Assert.Equal("camp-a", s.CampaignId));
        Assert.Equal(3, bienvenida.Count);
        Assert.All(bienvenida, s => Assert.Equal("camp-b", s.CampaignId));
        Assert.Equal(bienvenida.Select(s => s.MessageId), later.Select(s => s.MessageId));
        Assert.Equal(campA.Select(s => s.MessageId), earlier.Select(s => s.MessageId));
    }

    [Fact]
    public async Task A_lookup_is_one_request_for_its_id_and_finds_nothing_for_an_unknown_id()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 60);
        var third = server.Ledger.Entries[2];
        var before = server.Ledger.TotalRequests;

        var found = await MessageStatusLookup.FindAsync(client, Bot, third.MessageId, null, CoreTestSupport.NoRetry, default);
        var missing = await MessageStatusLookup.FindAsync(client, Bot, "msg_999999", null, CoreTestSupport.NoRetry, default);

        var status = Assert.Single(found);
        Assert.Equal(third.MessageId, status.MessageId);
        Assert.Equal(Cycle[2], status.Status);
        Assert.Empty(missing);
        Assert.Equal(2, server.Ledger.TotalRequests - before);
    }

    [Fact]
    public async Task A_lookup_keeps_only_its_id_when_the_server_ignores_the_filter()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        server.Faults.Enqueue(new FakeResponse(200, """[{"messageId":"m1","sentStatus":"READ"},{"messageId":"m2","sentStatus":"FAILED"},{"id":"m3","sentStatus":"REPLY"}]"""));

        var found = await MessageStatusLookup.FindAsync(client, Bot, "m2", null, CoreTestSupport.NoRetry, default);

        Assert.Equal("FAILED", Assert.Single(found).Status);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_read_is_retried_after_a_server_error_and_a_lost_connection()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        await SendAsync(client, 2);
        server.Faults.Enqueue(new FakeResponse(500));
        server.Faults.Enqueue(FakeResponse.DropBeforeRead);

        var statuses = await client.GetMessageStatusAsync(Bot, options: CoreTestSupport.FastRetry());

        Assert.Equal(2, statuses.Count);
        Assert.Equal(3, server.Ledger.Attempts.Count(a => a.Endpoint == "notifications"));
    }

    [Fact]
    public async Task A_body_that_is_not_a_listing_is_an_unexpected_answer()
    {
        await using var server = await StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        server.Faults.Enqueue(new FakeResponse(200, """{"message":"ok"}"""));

        var error = await Assert.ThrowsAsync<JelouApiException>(() => client.GetMessageStatusAsync(Bot, options: CoreTestSupport.NoRetry));

        Assert.Equal(JelouErrorKind.Unexpected, error.Kind);
        Assert.Contains("not a list of notifications", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_bot_is_not_found()
    {
        var options = new FakeJelouOptions { KnownBots = new HashSet<string> { Bot } };
        await using var server = await FakeJelouServer.StartAsync(options);
        using var client = CoreTestSupport.ClientFor(server);

        var error = await Assert.ThrowsAsync<JelouApiException>(() => client.GetMessageStatusAsync("no-such-bot", options: CoreTestSupport.NoRetry));

        Assert.Equal(JelouErrorKind.NotFound, error.Kind);
        Assert.True(error.IsAccountLevel);
    }

    private static Task<FakeJelouServer> StartAsync() => FakeJelouServer.StartAsync(new FakeJelouOptions { NotificationStatuses = Cycle });

    private static async Task SendAsync(JelouClient client, int count, string? campaign = null, string template = "recordatorio_pago")
    {
        for (var i = 0; i < count; i++)
        {
            var message = TemplateMessageBuilder.Build(new TemplateMessageFields
            {
                UserId = "5939870" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture),
                TemplateName = template,
                Language = "es",
                Parameters = template == "recordatorio_pago" ? new[] { "Cliente " + i, "10,00" } : Array.Empty<string>(),
                CampaignId = campaign,
            });
            var outcome = await client.SendTemplateAsync(Bot, message, CoreTestSupport.NoRetry);
            Assert.True(outcome.Succeeded, outcome.Error?.Message);
        }
    }
}
