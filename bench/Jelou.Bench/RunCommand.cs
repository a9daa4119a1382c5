using System.Diagnostics;
using System.Runtime;
using System.Text.Json;
using Jelou.Http;

namespace Jelou.Bench;

/// <summary>One measured run, as a child process reports it (the orchestrator adds the fake's side).</summary>
internal sealed record RunResult
{
    public required string Scenario { get; init; }

    public required long Rows { get; init; }

    public required int LatencyMs { get; init; }

    public required int Throttle { get; init; }

    public required long Sent { get; init; }

    public required long Failed { get; init; }

    public string? StopReason { get; init; }

    public required double ElapsedSeconds { get; init; }

    public double MessagesPerSecond => ElapsedSeconds > 0 ? Sent / ElapsedSeconds : 0;

    /// <summary>User + system CPU of the whole client process during the measured phase (all threads, GC included).</summary>
    public required double CpuSeconds { get; init; }

    public double CpuMicrosPerMessage => Rows > 0 ? CpuSeconds * 1e6 / Rows : 0;

    /// <summary>Process.PeakWorkingSet64 (VmHWM) at the end: the whole process life, warm-up and runtime included.</summary>
    public required double PeakWorkingSetMB { get; init; }

    /// <summary>Highest GC.GetTotalMemory(false) seen by a 50 ms sampler during the measured phase.</summary>
    public required double PeakManagedHeapMB { get; init; }

    /// <summary>GC.GetTotalMemory(true) after the run: what is still reachable (a leak would show here).</summary>
    public required double ManagedHeapAfterMB { get; init; }

    public required double AllocatedBytesPerMessage { get; init; }

    public required int Gen0 { get; init; }

    public required int Gen1 { get; init; }

    public required int Gen2 { get; init; }

    /// <summary>Threads in the process at the end (thread-pool growth shows here).</summary>
    public int Threads { get; init; }

    /// <summary>Methods the JIT has compiled in the process's life (tier-up over a long run shows here).</summary>
    public long JitMethods { get; init; }

    /// <summary>Methods compiled during the measured phase: near 0 when the warm-up let tier-up finish.</summary>
    public long JitMethodsDuringRun { get; init; }

    /// <summary>How long the warm-up took (it lasts until the JIT settles).</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>DOTNET_GCgen0size when the run had a fixed gen0 budget; null for the runtime's own choice.</summary>
    public string? Gen0Size { get; init; }

    // Filled in by the orchestrator.
    public int LedgerCount { get; init; } = -1;

    public int FakeMaxInFlight { get; init; } = -1;

    public int FakeTotalRequests { get; init; } = -1;

    public double FakeCpuSeconds { get; init; } = -1;

    public double FakeCpuMicrosPerMessage => FakeCpuSeconds >= 0 && Rows > 0 ? FakeCpuSeconds * 1e6 / Rows : -1;

    /// <summary>Share of both cores busy (all processes) during the measured phase, from /proc/stat.</summary>
    public double MachineBusyPercent { get; init; } = -1;

    /// <summary>CPU used by other processes during the measured phase, as a share of all cores: machine busy minus client and fake.</summary>
    public double OtherCpuPercent { get; init; } = -1;

    public double WallSeconds { get; init; } = -1;

    /// <summary>Earlier attempts of this run thrown away because other processes used too much CPU during them.</summary>
    public int DiscardedNoisy { get; init; }
}

/// <summary>
/// <c>Jelou.Bench run</c>: one scenario in this (fresh) process, so peak working set and CPU time are the scenario's own.
/// Warm-up at 0 ms latency first (JIT, connection pool), then at the measured latency, then the fake is reset and given the
/// latency, then the clock runs.
/// Prints MEASURE-START and MEASURE-END around the measured phase (the orchestrator samples the fake's CPU there), then
/// one RESULT line of JSON.
/// </summary>
internal static class RunCommand
{
    public const string StartMarker = "MEASURE-START";
    public const string EndMarker = "MEASURE-END";
    public const string ResultPrefix = "RESULT ";

    /// <summary>The longest the 0 ms warm-up phase lasts, JIT settled or not.</summary>
    private const double MaxWarmupSeconds = 6;

    /// <summary>The longest the warm-up phase at the measured latency lasts.</summary>
    private const double MaxLatencyWarmupSeconds = 5;

    /// <summary>Fewer new JIT compilations than this in a second counts as settled (a trickle goes on for a long time).</summary>
    private const int SettledJitPerSecond = 10;

    private static readonly Lazy<Polly.ResiliencePipeline<HttpResponseMessage>> Pipeline = new(Workload.JelouLikePipeline);

    public static async Task<int> RunAsync(Args args)
    {
        var kind = Enum.Parse<ScenarioKind>(args.Get("scenario", "engine"), ignoreCase: true);
        long rows = args.GetLong("rows", 1000);
        int latency = (int)args.GetLong("latency", 0);
        int throttle = (int)args.GetLong("throttle", 32);
        int warmup = (int)args.GetLong("warmup", 1000);
        double warmupSeconds = args.GetDouble("warmup-seconds", 2);
        double latencyWarmupSeconds = args.GetDouble("latency-warmup-seconds", 1.5);
        var baseUri = new Uri(args.Get("base-uri", string.Empty));

        var warmupTotal = Stopwatch.StartNew();
        double warmedFor;
        using var control = new FakeControl(baseUri);
        using JelouClient client = Workload.CreateClient(baseUri);
        using HttpClient plain = Workload.CreateCeilingClient(baseUri, kind == ScenarioKind.CeilingJelouHandler ? Workload.JelouLikeHandler() : null, kind == ScenarioKind.CeilingSameHeaders);
        byte[][]? bodies = kind is ScenarioKind.Ceiling or ScenarioKind.CeilingJelouHandler or ScenarioKind.CeilingPolly or ScenarioKind.CeilingSameHeaders ? Workload.CeilingBodies() : null;

        // Warm-up: same code path, rows numbered after the measured ones. First at 0 ms, then (latency > 0) at the measured
        // latency, where requests complete asynchronously and Submit blocks on full slots: code paths the 0 ms phase never
        // takes. Each phase lasts at least its minimum and goes on while the JIT is still compiling methods, so tier-up with
        // dynamic PGO (seconds of background JIT on two busy cores) does not land in the measurement. Limits: 0 ms at least
        // --warmup-seconds, at most 6 s; measured latency at least --latency-warmup-seconds, at most 5 s.
        long nextRow = rows + 1;
        if (warmupSeconds <= 0)
        {
            // A memory run: one batch at 0 ms (connections, first JIT), as little heap and code growth as possible.
            await control.SetLatencyAsync(0).ConfigureAwait(false);
            SendCounts warm = await SendAsync(kind, client, plain, bodies, nextRow, warmup, throttle).ConfigureAwait(false);
            if (warm.Failed > 0 || warm.Sent != warmup)
            {
                await Console.Error.WriteLineAsync($"Warm-up failed: {warm}").ConfigureAwait(false);
                return 1;
            }
        }

        foreach ((int phaseLatency, double minimum, int batch) in warmupSeconds <= 0 ? [] : new[]
        {
            (0, warmupSeconds, warmup),
            (latency, latency > 0 ? latencyWarmupSeconds : 0, kind == ScenarioKind.Sequential ? 5 : throttle * 4),
        })
        {
            if (minimum <= 0)
            {
                continue;
            }

            await control.SetLatencyAsync(phaseLatency).ConfigureAwait(false);
            var phaseClock = Stopwatch.StartNew();
            var window = Stopwatch.StartNew();
            long jitAtWindow = JitInfo.GetCompiledMethodCount();
            while (true)
            {
                SendCounts warm = await SendAsync(kind, client, plain, bodies, nextRow, batch, throttle).ConfigureAwait(false);
                if (warm.Failed > 0 || warm.Sent != batch)
                {
                    await Console.Error.WriteLineAsync($"Warm-up at {phaseLatency} ms failed: {warm}").ConfigureAwait(false);
                    return 1;
                }

                nextRow += batch;
                if (phaseClock.Elapsed.TotalSeconds >= (phaseLatency == 0 ? MaxWarmupSeconds : MaxLatencyWarmupSeconds))
                {
                    break;
                }

                if (window.Elapsed.TotalSeconds >= 1)
                {
                    long jit = JitInfo.GetCompiledMethodCount();
                    bool settled = jit - jitAtWindow < SettledJitPerSecond;
                    if (settled && phaseClock.Elapsed.TotalSeconds >= minimum)
                    {
                        break;
                    }

                    jitAtWindow = jit;
                    window.Restart();
                }
            }
        }

        warmedFor = warmupTotal.Elapsed.TotalSeconds;
        await Task.Delay(500).ConfigureAwait(false);

        await control.ResetAsync().ConfigureAwait(false);
        await control.SetLatencyAsync(latency).ConfigureAwait(false);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        long peakHeap = GC.GetTotalMemory(false);
        using var sampler = new Timer(_ => InterlockedMax(ref peakHeap, GC.GetTotalMemory(false)), null, 0, 50);
        long jitBefore = JitInfo.GetCompiledMethodCount();
        int gen0 = GC.CollectionCount(0);
        int gen1 = GC.CollectionCount(1);
        int gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        self.Refresh();
        TimeSpan cpu = self.TotalProcessorTime;
        Console.Out.WriteLine(StartMarker);
        var clock = Stopwatch.StartNew();

        SendCounts counts = await SendAsync(kind, client, plain, bodies, 1, rows, throttle).ConfigureAwait(false);

        clock.Stop();
        self.Refresh();
        TimeSpan cpuAfter = self.TotalProcessorTime;
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        int gen0After = GC.CollectionCount(0);
        int gen1After = GC.CollectionCount(1);
        int gen2After = GC.CollectionCount(2);
        Console.Out.WriteLine(EndMarker);
        await sampler.DisposeAsync().ConfigureAwait(false);
        InterlockedMax(ref peakHeap, GC.GetTotalMemory(false));
        var result = new RunResult
        {
            Scenario = kind.ToString().ToLowerInvariant(),
            Rows = rows,
            LatencyMs = latency,
            Throttle = kind == ScenarioKind.Sequential ? 1 : throttle,
            Sent = counts.Sent,
            Failed = counts.Failed,
            StopReason = counts.StopReason,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            CpuSeconds = (cpuAfter - cpu).TotalSeconds,
            PeakWorkingSetMB = self.PeakWorkingSet64 / 1048576.0,
            PeakManagedHeapMB = Interlocked.Read(ref peakHeap) / 1048576.0,
            ManagedHeapAfterMB = GC.GetTotalMemory(true) / 1048576.0,
            AllocatedBytesPerMessage = (allocatedAfter - allocated) / (double)Math.Max(1, rows),
            Gen0 = gen0After - gen0,
            Gen1 = gen1After - gen1,
            Gen2 = gen2After - gen2,
            Threads = self.Threads.Count,
            JitMethods = JitInfo.GetCompiledMethodCount(),
            JitMethodsDuringRun = JitInfo.GetCompiledMethodCount() - jitBefore,
            WarmupSeconds = warmedFor,
            Gen0Size = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") is { Length: > 0 } g ? g : null,
        };
        Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        return counts.Failed == 0 && counts.Sent == rows ? 0 : 1;
    }

    /// <summary>Runs a scenario; the engine on a dedicated thread, as PowerShell's pipeline thread drives it.</summary>
    public static Task<SendCounts> SendAsync(ScenarioKind kind, JelouClient client, HttpClient plain, byte[][]? bodies, long firstRow, long rows, int throttle)
    {
        switch (kind)
        {
            case ScenarioKind.Engine:
            case ScenarioKind.EngineJournal:
                var done = new TaskCompletionSource<SendCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
                var thread = new Thread(() =>
                {
                    try
                    {
                        done.SetResult(Workload.RunEngine(client, firstRow, rows, throttle, journaled: kind == ScenarioKind.EngineJournal));
                    }
#pragma warning disable CA1031 // The exception is handed to the awaiting caller.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        done.SetException(ex);
                    }
                })
                {
                    Name = "pipeline",
                    IsBackground = true,
                };
                thread.Start();
                return done.Task;
            case ScenarioKind.Sequential:
                return Workload.RunSequentialAsync(client, firstRow, rows);
            case ScenarioKind.Ceiling:
            case ScenarioKind.CeilingJelouHandler:
            case ScenarioKind.CeilingSameHeaders:
                return Workload.RunCeilingAsync(plain, bodies ?? Workload.CeilingBodies(), rows, throttle);
            case ScenarioKind.CeilingPolly:
                return Workload.RunCeilingPollyAsync(plain, Pipeline.Value, bodies ?? Workload.CeilingBodies(), rows, throttle);
            case ScenarioKind.Client:
                return Workload.RunClientAsync(client, firstRow, rows, throttle);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen = Interlocked.Read(ref target);
        while (value > seen)
        {
            long previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
