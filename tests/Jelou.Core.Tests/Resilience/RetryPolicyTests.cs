using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Resilience;

/// <summary>Which answers are retried: never a refusal, never a possible delivery unless asked, always a rate limit or outage.</summary>
public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(400, JelouErrorKind.InvalidRequest, false)]
    [InlineData(401, JelouErrorKind.Authentication, false)]
    [InlineData(403, JelouErrorKind.PermissionDenied, false)]
    [InlineData(404, JelouErrorKind.NotFound, false)]
    [InlineData(422, JelouErrorKind.InvalidRequest, false)]
    [InlineData(400, JelouErrorKind.InvalidRequest, true)]
    [InlineData(401, JelouErrorKind.Authentication, true)]
    [InlineData(403, JelouErrorKind.PermissionDenied, true)]
    [InlineData(404, JelouErrorKind.NotFound, true)]
    [InlineData(422, JelouErrorKind.InvalidRequest, true)]
    public async Task Client_errors_are_sent_once_and_never_retried(int status, JelouErrorKind kind, bool retryPossiblyDelivered)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(status));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 5, retryPossiblyDelivered));

        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Single(server.Ledger.Attempts);
        Assert.Equal(0, server.Ledger.Count);
        Assert.Equal(1, outcome.Attempts);
        Assert.Empty(outcome.RetryReasons);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(kind, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.NotEqual("JelouDeliveryUnknown", outcome.Error.ErrorId);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_possibly_delivered_server_error_is_not_retried_by_default(int status)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(status));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 5));

        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(1, outcome.Attempts);
        Assert.Empty(outcome.RetryReasons);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(JelouErrorKind.ServerError, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Contains("may have been delivered", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_possibly_delivered_server_error_is_retried_with_RetryPossiblyDelivered(int status)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(status));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 5, retryPossiblyDelivered: true));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal(2, server.Ledger.TotalRequests);
        Assert.Equal(outcome.MessageId, Assert.Single(server.Ledger.Entries).MessageId);
        var reason = Assert.Single(outcome.RetryReasons);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
        Assert.Contains("-RetryPossiblyDelivered", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryPossiblyDelivered_gives_up_after_MaximumRetryCount_and_stays_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.AddRule(new FakeRule(new FakeResponse(502)));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2, retryPossiblyDelivered: true));

        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(3, server.Ledger.TotalRequests);
        Assert.Equal(2, outcome.RetryReasons.Count);
        Assert.Equal(502, outcome.HttpStatus);
        Assert.True(outcome.Error!.PossiblyDelivered);
    }

    [Theory]
    [InlineData(429, JelouErrorKind.RateLimited, "JelouRateLimited")]
    [InlineData(503, JelouErrorKind.ServerError, "JelouServerError")]
    public async Task Rate_limits_and_outages_are_retried_up_to_MaximumRetryCount_and_end_not_delivered(int status, JelouErrorKind kind, string errorId)
    {
        await using var server = await FakeJelouServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            server.Faults.Enqueue(RetryNow(status));
        }

        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2));

        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(3, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(kind, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal(errorId, outcome.Error.ErrorId);
        Assert.Equal(TimeSpan.Zero, outcome.Error.RetryAfter);
        Assert.Equal(2, outcome.RetryReasons.Count);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task One_rate_limit_or_outage_is_retried_and_the_message_is_sent_once(int status)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(RetryNow(status));
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(2, server.Ledger.TotalRequests);
        Assert.Single(server.Ledger.Entries);
    }

    /// <summary>A 429 or 503 that asks for no wait, so retry tests run without delay.</summary>
    private static FakeResponse RetryNow(int status) => status == 429 ? FakeResponse.TooManyRequests("0") : FakeResponse.ServiceUnavailable("0");
}
