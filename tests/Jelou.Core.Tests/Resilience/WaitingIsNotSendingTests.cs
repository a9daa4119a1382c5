using System.Diagnostics;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>
/// Time spent waiting before a request leaves (the client-wide 429 pause, -RateLimit pacing, a Retry-After wait) is not
/// time the server had the message: running out of it must never be reported as "may have been delivered".
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class WaitingIsNotSendingTests
{
    [Fact]
    public async Task A_send_held_by_the_client_wide_pause_waits_it_out_instead_of_timing_out()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("2"));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { AttemptTimeout = TimeSpan.FromMilliseconds(500) };

        Assert.Equal(429, (await ResilienceSupport.SendAsync(client, retry with { MaximumRetryCount = 0 })).HttpStatus);
        var held = await ResilienceSupport.SendAsync(client, retry, userId: "593700000002");

        Assert.True(held.Succeeded, held.Error?.Message + " (ErrorId " + held.Error?.ErrorId + ", attempts " + held.Attempts + ")");
        Assert.True(held.Duration >= TimeSpan.FromSeconds(1.8), $"Duration {held.Duration.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Running_out_of_time_while_held_by_the_client_wide_pause_is_not_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("30"));
        using var client = ResilienceSupport.ClientFor(server);
        Assert.Equal(429, (await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 0))).HttpStatus);

        var retry = ResilienceSupport.Fast(count: 3) with { TotalTimeout = TimeSpan.FromMilliseconds(500) };
        var clock = Stopwatch.StartNew();
        var held = await ResilienceSupport.SendAsync(client, retry, userId: "593700000002");
        clock.Stop();

        Assert.False(held.Succeeded);
        Assert.Equal(0, held.Attempts);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.False(held.Error!.PossiblyDelivered, held.Error.Message);
        Assert.NotEqual("JelouDeliveryUnknown", held.Error.ErrorId);
    }

    [Fact]
    public async Task Running_out_of_TotalTimeout_during_a_Retry_After_wait_is_not_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("5"));
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { TotalTimeout = TimeSpan.FromSeconds(1) };

        var outcome = await ResilienceSupport.SendAsync(client, retry);

        Assert.False(outcome.Succeeded);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(0, server.Ledger.Count);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(3), $"Duration {outcome.Duration.TotalMilliseconds} ms");
        Assert.False(outcome.Error!.PossiblyDelivered, outcome.Error.Message);
        Assert.NotEqual("JelouDeliveryUnknown", outcome.Error.ErrorId);
    }

    [Fact]
    public async Task Rows_waiting_for_a_RateLimit_token_are_not_timed_out_as_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = ResilienceSupport.ClientFor(server);
        var retry = ResilienceSupport.Fast(count: 3) with { AttemptTimeout = TimeSpan.FromMilliseconds(500) };

        // 5 per second, 8 in flight: the last rows wait well over 500 ms for their token before anything is sent.
        var run = await ResilienceSupport.RunBatchAsync(client, new BulkOptions { ThrottleLimit = 8, RateLimit = 5, Retry = retry }, ResilienceSupport.Rows(8));

        var rows = run.Completions.Select(c => c.Result).ToList();
        Assert.Equal(8, rows.Count);
        Assert.Empty(rows.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        Assert.Equal(8, server.Ledger.Count);
    }
}
