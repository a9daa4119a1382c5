using System.Net;
using System.Text;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Resilience;

/// <summary>
/// JelouClientOptions.Proxy and ProxyCredential through a real (loopback) forward proxy. An explicit
/// <see cref="WebProxy"/> has BypassProxyOnLocal=false, so even a loopback API address goes through it; the first test
/// pins that down, because every other test here depends on it.
/// </summary>
public sealed class ProxyTests
{
    [Fact]
    public void The_handler_uses_an_explicit_proxy_that_does_not_bypass_loopback()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        var options = new JelouClientOptions(ResilienceSupport.Credential())
        {
            BaseUri = new Uri("http://127.0.0.1:5000/"),
            Proxy = new Uri("http://127.0.0.1:3128/"),
        };

        using var handler = Assert.IsType<HttpClientHandler>(JelouClient.CreateHandler(options));

        Assert.True(handler.UseProxy);
        var proxy = Assert.IsType<WebProxy>(handler.Proxy);
        Assert.Equal(new Uri("http://127.0.0.1:3128/"), proxy.Address);
        Assert.False(proxy.BypassProxyOnLocal);
        Assert.False(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/v1/bots/b/messages")));
    }

    [Fact]
    public void The_explicit_proxy_carries_ProxyCredential()
    {
        var options = new JelouClientOptions(ResilienceSupport.Credential())
        {
            BaseUri = new Uri("http://127.0.0.1:5000/"),
            Proxy = new Uri("http://127.0.0.1:3128/"),
            ProxyCredential = new NetworkCredential("proxy-user", "proxy-pass"),
        };

        using var handler = Assert.IsType<HttpClientHandler>(JelouClient.CreateHandler(options));

        var proxy = Assert.IsType<WebProxy>(handler.Proxy);
        Assert.False(proxy.UseDefaultCredentials);
        var credential = Assert.IsType<NetworkCredential>(proxy.Credentials);
        Assert.Equal("proxy-user", credential.UserName);
        Assert.Equal("proxy-pass", credential.Password);
    }

    [Fact]
    public void Without_an_explicit_proxy_the_credential_goes_to_the_system_proxy()
    {
        var options = new JelouClientOptions(ResilienceSupport.Credential()) { ProxyCredential = new NetworkCredential("u", "p") };

        using var handler = Assert.IsType<HttpClientHandler>(JelouClient.CreateHandler(options));

        Assert.True(handler.UseProxy);
        Assert.Same(options.ProxyCredential, handler.DefaultProxyCredentials);
    }

    [Fact]
    public async Task A_send_goes_through_the_proxy_in_absolute_form_and_reaches_the_API_once()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        await using var server = await FakeJelouServer.StartAsync();
        await using var proxy = new LoopbackForwardProxy();
        using var client = ResilienceSupport.ClientFor(server.BaseUri, proxy.Uri);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 0));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var seen = Assert.Single(proxy.Requests);
        var expectedTarget = new Uri(server.BaseUri, "v1/bots/" + ResilienceSupport.BotId + "/messages").AbsoluteUri;
        Assert.Equal("POST " + expectedTarget + " HTTP/1.1", seen.RequestLine);
        Assert.Equal(server.BaseUri.Authority, seen.Host);
        Assert.Null(seen.ProxyAuthorization);

        // The API credential is passed through to the origin untouched; the proxy credential is never sent unasked.
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("test-client:test-secret")), seen.Authorization);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal("593700000001", entry.UserId);
        Assert.Equal(entry.MessageId, outcome.MessageId);
    }

    [Fact]
    public async Task ProxyCredential_answers_a_407_challenge_with_Basic_Proxy_Authorization()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        var proxyCredential = new NetworkCredential("proxy-user", "pr0xy:pässword");
        await using var server = await FakeJelouServer.StartAsync();
        await using var proxy = new LoopbackForwardProxy(proxyCredential);
        using var client = ResilienceSupport.ClientFor(server.BaseUri, proxy.Uri, proxyCredential);

        await AssertSentThroughTheChallengeAsync(server, proxy, client);
    }

    /// <summary>
    /// The same exchange over a handler whose WebProxy is built by hand: proves the test proxy, its 407 challenge and the
    /// assertions work on their own, so when the test above fails the cause is JelouClient.CreateHandler.
    /// </summary>
    [Fact]
    public async Task A_handler_that_keeps_the_proxy_credential_gets_through_the_407_challenge()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        var proxyCredential = new NetworkCredential("proxy-user", "pr0xy:pässword");
        await using var server = await FakeJelouServer.StartAsync();
        await using var proxy = new LoopbackForwardProxy(proxyCredential);
        var options = new JelouClientOptions(ResilienceSupport.Credential()) { BaseUri = server.BaseUri, Proxy = proxy.Uri, ProxyCredential = proxyCredential };
        var handler = (HttpClientHandler)JelouClient.CreateHandler(options);
        handler.Proxy = new WebProxy(proxy.Uri) { Credentials = proxyCredential };
        using var client = new JelouClient(options, handler, disposeHandler: true);

        await AssertSentThroughTheChallengeAsync(server, proxy, client);
    }

    private static async Task AssertSentThroughTheChallengeAsync(FakeJelouServer server, LoopbackForwardProxy proxy, JelouClient client)
    {
        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 0));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(1, outcome.Attempts);
        var requests = proxy.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].ProxyAuthorization);
        Assert.Equal(407, requests[0].AnsweredStatus);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("proxy-user:pr0xy:pässword")), requests[1].ProxyAuthorization);
        Assert.Null(requests[1].AnsweredStatus);

        // The 407 never reached the API, so the message exists exactly once.
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Single(server.Ledger.Entries);
    }

    [Fact]
    public async Task Without_ProxyCredential_a_407_is_a_failure_that_was_not_delivered()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        await using var server = await FakeJelouServer.StartAsync();
        await using var proxy = new LoopbackForwardProxy(new NetworkCredential("proxy-user", "secret"));
        using var client = ResilienceSupport.ClientFor(server.BaseUri, proxy.Uri);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3));

        Assert.False(outcome.Succeeded);
        Assert.Equal(407, outcome.HttpStatus);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(0, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task An_unreachable_proxy_is_a_connection_failure_before_sending_and_is_retried()
    {
        Assert.SkipWhen(FrameworkLaneSkips.IsNetFramework, FrameworkLaneSkips.LoopbackNeverProxied);
        await using var server = await FakeJelouServer.StartAsync();
        var deadProxy = new Uri("http://127.0.0.1:" + ResilienceSupport.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");
        using var client = ResilienceSupport.ClientFor(server.BaseUri, deadProxy);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2));

        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouConnectionFailed", outcome.Error.ErrorId);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(0, server.Ledger.TotalRequests);
    }
}
