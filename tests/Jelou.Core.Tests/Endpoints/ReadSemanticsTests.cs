using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Endpoints;

/// <summary>
/// A read (GET) follows HTTP's semantics: it is retried after any transport failure without -RetryPossiblyDelivered,
/// and its failures say nothing about a message or a delivery, since a GET changes nothing.
/// </summary>
public sealed class ReadSemanticsTests
{
    // The attempt timeout is short only where a test waits for it; on a loaded machine a short one could cut a normal answer.
    private static SendRequestOptions Fast(int retries, int attemptTimeoutMs = 30_000) => new()
    {
        Retry = new RetrySettings { MaximumRetryCount = retries, RetryInterval = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromMilliseconds(attemptTimeoutMs) },
    };

    [Fact]
    public async Task A_read_that_keeps_failing_with_500_is_a_server_error_not_a_possible_delivery()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(500));
        server.Faults.Enqueue(new FakeResponse(500));
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.CheckAccessAsync(CoreTestSupport.BotId, Fast(1));

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(500, result.HttpStatus);
        var error = result.Error!;
        Assert.False(error.PossiblyDelivered);
        Assert.Equal("JelouServerError", error.ErrorId);
        Assert.DoesNotContain("message", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("deliver", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("a read changes nothing", Assert.Single(result.RetryReasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_is_retried_after_a_timeout_after_sending_and_its_timeout_names_no_message()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.Slow(8000));
        using var client = CoreTestSupport.ClientFor(server);

        var retried = await client.CheckAccessAsync(CoreTestSupport.BotId, Fast(1, attemptTimeoutMs: 2000));
        Assert.True(retried.Succeeded, retried.Error?.Message);
        Assert.Equal(2, retried.Attempts);

        server.Faults.Enqueue(FakeResponse.Slow(8000));
        var failed = await client.CheckAccessAsync(CoreTestSupport.BotId, Fast(0, attemptTimeoutMs: 2000));
        Assert.Equal(JelouErrorKind.Timeout, failed.Error!.Kind);
        Assert.False(failed.Error.PossiblyDelivered);
        Assert.DoesNotContain("message", failed.Error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_2xx_read_whose_body_says_status_failed_is_a_failure()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(200, """{"message":["Bot disabled"],"status":"failed"}"""));
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.CheckAccessAsync(CoreTestSupport.BotId, CoreTestSupport.NoRetry);

        Assert.False(result.Succeeded);
        Assert.Equal(200, result.HttpStatus);
        Assert.Equal("Bot disabled. Jelou API answered 200 but reported status failed.", result.Error!.Message);
    }

    [Fact]
    public async Task A_read_404_advises_checking_the_bot_only()
    {
        var options = new FakeJelouOptions { KnownBots = new HashSet<string> { "mine" } };
        await using var server = await FakeJelouServer.StartAsync(options);
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.CheckAccessAsync("nobody", CoreTestSupport.NoRetry);

        Assert.Equal(JelouErrorKind.NotFound, result.Error!.Kind);
        Assert.EndsWith(" Check the bot id.", result.Error.Message, StringComparison.Ordinal);
    }
}
