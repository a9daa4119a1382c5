using System.Diagnostics;
using System.Globalization;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>Retry-After in both its forms, its cap, and the client-wide pause a 429 causes (BackoffGate).</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class RetryAfterTests
{
    [Fact]
    public async Task A_429_with_Retry_After_2_is_retried_once_after_two_seconds()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("2"));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.True(outcome.Duration >= TimeSpan.FromSeconds(1.9), $"Duration {outcome.Duration.TotalMilliseconds} ms");
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(4), $"Duration {outcome.Duration.TotalMilliseconds} ms");
        var reason = Assert.Single(outcome.RetryReasons);
        Assert.Contains("429", reason, StringComparison.Ordinal);
        Assert.Contains("retrying in 2s", reason, StringComparison.Ordinal);

        var attempts = server.Ledger.Attempts;
        Assert.Equal([429, 200], attempts.Select(a => a.Status));
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), $"gap {(attempts[1].ReceivedAt - attempts[0].ReceivedAt).TotalMilliseconds} ms");
        Assert.Single(server.Ledger.Entries);
    }

    [Fact]
    public async Task A_Retry_After_HTTP_date_is_waited_for_until_that_time()
    {
        await using var server = await FakeJelouServer.StartAsync();

        // An HTTP date has one-second resolution: the client can only be asked to wait until that whole second. Three
        // seconds ahead keeps the date at least a second after the first attempt even when a loaded machine (the Mono
        // lane beside other builds) delays that attempt by more than a second.
        var resumeAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var header = resumeAt.ToString("R", CultureInfo.InvariantCulture);
        var expected = DateTimeOffset.ParseExact(header, "R", CultureInfo.InvariantCulture);
        server.Faults.Enqueue(FakeResponse.TooManyRequests(header));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        var attempts = server.Ledger.Attempts;
        Assert.Equal([429, 200], attempts.Select(a => a.Status));
        Assert.True(attempts[1].ReceivedAt >= expected - ResilienceSupport.Slack, $"retried at {attempts[1].ReceivedAt:O}, Retry-After said {expected:O}");
        Assert.True(attempts[1].ReceivedAt <= expected + TimeSpan.FromSeconds(1.5), $"retried at {attempts[1].ReceivedAt:O}, Retry-After said {expected:O}");
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromSeconds(0.8), "the date was at least a second ahead");
    }

    [Fact]
    public async Task A_Retry_After_of_an_hour_is_capped_at_MaximumRetryDelay_for_the_retry_and_for_the_client()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("3600"));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { MaximumRetryDelay = TimeSpan.FromSeconds(1) };

        var outcome = await ResilienceSupport.SendAsync(client, retry);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.True(outcome.Duration >= TimeSpan.FromSeconds(0.9), $"Duration {outcome.Duration.TotalMilliseconds} ms");
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(3), $"Duration {outcome.Duration.TotalMilliseconds} ms");

        // The client-wide pause was capped too: the next send goes straight out.
        var next = await ResilienceSupport.SendAsync(client, retry, userId: "593700000002");
        Assert.True(next.Succeeded, next.Error?.Message);
        Assert.True(next.Duration < TimeSpan.FromSeconds(0.5), $"the next send waited {next.Duration.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_429_pauses_a_concurrent_send_on_the_same_client_but_not_on_another_client()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("1"));
        using var client = ResilienceSupport.ClientFor(server);
        using var otherClient = ResilienceSupport.ClientFor(server);
        var firstRetried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstOptions = new SendRequestOptions { Retry = ResilienceSupport.Fast(count: 3), OnRetry = _ => firstRetried.TrySetResult() };

        var first = client.SendBotMessageAsync(ResilienceSupport.BotId, ResilienceSupport.Text("593700000001"), firstOptions);
        await firstRetried.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var second = ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), userId: "593700000002");
        var other = await ResilienceSupport.SendAsync(otherClient, ResilienceSupport.Fast(count: 3), userId: "593700000003");
        var outcomes = await Task.WhenAll(first, second);

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        Assert.Equal(2, outcomes[0].Attempts);

        // The second send was never refused: it waited for the pause the first one's 429 set.
        Assert.Equal(1, outcomes[1].Attempts);
        Assert.Empty(outcomes[1].RetryReasons);
        var rejectedAt = Assert.Single(server.Ledger.Attempts, a => a.Status == 429).ReceivedAt;
        var entries = server.Ledger.Entries.ToDictionary(e => e.UserId!, StringComparer.Ordinal);
        Assert.True(entries["593700000002"].ReceivedAt - rejectedAt >= TimeSpan.FromSeconds(0.9), $"the second send arrived {(entries["593700000002"].ReceivedAt - rejectedAt).TotalMilliseconds} ms after the 429");
        Assert.True(outcomes[1].Duration >= TimeSpan.FromSeconds(0.7), $"the second send took {outcomes[1].Duration.TotalMilliseconds} ms");

        // The pause belongs to the client: another client's send went straight through meanwhile.
        Assert.True(other.Succeeded, other.Error?.Message);
        Assert.True(entries["593700000003"].ReceivedAt - rejectedAt < TimeSpan.FromSeconds(0.5), $"the other client's send arrived {(entries["593700000003"].ReceivedAt - rejectedAt).TotalMilliseconds} ms after the 429");
    }

    [Fact]
    public async Task A_longer_pause_set_while_a_send_waits_holds_that_send_too()
    {
        await using var server = await FakeJelouServer.StartAsync();
        const string Slow = "593700000001", Quick = "593700000002", Held = "593700000003";

        // Slow: answered after 800 ms with a 429 asking for 2 s. Quick: refused at once with a 429 asking for 1 s. Rules as data,
        // so that the net472 lane can send them to its out-of-process fake.
        server.Faults.AddRule(new FakeRule(new FakeResponse(429, null, new Dictionary<string, string> { ["Retry-After"] = "2" }) { DelayMs = 800 })
        {
            UserId = Slow,
            Times = 1,
        });
        server.Faults.AddRule(new FakeRule(FakeResponse.TooManyRequests("1")) { UserId = Quick, Times = 1 });
        using var client = ResilienceSupport.ClientFor(server);
        var noRetry = ResilienceSupport.Fast(count: 0);

        var slow = ResilienceSupport.SendAsync(client, noRetry, userId: Slow);
        Assert.True(await ResilienceSupport.EventuallyAsync(() => server.Ledger.InFlight == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(429, (await ResilienceSupport.SendAsync(client, noRetry, userId: Quick)).HttpStatus);

        // Held starts inside the 1 s pause; while it waits, Slow's answer extends the pause to 2 s from then.
        var held = ResilienceSupport.SendAsync(client, noRetry, userId: Held);
        Assert.Equal(429, (await slow).HttpStatus);
        Assert.True((await held).Succeeded);

        var slowAttempt = server.Ledger.Attempts.OrderBy(a => a.ReceivedAt).First();
        Assert.Equal(429, slowAttempt.Status);
        var slowAnsweredAt = slowAttempt.ReceivedAt + TimeSpan.FromMilliseconds(800);
        var heldArrived = Assert.Single(server.Ledger.Entries).ReceivedAt;
        Assert.True(heldArrived >= slowAnsweredAt + TimeSpan.FromSeconds(2) - ResilienceSupport.Slack,
            $"the held send went out {(heldArrived - slowAnsweredAt).TotalMilliseconds:0} ms after a 429 asked for 2 s");
    }

    [Fact]
    public async Task A_batch_honours_Retry_After_1_for_the_refused_row_and_goes_on_with_the_others()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = 11 });
        server.Faults.Rate429 = 0.03;
        server.Faults.RetryAfter = "1";
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 10);

        var run = await ResilienceSupport.RunBatchAsync(client, new BulkOptions { ThrottleLimit = 8, Retry = retry }, ResilienceSupport.Rows(150));

        var attempts = server.Ledger.Attempts;
        var rows = run.Completions.Select(c => c.Result).ToList();
        var rejected = attempts.Where(a => a.Status == 429).Select(a => a.ReceivedAt).ToList();
        Assert.NotEmpty(rejected);
        Assert.Equal(150, rows.Count);
        Assert.Empty(rows.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        Assert.Equal(150, server.Ledger.Count);
        Assert.Equal(150, server.Ledger.Entries.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count());
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(1), $"the batch took {run.Elapsed.TotalMilliseconds} ms");

        // Every retried row waited out its Retry-After.
        var retried = rows.Where(r => r.Attempts > 1).ToList();
        Assert.NotEmpty(retried);
        Assert.All(retried, r => Assert.True(r.Duration >= TimeSpan.FromSeconds(0.9), ResilienceSupport.Describe(r) + " duration " + r.Duration.TotalMilliseconds));

        // Under adaptive pacing a short Retry-After delays only its own row: other rows still reached the server while the
        // refused ones waited (before, the whole client paused after every 429).
        var first = rejected.Min();
        // More than ThrottleLimit accepted sends within that second: not only the ones already on the wire.
        var goneOn = attempts.Count(a => a.Status == 200 && a.ReceivedAt > first && a.ReceivedAt < first + TimeSpan.FromMilliseconds(900));
        Assert.True(goneOn > 16, $"{goneOn} sends were accepted in the 0.9 s after the first 429");
    }
}
