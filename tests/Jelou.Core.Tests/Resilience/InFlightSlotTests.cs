using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>
/// -ThrottleLimit counts requests in flight, not rows: a row waiting out a short Retry-After holds no slot, so the others
/// keep ThrottleLimit requests on the wire meanwhile, and never more. Over real HTTP to the fake.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class InFlightSlotTests
{
    private const int Throttle = 4;

    [Fact]
    public async Task Rows_waiting_out_a_Retry_After_leave_their_slots_to_the_other_rows()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 50;

        // The first ThrottleLimit rows, sent together, are each refused once for a second: if a refused row kept its slot,
        // nothing would be in flight for that second.
        for (var row = 1; row <= Throttle; row++)
        {
            server.Faults.AddRule(new FakeRule(FakeResponse.TooManyRequests("1")) { UserId = ResilienceSupport.UserId(row), Times = 1 });
        }

        using var client = ResilienceSupport.ClientFor(server);
        var results = await RunAsync(client, new BulkOptions { ThrottleLimit = Throttle, Retry = ResilienceSupport.Fast(count: 3) }, 100);

        Assert.Empty(results.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        AssertNoDuplicates(server, 100);
        Assert.InRange(server.Ledger.MaxInFlight, 1, Throttle);

        var attempts = server.Ledger.Attempts;
        var refused = attempts.Where(a => a.Status == 429).Select(a => a.ReceivedAt).OrderBy(t => t).ToList();
        Assert.Equal(Throttle, refused.Count);

        // While the refused rows wait (from 0.1 s to 0.9 s after the last refusal), the other rows keep the slots busy:
        // at 50 ms a round trip, 4 slots carry about 64 requests in 0.8 s. Before: none.
        var from = refused[^1] + TimeSpan.FromMilliseconds(100);
        var to = refused[0] + TimeSpan.FromMilliseconds(900);
        var during = attempts.Count(a => a.ReceivedAt > from && a.ReceivedAt < to);
        Assert.True(during >= 24, $"{during} requests reached the server while {Throttle} rows waited out their Retry-After of 1 s (ThrottleLimit {Throttle}, 50 ms a request)");

        // Each refused row itself waited its own Retry-After before it was sent again.
        var entries = server.Ledger.Entries;
        for (var row = 1; row <= Throttle; row++)
        {
            var userId = ResilienceSupport.UserId(row);
            var sent = Assert.Single(entries, e => e.UserId == userId).ReceivedAt;
            Assert.True(sent - refused[0] >= TimeSpan.FromSeconds(1) - ResilienceSupport.Slack, $"row {row} was sent again {(sent - refused[0]).TotalMilliseconds:0} ms after its 429 with Retry-After 1");
        }
    }

    [Fact]
    public async Task Random_429s_on_5_percent_of_requests_neither_keep_cutting_the_pace_nor_fail_a_row()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = 12 });
        server.Faults.LatencyMs = 10;
        server.Faults.RetryAfter = "1";
        server.Faults.Rate429 = 0.05;
        using var client = ResilienceSupport.ClientFor(server);
        const int Rows = 1000;
        var log = new List<string>();

        var results = await RunAsync(client, new BulkOptions { ThrottleLimit = 16 }, Rows, log);

        // The cmdlet's default retries: a 429 while the server accepts the others costs no retry, so no row fails.
        Assert.Empty(results.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        AssertNoDuplicates(server, Rows);
        Assert.InRange(server.Ledger.MaxInFlight, 1, 16);
        var attempts = server.Ledger.Attempts;
        var share = attempts.Count(a => a.Status == 429) / (double)attempts.Count;
        Assert.InRange(share, 0.03, 0.07);

        // 5 % refused at every rate is not a rate the batch exceeds: no reduction, or (by chance, rarely) one that the
        // recovery undoes, never one cut after another.
        var cuts = log.Where(l => l.StartsWith("Pace: the server answered 429", StringComparison.Ordinal)).ToList();
        Assert.True(cuts.Count <= 1, "the pace was cut again and again by scattered 429s: " + string.Join(" | ", cuts));
    }

    private static void AssertNoDuplicates(FakeJelouServer server, int rows)
    {
        Assert.Equal(rows, server.Ledger.Count);
        Assert.Equal(rows, server.Ledger.Entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count());
    }

    private static Task<List<JelouSendResult>> RunAsync(JelouClient client, BulkOptions options, int rows, List<string>? log = null) =>
        Task.Factory.StartNew(
            () =>
            {
                var results = new List<JelouSendResult>();
                using var sender = new BulkSender(client, options);
                foreach (var row in ResilienceSupport.Rows(rows))
                {
                    sender.Submit(row, c => results.Add(c.Result));
                    log?.AddRange(sender.TakeLog());
                }

                sender.Drain(c => results.Add(c.Result));
                log?.AddRange(sender.TakeLog());
                return results;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
