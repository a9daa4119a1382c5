using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Jelou.Credentials;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Bench;

/// <summary>
/// <c>Jelou.Bench micro</c>: BenchmarkDotNet, in process, no network. Splits the client-side cost of one row into
/// validation, serialization, JelouClient (Polly pipeline, response parsing) and the engine, against a stub handler
/// that answers at once, so the difference between the engine and a plain HttpClient can be attributed.
/// </summary>
internal static class Micro
{
    public static int Run(string[] args)
    {
        IConfig config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "jelou-bench-artifacts"));
        BenchmarkSwitcher.FromTypes([typeof(RowBenchmarks), typeof(SendBenchmarks), typeof(PartBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return 0;
    }
}

/// <summary>What the cmdlet does per row before Submit, and the serialization the client does per send.</summary>
[MemoryDiagnoser]
public class RowBenchmarks
{
    private long row;

    /// <summary>BotMessageFields and TryBuild: the validation a CSV row goes through.</summary>
    [Benchmark]
    public BotMessage Build()
    {
        long r = ++row;
        return Workload.BuildRow(Workload.UserId(r), Workload.Text(r), out _);
    }

    /// <summary>The same plus the UTF-8 JSON body JelouClient sends.</summary>
    [Benchmark]
    public byte[] BuildAndSerialize()
    {
        long r = ++row;
        return BotMessageSerializer.Serialize(Workload.BuildRow(Workload.UserId(r), Workload.Text(r), out _));
    }
}

/// <summary>One send through each layer, against a handler that answers 200 with the API's success body at once.</summary>
[MemoryDiagnoser]
public class SendBenchmarks : IDisposable
{
    private const int Batch = 1000;
    private static readonly Uri BaseUri = new("http://127.0.0.1:1/");
    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
    private readonly Uri path = new("v1/bots/" + Workload.BotId + "/messages", UriKind.Relative);
    private HttpClient? plain;
    private JelouClient? client;
    private JelouClient? yieldingClient;
    private HttpClient? yieldingPlain;
    private byte[][] bodies = [];
    private BotMessage? message;

    [GlobalSetup]
    public void Setup()
    {
        var options = new JelouClientOptions(JelouCredential.FromPlainText(Workload.ClientId, Workload.ClientSecret)) { BaseUri = BaseUri };
        client = new JelouClient(options, new StubHandler(yield: false), disposeHandler: true);
        yieldingClient = new JelouClient(options, new StubHandler(yield: true), disposeHandler: true);
        plain = Workload.CreateCeilingClient(BaseUri, new StubHandler(yield: false));
        yieldingPlain = Workload.CreateCeilingClient(BaseUri, new StubHandler(yield: true));
        bodies = Workload.CeilingBodies();
        message = BotMessageBuilder.Build(new BotMessageFields { UserId = Workload.UserId(1), Text = Workload.Text(1) });
    }

    /// <summary>A plain HttpClient POST of a pre-serialized body: what the ceiling pays per request, minus the socket.</summary>
    [Benchmark(Baseline = true)]
    public async Task<HttpStatusCode> PlainHttpClientPost()
    {
        using var content = new ByteArrayContent(bodies[0]);
        content.Headers.ContentType = Json;
        using HttpResponseMessage response = await plain!.PostAsync(path, content).ConfigureAwait(false);
        return response.StatusCode;
    }

    /// <summary>JelouClient.SendBotMessageAsync of a built message: serialization, Polly pipeline, response parsing.</summary>
    [Benchmark]
    public async Task<string?> JelouClientSend()
    {
        SendOutcome outcome = await client!.SendBotMessageAsync(Workload.BotId, message!).ConfigureAwait(false);
        return outcome.MessageId;
    }

    /// <summary>1000 rows through the engine as the cmdlet drives it (the stub completes on the thread pool), per row.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public long EngineRow() => Workload.RunEngine(yieldingClient!, 1, Batch, 32).Sent;

    /// <summary>1000 pre-serialized posts, SemaphoreSlim(32), same yielding stub: the ceiling's loop, per row.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task<long> CeilingRow() => (await Workload.RunCeilingAsync(yieldingPlain!, bodies, Batch, 32).ConfigureAwait(false)).Sent;

    [GlobalCleanup]
    public void Dispose()
    {
        plain?.Dispose();
        client?.Dispose();
        yieldingClient?.Dispose();
        yieldingPlain?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class StubHandler(bool yield) : HttpMessageHandler
    {
        private static readonly byte[] Success = "{\"success\":true,\"messageId\":\"msg_1\"}"u8.ToArray();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (yield)
            {
                // Completes on the thread pool, as a real socket read does.
                await Task.Yield();
            }

            var content = new ByteArrayContent(Success);
            content.Headers.ContentType = Json;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
