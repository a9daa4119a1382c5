using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>
/// Issue 12's remaining rules under adaptive pacing, over real HTTP to the fake: the retry budget for 429s is time, not
/// -MaximumRetryCount, and a row still fails rate limited when its time runs out; a 503 still pauses the whole batch.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class PacingBudgetAndPauseTests
{
    [Fact]
    public async Task A_row_refused_past_its_time_budget_fails_rate_limited_though_the_server_accepts_the_others()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 50;
        var refusedUser = ResilienceSupport.UserId(1);
        server.Faults.AddRule(new FakeRule(FakeResponse.TooManyRequests("1")) { UserId = refusedUser });
        using var client = ResilienceSupport.ClientFor(server);

        // One counted retry, 2.5 s for the message: attempts at 0, 1 and 2 s, then a Retry-After of 1 s no longer fits.
        var retry = ResilienceSupport.Fast(count: 1) with { TotalTimeout = TimeSpan.FromSeconds(2.5) };
        var results = await RunAsync(client, new BulkOptions { ThrottleLimit = 2, Retry = retry }, 120);

        var refused = Assert.Single(results, r => r.Row == 1);
        Assert.Equal(SendStatus.Failed, refused.Status);
        Assert.Equal("JelouRateLimited", refused.ErrorId);
        Assert.False(refused.PossiblyDelivered);

        // More attempts than -MaximumRetryCount allows: the 429s, while others were accepted, cost no retry.
        Assert.True(refused.Attempts >= 3, ResilienceSupport.Describe(refused));
        Assert.Empty(results.Where(r => r.Row != 1 && r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        Assert.Equal(119, server.Ledger.Count);
        Assert.DoesNotContain(server.Ledger.Entries, e => e.UserId == refusedUser);
        Assert.Equal(119, server.Ledger.Entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_503_still_pauses_the_whole_batch()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 20;
        server.Faults.AddRule(new FakeRule(FakeResponse.ServiceUnavailable("1")) { UserId = ResilienceSupport.UserId(10), Times = 1 });
        using var client = ResilienceSupport.ClientFor(server);

        var results = await RunAsync(client, new BulkOptions { ThrottleLimit = 4, Retry = ResilienceSupport.Fast(count: 3) }, 60);

        Assert.Empty(results.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        Assert.Equal(60, server.Ledger.Count);
        Assert.Equal(60, server.Ledger.Entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count());
        Assert.InRange(server.Ledger.MaxInFlight, 1, 4);
        var attempts = server.Ledger.Attempts;
        var pausedAt = Assert.Single(attempts, a => a.Status == 503).ReceivedAt;

        // The others in flight then finish; after that nothing is sent until the second is over.
        var during = attempts.Count(a => a.ReceivedAt > pausedAt + TimeSpan.FromMilliseconds(150) && a.ReceivedAt < pausedAt + TimeSpan.FromMilliseconds(850));
        Assert.True(during == 0, $"{during} requests arrived during the 1 s pause a 503 asked for");
    }

    private static Task<List<JelouSendResult>> RunAsync(JelouClient client, BulkOptions options, int rows) =>
        Task.Factory.StartNew(
            () =>
            {
                var results = new List<JelouSendResult>();
                using var sender = new BulkSender(client, options);
                foreach (var row in ResilienceSupport.Rows(rows))
                {
                    sender.Submit(row, c => results.Add(c.Result));
                }

                sender.Drain(c => results.Add(c.Result));
                return results;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
