using System.Diagnostics;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;
using Jelou.Tests.Resilience;

namespace Jelou.Tests;

/// <summary>
/// What the pipeline thread gets while the engine makes it wait: heartbeats (for progress and Verbose), retry notices
/// that name their row as soon as the retry is decided, the status text of a client-wide pause, and a rate that counts
/// only rows that went to the server. Each batch runs on a dedicated thread, as PowerShell's pipeline thread would.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class BulkHeartbeatTests
{
    [Fact]
    public async Task Drain_calls_the_heartbeat_a_few_times_a_second_while_answers_are_slow()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 1500;
        using var client = CoreTestSupport.ClientFor(server);
        var beats = new List<(long At, long Sent)>();
        var clock = Stopwatch.StartNew();
        BulkSender? engine = null;

        await OnDedicatedThread(() =>
        {
            using var sender = engine = new BulkSender(client, new BulkOptions
            {
                ThrottleLimit = 2,
                Heartbeat = () => beats.Add((clock.ElapsedMilliseconds, engine!.Progress.Sent)),
            });
            foreach (var row in Rows(2))
            {
                sender.Submit(row, _ => { });
            }

            sender.Drain(_ => { });
            return 0;
        });

        // 1.5 s of waiting at one beat per 250 ms; before the answers, nothing sent.
        var waiting = beats.Where(b => b.At < 1400).ToList();
        Assert.InRange(waiting.Count, 3, 8);
        Assert.All(waiting, b => Assert.Equal(0, b.Sent));
    }

    [Fact]
    public async Task Drain_ends_when_a_heartbeat_took_the_last_result()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 5;
        using var client = CoreTestSupport.ClientFor(server);

        // A heartbeat every millisecond: the last answer often arrives just before one, which then hands it over.
        // Drain must see that nothing is left, not wait for an answer that already came.
        for (var batch = 0; batch < 30; batch++)
        {
            var completions = 0;
            var run = OnDedicatedThread(() =>
            {
                using var sender = new BulkSender(client, new BulkOptions
                {
                    ThrottleLimit = 1,
                    HeartbeatInterval = TimeSpan.FromMilliseconds(1),
                    Heartbeat = () => Thread.Sleep(1),
                });
                sender.Submit(Rows(1).Single(), _ => completions++);
                sender.Drain(_ => completions++);
                return sender.InFlight;
            });

            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(ReferenceEquals(run, finished), $"batch {batch}: Drain did not end");
            Assert.Equal(0, await run);
            Assert.Equal(1, completions);
        }
    }

    [Fact]
    public async Task A_retry_notice_names_its_row_and_reaches_the_heartbeat_before_the_row_finishes()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("2"));
        using var client = CoreTestSupport.ClientFor(server);
        var notices = new List<(long At, string Line)>();
        var finished = new List<(long At, long Row)>();
        var statuses = new List<BulkStatus>();
        var clock = Stopwatch.StartNew();
        BulkSender? engine = null;

        await OnDedicatedThread(() =>
        {
            using var sender = engine = new BulkSender(client, new BulkOptions
            {
                ThrottleLimit = 1,
                HeartbeatInterval = TimeSpan.FromSeconds(10),
                Heartbeat = () =>
                {
                    var taken = engine!.TakeLog().ToList();
                    notices.AddRange(taken.Select(line => (clock.ElapsedMilliseconds, line)));
                    if (taken.Count > 0)
                    {
                        statuses.Add(engine.Status(totalCount: 1));
                    }
                },
            });
            sender.Submit(Rows(1, firstPosition: 7).Single(), c => finished.Add((clock.ElapsedMilliseconds, c.Result.Row)));
            sender.Drain(c => finished.Add((clock.ElapsedMilliseconds, c.Result.Row)));
            return 0;
        });

        var row = Assert.Single(finished);
        Assert.Equal(7, row.Row);
        var notice = Assert.Single(notices);
        Assert.StartsWith("Row 7: attempt 1 failed (429 Too Many Requests); retrying in 2s", notice.Line, StringComparison.Ordinal);

        // Woken for the notice, not by the 10 s heartbeat timer nor by the row's end 2 s later.
        Assert.True(notice.At < row.At - 1500, $"notice at {notice.At} ms, row finished at {row.At} ms");

        // And the status seen then tells of the client-wide pause the 429 set.
        var paused = Assert.Single(statuses);
        Assert.StartsWith("Paused for 2s (429 Too Many Requests, Retry-After 2s), until ", paused.Description, StringComparison.Ordinal);
        Assert.Contains("0 sent, 0 failed, 0 skipped; 1 in flight", paused.Description, StringComparison.Ordinal);
        Assert.Contains("whole batch waits", paused.CurrentOperation, StringComparison.Ordinal);
        Assert.Equal(0, paused.PercentComplete);
    }

    [Fact]
    public async Task The_rate_counts_rows_sent_since_the_first_send_and_not_instant_skips()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 600;
        using var client = CoreTestSupport.ClientFor(server);

        var (rateBefore, rateAfter, status) = await OnDedicatedThread(() =>
        {
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 2 });
            sender.Record(new JelouBotMessageResult { Row = 1, Status = SendStatus.Skipped, Error = "bad row" }, null);
            var before = sender.Progress.RatePerSecond;
            foreach (var row in Rows(2, firstPosition: 2))
            {
                sender.Submit(row, _ => { });
            }

            sender.Drain(_ => { });
            return (before, sender.Progress.RatePerSecond, sender.Status(totalCount: 4));
        });

        Assert.Equal(0, rateBefore);

        // Two rows in about 0.6 s: some 3 a second, never the thousands an instant skip gave.
        Assert.InRange(rateAfter, 1, 4);
        Assert.Equal(75, status.PercentComplete);
        Assert.InRange(status.SecondsRemaining, 0, 1);
        Assert.Null(status.CurrentOperation);
        Assert.Matches(@"^2 sent, 0 failed, 1 skipped; \d[.,]\d/s$", status.Description);
    }

    private static Task<T> OnDedicatedThread<T>(Func<T> body) => BulkSenderTests.OnDedicatedThread(body);

    private static IEnumerable<BulkItem> Rows(int count, long firstPosition = 1) => BulkSenderTests.Rows(count, firstPosition);
}
