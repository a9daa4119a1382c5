using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests;

public sealed class JelouClientTests : IClassFixture<FakeServerFixture>
{
    private readonly FakeServerFixture fixture;

    public JelouClientTests(FakeServerFixture fixture) => this.fixture = fixture;

    // ---- headers ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Basic_auth_works_for_a_secret_with_colons_and_non_ASCII()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { ClientId = "cliënte", ClientSecret = "se:cr:étö" });
        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText("cliënte", "se:cr:étö"));

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(1, server.Ledger.Count);

        // A near miss (the secret with its non-ASCII letters in another encoding) must be refused by the same server.
        using var wrong = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText("cliënte", "se:cr:eto"));
        Assert.Equal(JelouErrorKind.Authentication, (await wrong.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry)).Error?.Kind);
    }

    [Fact]
    public async Task The_request_carries_the_exact_Basic_header_user_agent_and_json_content_type()
    {
        using var capture = new CapturingHandler();
        using var client = new JelouClient(
            new JelouClientOptions(JelouCredential.FromPlainText("cliënte", "se:cr:étö")) { BaseUri = new Uri("https://api.jelou.ai") },
            capture,
            disposeHandler: false);

        var outcome = await client.SendBotMessageAsync("bot 1/x", CoreTestSupport.Text(), CoreTestSupport.NoRetry);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal("msg_captured", outcome.MessageId);

        var request = Assert.Single(capture.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.jelou.ai/v1/bots/bot%201%2Fx/messages", request.Uri.AbsoluteUri);
        Assert.Equal("Basic", request.Authorization!.Scheme);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("cliënte:se:cr:étö")), request.Authorization.Parameter);
        Assert.StartsWith("Jelou-PowerShell/", request.UserAgent, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Contains("application/json", request.Accept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fake_server_sees_the_user_agent_and_content_type()
    {
        var server = fixture.Fresh();
        using var client = new JelouClient(new JelouClientOptions(CoreTestSupport.DefaultCredential()) { BaseUri = server.BaseUri, UserAgentComment = "PowerShell/7.5.0" });
        Assert.True((await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text())).Succeeded);

        var entry = Assert.Single(server.Ledger.Entries);
        Assert.StartsWith("Jelou-PowerShell/" + JelouClient.Version, entry.UserAgent, StringComparison.Ordinal);
        Assert.Contains("PowerShell/7.5.0", entry.UserAgent, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", entry.ContentType);
    }

    [Fact]
    public async Task Room_messages_go_to_the_room_endpoint()
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        Assert.True(Validation.RoomMessageBuilder.TryBuild("sender", new[] { new Validation.RoomMessageFields { Text = "hola" } }, out var request, out _));
        var outcome = await client.SendRoomMessageAsync("G:bot-1:ref", request);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal("room", entry.Endpoint);
        Assert.Equal("G:bot-1:ref", entry.RoomId);
        Assert.Equal(entry.MessageId, outcome.MessageId);
    }

    [Fact]
    public void Empty_bot_or_room_ids_are_refused_before_sending()
    {
        using var client = CoreTestSupport.ClientFor(new Uri("https://api.jelou.ai"));
        Assert.Throws<ArgumentException>(() => { _ = client.SendBotMessageAsync(" ", CoreTestSupport.Text()); });
        Assert.Throws<ArgumentException>(() => { _ = client.SendRoomMessageAsync("", new Messages.RoomMessageRequest("s", Array.Empty<Messages.RoomMessage>())); });
    }

    // ---- base URI ------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("https://api.jelou.ai", "https://api.jelou.ai/")]
    [InlineData("https://proxy.example.com/jelou", "https://proxy.example.com/jelou/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://127.0.0.2:5000/", "http://127.0.0.2:5000/")]
    [InlineData("http://localhost:8080/", "http://localhost:8080/")]
    [InlineData("http://[::1]:8080/", "http://[::1]:8080/")]
    public void Https_and_loopback_http_base_uris_are_accepted(string given, string normalized)
    {
        Assert.Equal(normalized, JelouClientOptions.ValidateBaseUri(new Uri(given)).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://api.jelou.ai")]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://localhost.example.com")]
    [InlineData("ftp://api.jelou.ai")]
    public void Plain_http_to_a_non_loopback_host_is_refused(string given)
    {
        var ex = Assert.Throws<ArgumentException>(() => JelouClientOptions.ValidateBaseUri(new Uri(given)));
        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new JelouClient(new JelouClientOptions(CoreTestSupport.DefaultCredential()) { BaseUri = new Uri(given) }));
    }

    [Fact]
    public void A_relative_base_uri_is_refused()
    {
        Assert.Throws<ArgumentException>(() => JelouClientOptions.ValidateBaseUri(new Uri("/v1", UriKind.Relative)));
        Assert.Throws<ArgumentException>(() => JelouClientOptions.ValidateBaseUri(null));
    }

    // ---- retries -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_wait_and_sent_once()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("1"));
        using var client = CoreTestSupport.ClientFor(server);
        var retries = new List<string>();

        var clock = Stopwatch.StartNew();
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), new SendRequestOptions { OnRetry = retries.Add });
        clock.Stop();

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(1, server.Ledger.Count);
        Assert.Equal(2, server.Ledger.TotalRequests);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed.TotalMilliseconds} ms, before Retry-After");
        Assert.Contains("429", Assert.Single(outcome.RetryReasons), StringComparison.Ordinal);
        Assert.Equal(outcome.RetryReasons, retries);

        var attempts = server.Ledger.Attempts;
        Assert.Equal(new[] { 429, 200 }, attempts.Select(a => a.Status));
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task A_503_is_retried()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.ServiceUnavailable("0"));
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry());

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(1, server.Ledger.Count);
        Assert.Equal(2, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task Retries_stop_at_MaximumRetryCount()
    {
        var server = fixture.Fresh();
        for (var i = 0; i < 5; i++)
        {
            server.Faults.Enqueue(FakeResponse.ServiceUnavailable("0"));
        }

        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry(count: 2));

        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(503, outcome.HttpStatus);
        Assert.Equal(JelouErrorKind.ServerError, outcome.Error?.Kind);
        Assert.Equal(3, server.Ledger.TotalRequests);
        Assert.Equal(2, outcome.RetryReasons.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_possibly_delivered_5xx_is_not_retried_by_default(int status)
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(status));
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry());

        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(1, server.Ledger.TotalRequests);
        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.True(error.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", error.ErrorId);
        Assert.Contains("may have been delivered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_is_retried_when_RetryPossiblyDelivered_is_set()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(500));
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry(retryPossiblyDelivered: true));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(2, server.Ledger.TotalRequests);
        Assert.Equal(1, server.Ledger.Count);
        Assert.Contains("RetryPossiblyDelivered", Assert.Single(outcome.RetryReasons), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task Client_errors_are_never_retried(int status)
    {
        var server = fixture.Fresh();
        for (var i = 0; i < 4; i++)
        {
            server.Faults.Enqueue(FakeResponse.G4Error(status, "E0" + status, "ERROR", "no"));
        }

        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry(retryPossiblyDelivered: true));

        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Empty(outcome.RetryReasons);
        Assert.False(outcome.Error!.PossiblyDelivered);
    }

    // ---- transport failures ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_refused_connection_is_retried_and_ends_as_Connection_not_delivered()
    {
        using var client = CoreTestSupport.ClientFor(new Uri("http://127.0.0.1:" + CoreTestSupport.ClosedPort() + "/"));

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry(count: 2));

        Assert.Equal(3, outcome.Attempts);
        Assert.Null(outcome.HttpStatus);
        Assert.Equal(2, outcome.RetryReasons.Count);
        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(JelouErrorKind.Connection, error.Kind);
        Assert.False(error.PossiblyDelivered);
        Assert.Equal("JelouConnectionFailed", error.ErrorId);
        Assert.DoesNotContain("may have been delivered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_dropped_after_the_server_accepted_is_possibly_delivered_and_not_sent_twice()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.DropAfterAccept);
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry());

        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(JelouErrorKind.Connection, error.Kind);
        Assert.True(error.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", error.ErrorId);
        Assert.Equal(1, outcome.Attempts);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.True(entry.ResponseDropped);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_drop_after_accept_on_a_reused_connection_is_not_sent_twice()
    {
        // HTTP stacks may silently resend a request that failed on a pooled connection; for a POST that would duplicate
        // a WhatsApp message.
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        Assert.True((await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text("593999000001"))).Succeeded);

        server.Faults.Enqueue(FakeResponse.DropAfterAccept);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text("593999000002"), CoreTestSupport.FastRetry());

        Assert.True(outcome.Error?.PossiblyDelivered, outcome.Error?.Message ?? "succeeded");
        Assert.Single(server.Ledger.Entries, e => e.UserId == "593999000002");
        Assert.Equal(2, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_connection_dropped_before_the_body_was_read_is_not_retried_by_default()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.DropBeforeRead);
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry());

        // The client cannot tell a drop before reading from one after accepting, so it must assume the worst.
        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public async Task A_slow_answer_times_out_is_not_retried_and_may_have_been_delivered()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.Slow(6000));
        using var client = CoreTestSupport.ClientFor(server);

        // The attempt timeout leaves the request ample time to reach the server even on a loaded machine.
        var options = new SendRequestOptions { Retry = new RetrySettings { AttemptTimeout = TimeSpan.FromMilliseconds(1000), RetryInterval = TimeSpan.FromMilliseconds(20) } };

        var clock = Stopwatch.StartNew();
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), options);
        clock.Stop();

        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(JelouErrorKind.Timeout, error.Kind);
        Assert.True(error.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", error.ErrorId);
        Assert.Equal(1, outcome.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(4000), $"took {clock.Elapsed.TotalMilliseconds} ms");

        // No second request follows, however long we look.
        await Task.Delay(300);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public async Task A_timeout_is_retried_when_RetryPossiblyDelivered_is_set()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.Slow(6000));
        using var client = CoreTestSupport.ClientFor(server);
        var options = new SendRequestOptions
        {
            Retry = new RetrySettings { AttemptTimeout = TimeSpan.FromMilliseconds(1000), RetryInterval = TimeSpan.FromMilliseconds(20), RetryPossiblyDelivered = true },
        };

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), options);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        Assert.Contains("timed out", Assert.Single(outcome.RetryReasons), StringComparison.Ordinal);
        Assert.Equal(1, server.Ledger.Count);
    }

    [Fact]
    public async Task Cancelling_mid_request_ends_quickly_as_Cancelled()
    {
        var server = fixture.Fresh();
        server.Faults.LatencyMs = 10_000;
        using var client = CoreTestSupport.ClientFor(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.FastRetry(), cts.Token);
        clock.Stop();
        server.Faults.LatencyMs = 0;

        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(JelouErrorKind.Cancelled, error.Kind);
        Assert.Equal("JelouDeliveryUnknown", error.ErrorId);
        Assert.True(error.PossiblyDelivered, "the request was in flight");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task Cancelling_before_sending_is_Cancelled_and_not_delivered()
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), null, cts.Token);

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal(0, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task Cancelling_while_waiting_to_retry_a_429_is_not_possibly_delivered()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("5"));
        using var client = CoreTestSupport.ClientFor(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), null, cts.Token);

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
        Assert.False(outcome.Error!.PossiblyDelivered);
    }

    [Fact]
    public async Task A_429_slows_down_the_next_send_through_the_same_client()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("1"));
        using var client = CoreTestSupport.ClientFor(server);

        Assert.Equal(429, (await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry)).HttpStatus);
        var clock = Stopwatch.StartNew();
        Assert.True((await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry)).Succeeded);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(800), $"the second send waited only {clock.Elapsed.TotalMilliseconds} ms");
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<CapturedRequest> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new CapturedRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.Authorization,
                request.Headers.UserAgent.ToString(),
                request.Content?.Headers.ContentType?.ToString(),
                request.Headers.Accept.ToString(),
                body));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"success\":true,\"messageId\":\"msg_captured\"}", Encoding.UTF8, "application/json"),
            };
        }
    }

    private sealed record CapturedRequest(HttpMethod Method, Uri Uri, AuthenticationHeaderValue? Authorization, string UserAgent, string? ContentType, string Accept, string Body);
}
