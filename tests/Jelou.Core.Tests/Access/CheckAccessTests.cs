using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Access;

/// <summary>Test-JelouCredential's check: a read-only call that never sends a message.</summary>
public sealed class CheckAccessTests
{
    private static JelouClient ClientFor(FakeJelouServer server, string secret = "test-secret") =>
        new(new JelouClientOptions(JelouCredential.FromPlainText("test-client", secret)) { BaseUri = server.BaseUri });

    [Fact]
    public async Task A_valid_credential_passes_and_nothing_is_sent()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = ClientFor(server);

        var outcome = await client.CheckAccessAsync("bot-1");

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal(0, server.Ledger.Count);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_wrong_secret_fails_as_authentication()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = ClientFor(server, "wrong-secret");

        var outcome = await client.CheckAccessAsync("bot-1");

        Assert.False(outcome.Succeeded);
        Assert.Equal(JelouErrorKind.Authentication, outcome.Error!.Kind);
        Assert.Equal("JelouAuthenticationFailed", outcome.Error.ErrorId);
        Assert.DoesNotContain("wrong-secret", outcome.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_bot_fails_as_not_found_and_a_forbidden_bot_as_permission_denied()
    {
        var options = new FakeJelouOptions { KnownBots = new HashSet<string> { "mine", "theirs" } };
        options.ForbiddenBots.Add("theirs");
        await using var server = await FakeJelouServer.StartAsync(options);
        using var client = ClientFor(server);

        var unknown = await client.CheckAccessAsync("nobody");
        var forbidden = await client.CheckAccessAsync("theirs");

        Assert.Equal(JelouErrorKind.NotFound, unknown.Error!.Kind);
        Assert.Equal(404, unknown.HttpStatus);
        Assert.Equal(JelouErrorKind.PermissionDenied, forbidden.Error!.Kind);
        Assert.Equal(403, forbidden.HttpStatus);
    }

    [Fact]
    public async Task Being_read_only_it_is_retried_after_a_500()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(500));
        using var client = ClientFor(server);

        var outcome = await client.CheckAccessAsync("bot-1", new SendRequestOptions { Retry = new RetrySettings { RetryInterval = TimeSpan.FromMilliseconds(10) } });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
    }
}
