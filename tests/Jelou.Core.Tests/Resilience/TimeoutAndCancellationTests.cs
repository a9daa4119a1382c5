using System.Diagnostics;
using System.Globalization;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Resilience;

/// <summary>Per-attempt and per-message timeouts, and how fast a CancellationToken stops a send.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class TimeoutAndCancellationTests
{
    // ---- timeouts -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_slow_answer_times_out_once_and_may_have_been_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(5000));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, retry);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Contains("may have been delivered", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("0.3s", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, outcome.Attempts);
        Assert.Empty(outcome.RetryReasons);
        Assert.Null(outcome.HttpStatus);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_timeout_is_retried_with_RetryPossiblyDelivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(5000));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3, retryPossiblyDelivered: true) with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };

        var outcome = await ResilienceSupport.SendAsync(client, retry);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        var reason = Assert.Single(outcome.RetryReasons);
        Assert.Contains("timed out", reason, StringComparison.Ordinal);
        Assert.Contains("-RetryPossiblyDelivered", reason, StringComparison.Ordinal);
        Assert.Equal(2, server.Ledger.TotalRequests);
        Assert.Contains(server.Ledger.Entries, e => e.MessageId == outcome.MessageId);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(2), $"Duration {outcome.Duration.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Every_attempt_timing_out_with_RetryPossiblyDelivered_makes_MaximumRetryCount_plus_one_attempts()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 5000;
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 2, retryPossiblyDelivered: true) with { AttemptTimeout = TimeSpan.FromMilliseconds(200) };

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, retry);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(2, outcome.RetryReasons.Count);
        Assert.Equal(3, server.Ledger.TotalRequests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task TotalTimeout_bounds_the_whole_retry_loop()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 5000;
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 100, retryPossiblyDelivered: true) with
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(200),
            TotalTimeout = TimeSpan.FromSeconds(1),
        };

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, retry);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.InRange(outcome.Attempts, 2, 6);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(60L * 24 * 3600 * 1000)]
    public async Task An_infinite_or_very_long_TotalTimeout_means_no_budget_and_the_message_is_sent(long totalMilliseconds)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("0"));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 2) with { TotalTimeout = TimeSpan.FromMilliseconds(totalMilliseconds) };

        var outcome = await ResilienceSupport.SendAsync(client, retry);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(1, server.Ledger.Count);
    }

    [Fact]
    public async Task TotalTimeout_alone_stops_a_slow_attempt_as_a_possibly_delivered_timeout()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(5000));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { TotalTimeout = TimeSpan.FromMilliseconds(500) };

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, retry);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Equal(1, outcome.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_TotalTimeout_expiry_names_the_limit_that_fired()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(5000));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { TotalTimeout = TimeSpan.FromMilliseconds(500) };

        var outcome = await ResilienceSupport.SendAsync(client, retry);

        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.DoesNotContain("30s", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("0.5s", outcome.Error.Message, StringComparison.Ordinal);
    }

    // ---- cancellation -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cancelling_during_a_Retry_After_wait_returns_at_once_as_Cancelled()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("30"));
        using var client = ResilienceSupport.ClientFor(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), cts.Token);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Cancelling_during_a_Retry_After_wait_is_not_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("30"));
        using var client = ResilienceSupport.ClientFor(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), cts.Token);

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.Equal(0, server.Ledger.Count);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouCancelled", outcome.Error.ErrorId);
    }

    [Fact]
    public async Task Cancelling_during_the_backoff_after_a_refused_connection_is_not_possibly_delivered()
    {
        var baseUri = new Uri("http://127.0.0.1:" + ResilienceSupport.ClosedPort().ToString(CultureInfo.InvariantCulture) + "/");
        using var client = ResilienceSupport.ClientFor(baseUri);
        using var cts = new CancellationTokenSource();
        var options = new SendRequestOptions
        {
            Retry = ResilienceSupport.Fast(count: 3) with { RetryInterval = TimeSpan.FromSeconds(30) },
            OnRetry = _ => cts.Cancel(),
        };

        var outcome = await client.SendBotMessageAsync(ResilienceSupport.BotId, ResilienceSupport.Text(), options, cts.Token);

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.Equal(1, outcome.Attempts);
        Assert.False(outcome.Error!.PossiblyDelivered);
    }

    [Fact]
    public async Task Cancelling_an_in_flight_request_returns_within_a_second_and_may_have_been_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(5000));
        using var client = ResilienceSupport.ClientFor(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var clock = Stopwatch.StartNew();
        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3, retryPossiblyDelivered: true), cts.Token);
        clock.Stop();

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Equal(1, outcome.Attempts);
        Assert.Empty(outcome.RetryReasons);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Cancelling_a_send_held_by_the_client_wide_pause_is_Cancelled_before_sending()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("30"));
        using var client = ResilienceSupport.ClientFor(server);

        // No retries: the 429 comes straight back, but the client stays paused for 30 s.
        var refused = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 0));
        Assert.Equal(429, refused.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Error?.RetryAfter);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        var held = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), cts.Token, userId: "593700000002");
        clock.Stop();

        Assert.Equal(JelouErrorKind.Cancelled, held.Error?.Kind);
        Assert.False(held.Error!.PossiblyDelivered);
        Assert.Equal("JelouCancelled", held.Error.ErrorId);
        Assert.Equal(0, held.Attempts);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"returned after {clock.Elapsed.TotalMilliseconds} ms: it was not held");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
    }
}
