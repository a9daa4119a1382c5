using System.Net;
using System.Net.Sockets;
using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;

namespace Jelou.Tests;

/// <summary>Shared helpers for the core tests: credentials, clients and a closed port.</summary>
internal static class CoreTestSupport
{
    public const string BotId = "bot-1";

    public static JelouCredential DefaultCredential() => JelouCredential.FromPlainText("test-client", "test-secret");

    public static JelouClient ClientFor(FakeJelouServer server, JelouCredential? credential = null) =>
        new(new JelouClientOptions(credential ?? DefaultCredential()) { BaseUri = server.BaseUri });

    public static JelouClient ClientFor(Uri baseUri) =>
        new(new JelouClientOptions(DefaultCredential()) { BaseUri = baseUri });

    /// <summary>Retries off: one request per send, whatever the answer.</summary>
    public static SendRequestOptions NoRetry { get; } = new() { Retry = new RetrySettings { MaximumRetryCount = 0 } };

    /// <summary>Default retries but short backoff, so retry tests stay fast.</summary>
    public static SendRequestOptions FastRetry(int count = 3, bool retryPossiblyDelivered = false) => new()
    {
        Retry = new RetrySettings
        {
            MaximumRetryCount = count,
            RetryInterval = TimeSpan.FromMilliseconds(20),
            RetryPossiblyDelivered = retryPossiblyDelivered,
        },
    };

    public static TextMessage Text(string userId = "593999000001", string text = "hola") => new(userId, text);

    /// <summary>A port on 127.0.0.1 where nothing listens (bound once, then released).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>One fake server shared by the tests of a class (tests of one class never run in parallel).</summary>
public sealed class FakeServerFixture : IAsyncLifetime
{
    private FakeJelouServer? server;

    public FakeJelouServer Server => server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Clears faults and the ledger so a test starts from a clean server.</summary>
    public FakeJelouServer Fresh()
    {
        Server.Faults.Clear();
        Server.Ledger.Reset();
        return Server;
    }

    public async ValueTask InitializeAsync() => server = await FakeJelouServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
