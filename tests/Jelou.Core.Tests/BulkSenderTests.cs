using System.Diagnostics;
using Jelou.Bulk;
using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests;

/// <summary>
/// The batch engine against the fake server. Submit/Drain are blocking calls meant for PowerShell's pipeline thread, so each
/// batch runs on a dedicated thread of its own, as the pipeline thread would be: never on the test's thread nor a pool thread
/// the sends themselves need.
/// </summary>
public sealed class BulkSenderTests
{
    [Fact]
    public async Task Two_hundred_rows_at_throttle_4_never_exceed_4_in_flight_and_all_arrive_once()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 20;
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 4 }, Rows(200));

        Assert.InRange(server.Ledger.MaxInFlight, 2, 4);
        Assert.All(run.Completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        AssertEveryRowOnce(run.Completions, 200);
        AssertLedgerHoldsEachUserOnce(server, run.Completions.Select(c => UserOf(c)));
        Assert.Equal(200, run.Progress.Sent);
        Assert.Equal(200, run.Progress.Completed);
        Assert.All(run.Completions, c => Assert.StartsWith("msg_", c.Result.MessageId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throttle_1_sends_strictly_one_at_a_time()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 10;
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 1 }, Rows(25));

        Assert.Equal(1, server.Ledger.MaxInFlight);
        Assert.Equal(25, server.Ledger.Count);
        AssertEveryRowOnce(run.Completions, 25);

        // One at a time also means in input order.
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), run.Completions.Select(c => c.Result.Row));
        Assert.Equal(run.Completions.Select(UserOf), server.Ledger.Entries.Select(e => e.UserId));
    }

    [Fact]
    public async Task RateLimit_paces_the_batch()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);

        var clock = Stopwatch.StartNew();
        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 8, RateLimit = 20 }, Rows(30));
        clock.Stop();

        Assert.Equal(30, run.Progress.Sent);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1200), $"30 rows at 20/s took only {clock.Elapsed.TotalMilliseconds} ms");

        // Over any window the server never saw a burst faster than the bucket allows (2 per 100 ms, 2 to start).
        var times = server.Ledger.Entries.Select(e => e.ReceivedAt).OrderBy(t => t).ToList();
        Assert.True(times[^1] - times[0] >= TimeSpan.FromMilliseconds(1100), $"first to last request: {(times[^1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Row_number_and_metadata_survive_out_of_order_completion()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = 7 });
        server.Faults.LatencyMs = 5;
        server.Faults.LatencyJitterMs = 30;
        using var client = CoreTestSupport.ClientFor(server);

        var rows = Rows(60, firstPosition: 1001).ToList();
        var inputObjects = rows.ToDictionary(r => r.Result.Row, r => r.Result.InputObject);
        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 6 }, rows);

        Assert.Equal(Enumerable.Range(1001, 60).Select(i => (long)i), run.Completions.Select(c => c.Result.Row).OrderBy(p => p));
        foreach (var completion in run.Completions)
        {
            var result = Assert.IsType<JelouBotMessageResult>(completion.Result);
            Assert.Same(inputObjects[result.Row], result.InputObject);
            Assert.Equal("5939" + result.Row.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), result.UserId);
            Assert.Equal(1, result.Attempts);
            Assert.Equal(200, result.HttpStatus);
            Assert.NotEqual(default, result.Timestamp);
        }
    }

    [Fact]
    public async Task An_account_level_error_stops_the_batch_and_later_rows_are_not_attempted()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { ClientSecret = "the-real-secret" });
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 1 }, Rows(20));

        Assert.NotNull(run.StopError);
        Assert.Equal(JelouErrorKind.Authentication, run.StopError!.Kind);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
        AssertEveryRowOnce(run.Completions, 20);

        var first = run.Completions.Single(c => c.Result.Row == 1);
        Assert.Equal(SendStatus.Failed, first.Result.Status);
        Assert.Equal("JelouAuthenticationFailed", first.Result.ErrorId);
        Assert.IsType<JelouApiException>(first.Error);

        var rest = run.Completions.Where(c => c.Result.Row > 1).ToList();
        Assert.Equal(19, rest.Count);
        Assert.All(rest, c =>
        {
            Assert.Equal(SendStatus.NotAttempted, c.Result.Status);
            Assert.Equal(0, c.Result.Attempts);
            Assert.Equal("JelouNotAttempted", c.Result.ErrorId);
        });
        Assert.Equal(1, run.Progress.Failed);
        Assert.Equal(19, run.Progress.NotAttempted);
    }

    [Fact]
    public async Task An_account_level_error_with_several_in_flight_sends_at_most_the_rows_already_started()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { ClientSecret = "the-real-secret" });
        server.Faults.LatencyMs = 50;
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 4 }, Rows(40));

        Assert.Equal(JelouErrorKind.Authentication, run.StopError?.Kind);
        Assert.InRange(server.Ledger.TotalRequests, 1, 4);
        AssertEveryRowOnce(run.Completions, 40);
        Assert.Equal(server.Ledger.TotalRequests, run.Completions.Count(c => c.Result.Status == SendStatus.Failed));
        Assert.Equal(40 - server.Ledger.TotalRequests, run.Completions.Count(c => c.Result.Status == SendStatus.NotAttempted));
    }

    [Fact]
    public async Task A_failure_that_is_not_account_level_does_not_stop_the_batch()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.AddRule(new FakeRule(FakeResponse.G4Error(422, "E0422", "VALIDATOR_ERROR", "no")) { UserIdSuffix = "3" });
        server.Faults.AddRule(new FakeRule(new FakeResponse(500)) { UserIdSuffix = "7" });
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 4 }, Rows(30));

        Assert.Null(run.StopError);
        AssertEveryRowOnce(run.Completions, 30);
        Assert.All(run.Completions, c =>
        {
            var expected = UserOf(c)!.EndsWith('3') ? SendStatus.Failed : UserOf(c)!.EndsWith('7') ? SendStatus.Unknown : SendStatus.Sent;
            Assert.Equal(expected, c.Result.Status);
        });
        Assert.All(run.Completions.Where(c => c.Result.Status == SendStatus.Unknown), c => Assert.True(c.Result.PossiblyDelivered));
        Assert.Equal(24, server.Ledger.Count);
    }

    [Fact]
    public async Task Cancel_mid_batch_gives_every_row_one_honest_completion()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 200;
        using var client = CoreTestSupport.ClientFor(server);
        const int RowCount = 40;

        var completions = new List<BulkCompletion>();
        var clock = Stopwatch.StartNew();
        await OnDedicatedThread(() =>
        {
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4 });
            void OnCompleted(BulkCompletion c)
            {
                completions.Add(c);
                if (completions.Count == 6)
                {
                    sender.Cancel();
                }
            }

            foreach (var row in Rows(RowCount))
            {
                sender.Submit(row, OnCompleted);
            }

            sender.Drain(OnCompleted);
            Assert.True(sender.IsStopped);
            Assert.Equal(0, sender.InFlight);
            return 0;
        });
        clock.Stop();

        AssertEveryRowOnce(completions, RowCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the cancelled batch took {clock.Elapsed.TotalMilliseconds} ms");

        var ledgerUsers = server.Ledger.Entries.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal);
        var sent = completions.Where(c => c.Result.Status == SendStatus.Sent).ToList();
        Assert.InRange(sent.Count, 6, 12);
        Assert.All(sent, c => Assert.Contains(UserOf(c)!, ledgerUsers));
        Assert.All(completions.Where(c => c.Result.Status is SendStatus.NotAttempted or SendStatus.Failed), c => Assert.DoesNotContain(UserOf(c)!, ledgerUsers));
        Assert.All(completions, c => Assert.True(c.Result.Status is SendStatus.Sent or SendStatus.NotAttempted or SendStatus.Unknown, c.Result.Status + ": " + c.Result.Error));
        Assert.True(completions.Count(c => c.Result.Status == SendStatus.NotAttempted) >= RowCount - 16);
        Assert.All(completions.Where(c => c.Result.Status == SendStatus.Unknown), c => Assert.True(c.Result.PossiblyDelivered));
    }

    [Fact]
    public async Task Ten_thousand_rows_at_throttle_32_are_each_sent_exactly_once()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        const int RowCount = 10_000;

        var clock = Stopwatch.StartNew();
        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 32 }, Rows(RowCount));
        clock.Stop();

        Assert.Equal(RowCount, run.Progress.Sent);
        Assert.Equal(RowCount, run.Completions.Count(c => c.Result.Status == SendStatus.Sent));
        AssertEveryRowOnce(run.Completions, RowCount);
        Assert.Equal(RowCount, server.Ledger.Count);
        AssertLedgerHoldsEachUserOnce(server, run.Completions.Select(UserOf));
        Assert.InRange(server.Ledger.MaxInFlight, 1, 32);
        Assert.Equal(RowCount, run.Completions.Select(c => c.Result.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"10,000 rows took {clock.Elapsed.TotalSeconds} s");
    }

    [Fact]
    public async Task Rate_limits_and_outages_are_retried_until_every_row_is_sent_once()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = 42 });
        server.Faults.Rate429 = 0.25;
        server.Faults.Rate503 = 0.1;
        server.Faults.RetryAfter = "0";
        using var client = CoreTestSupport.ClientFor(server);
        var retry = new RetrySettings { MaximumRetryCount = 25, RetryInterval = TimeSpan.FromMilliseconds(5), MaximumRetryDelay = TimeSpan.FromMilliseconds(50) };

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 8, Retry = retry }, Rows(200));

        Assert.All(run.Completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        AssertLedgerHoldsEachUserOnce(server, run.Completions.Select(UserOf));
        Assert.True(server.Ledger.TotalRequests > 200, "the fault rates should have forced some retries");
        Assert.Equal(server.Ledger.TotalRequests, run.Completions.Sum(c => c.Result.Attempts));
    }

    [Fact]
    public async Task Dropped_answers_are_Unknown_and_no_message_is_ever_duplicated()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = 1234 });
        server.Faults.RateDropAfterAccept = 0.1;
        server.Faults.RateDropBeforeRead = 0.05;
        using var client = CoreTestSupport.ClientFor(server);

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 8 }, Rows(300));

        AssertEveryRowOnce(run.Completions, 300);
        var ledger = server.Ledger.Entries;
        Assert.Equal(ledger.Count, ledger.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count());
        var ledgerUsers = ledger.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal);
        var unknown = run.Completions.Where(c => c.Result.Status == SendStatus.Unknown).ToList();
        Assert.NotEmpty(unknown);
        Assert.All(unknown, c => Assert.True(c.Result.PossiblyDelivered));
        Assert.All(run.Completions.Where(c => c.Result.Status == SendStatus.Sent), c => Assert.Contains(UserOf(c)!, ledgerUsers));
        Assert.All(run.Completions, c => Assert.True(c.Result.Status is SendStatus.Sent or SendStatus.Unknown, c.Result.Status + ": " + c.Result.Error));

        // Every message the server accepted with a dropped answer is reported Unknown, never Sent or Failed.
        foreach (var dropped in ledger.Where(e => e.ResponseDropped))
        {
            Assert.Equal(SendStatus.Unknown, run.Completions.Single(c => UserOf(c) == dropped.UserId).Result.Status);
        }
    }

    [Fact]
    public async Task A_send_that_throws_becomes_a_failed_row_and_the_batch_goes_on()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var rows = Rows(5).ToList();
        rows.Insert(2, new BulkItem(new JelouBotMessageResult { Row = 99 }, (c, o, ct) => throw new InvalidOperationException("boom test-secret")));

        var run = await RunBatchAsync(client, new BulkOptions { ThrottleLimit = 2 }, rows);

        Assert.Null(run.StopError);
        var failed = run.Completions.Single(c => c.Result.Row == 99);
        Assert.Equal(SendStatus.Failed, failed.Result.Status);
        Assert.Equal("JelouUnexpectedError", failed.Result.ErrorId);
        Assert.IsType<InvalidOperationException>(failed.Error);
        Assert.DoesNotContain("test-secret", failed.Result.Error, StringComparison.Ordinal);
        Assert.Equal(5, run.Completions.Count(c => c.Result.Status == SendStatus.Sent));
        Assert.Equal(5, server.Ledger.Count);
    }

    [Fact]
    public async Task A_finished_send_starts_the_next_queued_row_while_the_pipeline_thread_is_busy()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 50;
        using var client = CoreTestSupport.ClientFor(server);
        var ledgerAfterSlowConsumer = -1;

        var completions = new List<BulkCompletion>();
        await OnDedicatedThread(() =>
        {
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 2 });
            void OnCompleted(BulkCompletion c)
            {
                completions.Add(c);
                if (completions.Count == 1)
                {
                    // A slow consumer (Export-Csv to a network share, say): the queued rows must not wait for it.
                    Thread.Sleep(600);
                    ledgerAfterSlowConsumer = server.Ledger.Count;
                }
            }

            foreach (var row in Rows(8))
            {
                sender.Submit(row, OnCompleted);
            }

            sender.Drain(OnCompleted);
            return 0;
        });

        AssertEveryRowOnce(completions, 8);
        Assert.True(ledgerAfterSlowConsumer >= 4, $"only {ledgerAfterSlowConsumer} rows reached the server while the first result was being written");
        Assert.Equal(8, server.Ledger.Count);
        Assert.InRange(server.Ledger.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task Rows_held_by_the_engine_stay_within_five_times_the_throttle_limit()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 30;
        using var client = CoreTestSupport.ClientFor(server);
        const int Throttle = 3;
        var mostHeld = 0;

        var completions = new List<BulkCompletion>();
        await OnDedicatedThread(() =>
        {
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = Throttle });
            foreach (var row in Rows(60))
            {
                sender.Submit(row, completions.Add);
                mostHeld = Math.Max(mostHeld, sender.InFlight);
            }

            sender.Drain(completions.Add);
            Assert.Equal(0, sender.InFlight);
            return 0;
        });

        AssertEveryRowOnce(completions, 60);
        // In flight, plus four queued rows per slot: flat whatever the row count.
        Assert.InRange(mostHeld, Throttle + 1, 5 * Throttle);
        Assert.InRange(server.Ledger.MaxInFlight, 1, Throttle);
    }

    [Fact]
    public async Task Retry_notices_come_out_of_TakeLog_once_and_the_log_is_then_empty()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("0"));
        using var client = CoreTestSupport.ClientFor(server);
        var retry = new RetrySettings { MaximumRetryCount = 2, RetryInterval = TimeSpan.FromMilliseconds(5), MaximumRetryDelay = TimeSpan.FromMilliseconds(50) };

        var completions = new List<BulkCompletion>();
        var (first, second) = await OnDedicatedThread(() =>
        {
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 1, Retry = retry });
            Assert.Empty(sender.TakeLog());
            foreach (var row in Rows(3))
            {
                sender.Submit(row, completions.Add);
            }

            sender.Drain(completions.Add);
            return (sender.TakeLog().ToList(), sender.TakeLog().ToList());
        });

        AssertEveryRowOnce(completions, 3);
        Assert.All(completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        // Pace changes come through the same log (adaptive pacing reacts to the 429); the retry notice is there once.
        var notice = Assert.Single(first, l => !l.StartsWith("Pace:", StringComparison.Ordinal));
        Assert.Contains("429", notice, StringComparison.Ordinal);
        Assert.StartsWith("Row 1: attempt 1 failed", notice, StringComparison.Ordinal);
        Assert.Empty(second);
    }

    [Fact]
    public async Task A_stop_predicate_that_throws_still_reports_every_row_and_the_batch_ends()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { ClientSecret = "the-real-secret" });
        using var client = CoreTestSupport.ClientFor(server);
        var options = new BulkOptions { ThrottleLimit = 1, IsBatchFatal = _ => throw new InvalidOperationException("predicate bug") };

        var run = RunBatchAsync(client, options, Rows(3));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(run, finished);
        var result = await run;
        AssertEveryRowOnce(result.Completions, 3);
        Assert.All(result.Completions, c => Assert.Equal(SendStatus.Failed, c.Result.Status));
        Assert.Equal(3, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task Record_counts_rows_that_never_go_to_the_server()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        using var sender = new BulkSender(client, new BulkOptions());

        var skipped = sender.Record(new JelouBotMessageResult { Row = 1, Status = SendStatus.Skipped, Error = "bad row" }, null);
        var whatIf = sender.Record(new JelouBotMessageResult { Row = 2, Status = SendStatus.WhatIf }, null);

        Assert.Equal(SendStatus.Skipped, skipped.Result.Status);
        Assert.Equal(SendStatus.WhatIf, whatIf.Result.Status);
        Assert.Equal(2, sender.Progress.Submitted);
        Assert.Equal(1, sender.Progress.Skipped);
        Assert.Equal(1, sender.Progress.WhatIf);
        Assert.Equal(2, sender.Progress.Completed);
        Assert.Equal(0, server.Ledger.TotalRequests);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        using var client = CoreTestSupport.ClientFor(new Uri("https://api.jelou.ai"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulkSender(client, new BulkOptions { ThrottleLimit = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulkSender(client, new BulkOptions { RateLimit = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulkSender(client, new BulkOptions { RateLimit = double.NaN }));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    private sealed record BatchRun(List<BulkCompletion> Completions, BulkProgress Progress, JelouApiException? StopError);

    private static async Task<BatchRun> RunBatchAsync(JelouClient client, BulkOptions options, IEnumerable<BulkItem> rows)
    {
        return await OnDedicatedThread(() =>
        {
            var completions = new List<BulkCompletion>();
            using var sender = new BulkSender(client, options);
            foreach (var row in rows)
            {
                sender.Submit(row, completions.Add);
            }

            sender.Drain(completions.Add);
            Assert.Equal(0, sender.InFlight);
            return new BatchRun(completions, sender.Progress, sender.StopError);
        });
    }

    internal static Task<T> OnDedicatedThread<T>(Func<T> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // Shared with BulkHeartbeatTests: rows of text messages to distinct users, numbered from firstPosition.
    internal static IEnumerable<BulkItem> Rows(int count, long firstPosition = 1)
    {
        for (var position = firstPosition; position < firstPosition + count; position++)
        {
            var userId = "5939" + position.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var message = new TextMessage(userId, "Hola #" + position);
            var result = new JelouBotMessageResult
            {
                Row = position,
                BotId = CoreTestSupport.BotId,
                UserId = userId,
                Type = message.Type,
                Text = message.Text,
                InputObject = new object(),
            };
            yield return new BulkItem(result, (c, o, ct) => c.SendBotMessageAsync(CoreTestSupport.BotId, message, o, ct));
        }
    }

    private static string? UserOf(BulkCompletion completion) => ((JelouBotMessageResult)completion.Result).UserId;

    private static void AssertEveryRowOnce(IReadOnlyCollection<BulkCompletion> completions, int count)
    {
        Assert.Equal(count, completions.Count);
        Assert.Equal(count, completions.Select(c => c.Result.Row).Distinct().Count());
    }

    private static void AssertLedgerHoldsEachUserOnce(FakeJelouServer server, IEnumerable<string?> users)
    {
        var ledger = server.Ledger.Entries.Select(e => e.UserId).ToList();
        Assert.Equal(ledger.Count, ledger.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(users.OrderBy(u => u, StringComparer.Ordinal), ledger.OrderBy(u => u, StringComparer.Ordinal));
    }
}
