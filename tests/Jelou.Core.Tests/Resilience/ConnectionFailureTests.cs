using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>Transport failures: before sending (safe to retry) and after sending (possibly delivered).</summary>
public sealed class ConnectionFailureTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_refused_connection_is_retried_MaximumRetryCount_times_and_was_not_delivered(int retries)
    {
        using var client = ResilienceSupport.ClientFor(ClosedPortUri());

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: retries));

        Assert.Equal(retries + 1, outcome.Attempts);
        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouConnectionFailed", outcome.Error.ErrorId);
        Assert.DoesNotContain("may have been delivered", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Null(outcome.HttpStatus);
        Assert.Equal(retries, outcome.RetryReasons.Count);
        Assert.All(outcome.RetryReasons, r => Assert.Contains("could not connect", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_a_batch_refused_connections_are_Failed_not_Unknown_and_do_not_stop_the_batch()
    {
        using var client = ResilienceSupport.ClientFor(ClosedPortUri());

        var run = await ResilienceSupport.RunBatchAsync(client, new BulkOptions { ThrottleLimit = 4, Retry = ResilienceSupport.Fast(count: 2) }, ResilienceSupport.Rows(12));

        Assert.Null(run.StopError);
        Assert.Equal(12, run.Completions.Count);
        Assert.All(run.Completions, c =>
        {
            Assert.Equal(SendStatus.Failed, c.Result.Status);
            Assert.False(c.Result.PossiblyDelivered);
            Assert.Equal("JelouConnectionFailed", c.Result.ErrorId);
            Assert.Equal(3, c.Result.Attempts);
        });
        Assert.Equal(12, run.Progress.Failed);
    }

    [Fact]
    public async Task A_connection_dropped_before_the_body_was_read_is_possibly_delivered_and_not_retried()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.DropBeforeRead);
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3));

        // From the client's side a reset before the answer cannot be told apart from one after acceptance.
        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public async Task A_connection_dropped_after_acceptance_is_possibly_delivered_and_not_sent_twice()
    {
        await using var server = await FakeJelouServer.StartAsync();

        // Warm the connection pool first, so the drop happens on a reused connection (where SocketsHttpHandler resends some requests on its own).
        using var client = ResilienceSupport.ClientFor(server);
        Assert.True((await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), userId: "593700000009")).Succeeded);
        server.Faults.Enqueue(FakeResponse.DropAfterAccept);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3));

        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Contains("may have been delivered", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(2, server.Ledger.TotalRequests);
        var entry = Assert.Single(server.Ledger.Entries, e => e.UserId == "593700000001");
        Assert.True(entry.ResponseDropped);
    }

    [Fact]
    public async Task With_RetryPossiblyDelivered_a_dropped_answer_is_resent_and_the_retry_says_why()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(FakeResponse.DropAfterAccept);
        using var client = ResilienceSupport.ClientFor(server);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3, retryPossiblyDelivered: true));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(2, outcome.Attempts);
        var reason = Assert.Single(outcome.RetryReasons);
        Assert.Contains("-RetryPossiblyDelivered", reason, StringComparison.Ordinal);

        // The documented price of the switch: the message now exists twice.
        Assert.Equal([true, false], server.Ledger.Entries.Select(e => e.ResponseDropped));
    }

    [Fact]
    public async Task A_timeout_while_still_connecting_was_not_delivered_and_is_retried()
    {
        // The TLS handshake never completes, so no request can have left.
        await using var silent = new SilentListener();
        using var client = ResilienceSupport.ClientFor(silent.HttpsUri);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2) with { AttemptTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouConnectionFailed", outcome.Error.ErrorId);
        Assert.Contains("Could not connect to 127.0.0.1 within", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("The message was not sent.", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, outcome.RetryReasons.Count);
        Assert.All(outcome.RetryReasons, r => Assert.Contains("could not connect within", r, StringComparison.Ordinal));
        Assert.True(silent.Accepted >= 1, "the client never reached the listener");
    }

    [Fact]
    public async Task In_a_batch_timeouts_while_connecting_are_Failed_not_Unknown()
    {
        await using var silent = new SilentListener();
        using var client = ResilienceSupport.ClientFor(silent.HttpsUri);

        var retry = ResilienceSupport.Fast(count: 0) with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };
        var run = await ResilienceSupport.RunBatchAsync(client, new BulkOptions { ThrottleLimit = 4, Retry = retry }, ResilienceSupport.Rows(8));

        Assert.Null(run.StopError);
        Assert.Equal(8, run.Completions.Count);
        Assert.All(run.Completions, c =>
        {
            Assert.Equal(SendStatus.Failed, c.Result.Status);
            Assert.False(c.Result.PossiblyDelivered);
            Assert.Equal("JelouConnectionFailed", c.Result.ErrorId);
        });
    }

    [Fact]
    public async Task Cancelling_while_still_connecting_is_not_possibly_delivered()
    {
        await using var silent = new SilentListener();
        using var client = ResilienceSupport.ClientFor(silent.HttpsUri);
        using var cts = new CancellationTokenSource();

        var sending = ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 3), cts.Token);
        Assert.True(await ResilienceSupport.EventuallyAsync(() => silent.Accepted >= 1, TimeSpan.FromSeconds(10)), "the client never reached the listener");
        cts.Cancel();
        var outcome = await sending;

        Assert.Equal(JelouErrorKind.Cancelled, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Equal(1, outcome.Attempts);
    }

    [Fact]
    public async Task A_timeout_after_the_body_went_into_the_socket_stays_possibly_delivered()
    {
        // The same silent listener over plain http: the request is written, never answered.
        await using var silent = new SilentListener();
        using var client = ResilienceSupport.ClientFor(silent.HttpUri);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2) with { AttemptTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(JelouErrorKind.Timeout, outcome.Error?.Kind);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
        Assert.Empty(outcome.RetryReasons);
    }

    [Fact]
    public async Task A_transport_error_before_the_body_was_written_is_not_sent_whatever_its_type()
    {
        // An HttpRequestException with no detail, as Windows PowerShell reports some DNS and TLS failures.
        using var client = new JelouClient(Options(), new FailingHandler(), disposeHandler: true, ownHandler: true);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2));

        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(JelouErrorKind.Connection, outcome.Error?.Kind);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.Contains("Could not connect to 127.0.0.1: no route (test).", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("The message was not sent.", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, outcome.RetryReasons.Count);
    }

    [Fact]
    public async Task Over_a_handler_it_did_not_make_the_client_does_not_trust_an_unwritten_body()
    {
        using var client = new JelouClient(Options(), new FailingHandler(), disposeHandler: true);

        var outcome = await ResilienceSupport.SendAsync(client, ResilienceSupport.Fast(count: 2));

        Assert.Equal(1, outcome.Attempts);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Equal("JelouDeliveryUnknown", outcome.Error.ErrorId);
    }

    private static JelouClientOptions Options() => new(ResilienceSupport.Credential()) { BaseUri = new Uri("http://127.0.0.1:9/") };

    private static Uri ClosedPortUri() =>
        new("http://127.0.0.1:" + ResilienceSupport.ClosedPort().ToString(CultureInfo.InvariantCulture) + "/");

    /// <summary>Accepts TCP connections on 127.0.0.1 and never reads or writes: a TLS handshake to it never ends.</summary>
    private sealed class SilentListener : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> held = new();
        private readonly Task accepting;

        public SilentListener()
        {
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            HttpsUri = new Uri("https://127.0.0.1:" + port + "/");
            HttpUri = new Uri("http://127.0.0.1:" + port + "/");
            accepting = AcceptAsync();
        }

        public Uri HttpsUri { get; }

        public Uri HttpUri { get; }

        public int Accepted
        {
            get
            {
                lock (held)
                {
                    return held.Count;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            await accepting.ConfigureAwait(false);
            lock (held)
            {
                foreach (var connection in held)
                {
                    connection.Dispose();
                }
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var connection = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                    lock (held)
                    {
                        held.Add(connection);
                    }
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // Stopped.
            }
        }
    }

    /// <summary>Fails every request before reading its body, with an exception that names no cause.</summary>
    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException("no route (test)"));
    }
}
