using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jelou.FakeApi;

/// <summary>
/// An in-process fake of the Jelou message-sending API on 127.0.0.1, with a ledger of what it accepted and injectable faults.
/// Each instance is independent; start as many as needed in one process.
/// </summary>
public sealed class FakeJelouServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private FakeJelouServer(WebApplication app, CancellationTokenSource stopping, FakeJelouOptions options, FakeLedger ledger,
        FakeFaults faults, FakeTemplateCatalogue templates, FakeCampaignStore campaigns, int port)
    {
        Templates = templates;
        Campaigns = campaigns;
        _app = app;
        _stopping = stopping;
        Options = options;
        Ledger = ledger;
        Faults = faults;
        Port = port;
        BaseUri = new Uri("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");
    }

    /// <summary>Base address with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The port actually bound.</summary>
    public int Port { get; }

    /// <summary>The options the server was started with (the same instance that was passed in).</summary>
    public FakeJelouOptions Options { get; }

    /// <summary>Accepted messages and request counters.</summary>
    public FakeLedger Ledger { get; }

    /// <summary>Fault injection; may be changed while the server runs.</summary>
    public FakeFaults Faults { get; }

    /// <summary>The templates GET /v1/bots/{botId}/templates lists; may be changed while the server runs.</summary>
    public FakeTemplateCatalogue Templates { get; }

    /// <summary>The campaigns uploaded (POST /v1/hsm/file) and listed (GET /v1/campaigns); its step time may be changed while the server runs.</summary>
    public FakeCampaignStore Campaigns { get; }

    /// <summary>Starts a server and returns once it is listening.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeJelouServer> StartAsync(FakeJelouOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeJelouOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);

        var ledger = new FakeLedger();
        var faults = new FakeFaults(options.Seed);
        var stopping = new CancellationTokenSource();
        var templates = new FakeTemplateCatalogue(options.ExtraTemplateCount);
        var campaigns = new FakeCampaignStore(options, templates);
        var handler = new FakeRequestHandler(options, ledger, faults, templates, campaigns, stopping.Token);

        // The empty builder reads no configuration or environment (so ASPNETCORE_URLS cannot move the port) and logs nothing.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;

            // Under benchmark load on two cores a starved client can fall below the default data rates; that must not drop requests.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });

        // Many servers may live in one test process: none of them may hook Ctrl+C/SIGTERM the way the console lifetime does.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);

        WebApplication app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
            int port = BoundPort(app);
            return new FakeJelouServer(app, stopping, options, ledger, faults, templates, campaigns, port);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server; requests still waiting on simulated latency are abandoned.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel has aborted whatever was still open; nothing more to wait for.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static int BoundPort(WebApplication app)
    {
        IServerAddressesFeature? feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        string? address = feature?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out Uri? uri))
        {
            throw new InvalidOperationException("Kestrel did not report the address it bound.");
        }

        return uri.Port;
    }

    private sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
