using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Jelou.Bench;

/// <summary>One run to make, with a rough duration estimate used for skipping, repeating and the child's time limit.</summary>
internal sealed record PlannedRun(ScenarioKind Kind, long Rows, int LatencyMs, int Throttle, double EstimatedSeconds, int Repeat, string? Gen0Size)
{
    public string? SkipReason { get; set; }

    public (ScenarioKind, int, long, string?) Key => (Kind, LatencyMs, Rows, Gen0Size);

    /// <summary>A memory run: fresh process, a 200-row warm-up only, GC as named by <see cref="Gen0Size"/>.</summary>
    public bool IsMemory => Gen0Size is not null;

    public override string ToString() =>
        $"{Kind.ToString().ToLowerInvariant()} {Rows} rows at {LatencyMs} ms" + (Gen0Size is null ? string.Empty : $" (memory, gen0 {Gen0Size})");
}

/// <summary>
/// <c>Jelou.Bench all</c>: starts the fake API as its own process, then runs every planned scenario in a fresh child
/// process, samples the fake's CPU and the machine's load around each measured phase, checks the fake's ledger, and
/// prints the tables and the verdict on the targets.
/// </summary>
internal static class Orchestrator
{
    /// <summary>A guess of the 0 ms rate on two shared cores, only for estimates (skips and timeouts), never reported.</summary>
    private const double GuessZeroLatencyRate = 30_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(Args args)
    {
        var settings = new Settings(args);
        List<PlannedRun> plan = Plan(settings);
        double estimate = plan.Where(p => p.SkipReason is null).Sum(p => p.Repeat * (p.EstimatedSeconds + (p.IsMemory ? 0 : 5 + (p.LatencyMs > 0 ? 3 : 0)) + 2.5));
        Log($"Plan: {plan.Count(p => p.SkipReason is null)} configurations, about {estimate / 60:0.0} min (estimate), budget {settings.BudgetMinutes:0} min.");
        foreach (PlannedRun skipped in plan.Where(p => p.SkipReason is not null))
        {
            Log($"  skipped {skipped}: {skipped.SkipReason}");
        }

        var started = DateTimeOffset.Now;
        var total = Stopwatch.StartNew();
        var results = new Dictionary<PlannedRun, List<RunResult>>();
        string fakeCommand;
        using (FakeProcess fake = FakeProcess.Start(settings.FakeDll, 0))
        using (var control = new FakeControl(fake.BaseUri))
        {
            fakeCommand = fake.CommandLine;
            Log($"Fake API (pid {fake.Id}): {fake.CommandLine} -> {fake.BaseUri}");
            foreach (IGrouping<(int, long, string?), PlannedRun> group in plan.Where(p => p.SkipReason is null).GroupBy(p => (p.LatencyMs, p.Rows, p.Gen0Size)))
            {
                int rounds = group.Max(p => p.Repeat);
                for (int round = 0; round < rounds; round++)
                {
                    // Interleaved (engine, ceiling, sequential, engine, ...) so drift on the machine hits every scenario alike.
                    foreach (PlannedRun run in group.Where(p => round < p.Repeat))
                    {
                        double left = (settings.BudgetMinutes * 60) - total.Elapsed.TotalSeconds;
                        if (run.EstimatedSeconds > settings.MaxRunSeconds && run.EstimatedSeconds + 6 + 5 + 3 > left)
                        {
                            run.SkipReason = $"about {run.EstimatedSeconds:0} s, and only {left:0} s of the {settings.BudgetMinutes:0}-minute budget were left";
                            Log($"  skipped {run}: {run.SkipReason}");
                            continue;
                        }

                        RunResult result = await RunCleanAsync(run, fake, control, settings).ConfigureAwait(false);
                        (results.TryGetValue(run, out var list) ? list : results[run] = []).Add(result);
                        Log($"  {run} #{round + 1}: {result.MessagesPerSecond,9:0.0} msg/s, {result.ElapsedSeconds,7:0.00} s, peak WS {result.PeakWorkingSetMB:0.0} MB, "
                            + $"CPU {result.CpuMicrosPerMessage:0} us/msg, fake CPU {result.FakeCpuMicrosPerMessage:0} us/msg, machine {result.MachineBusyPercent:0}% busy "
                            + $"(other {result.OtherCpuPercent:0}%), ledger {result.LedgerCount}, max in flight {result.FakeMaxInFlight}");
                    }
                }
            }
        }

        total.Stop();
        string report = Report(results, plan, settings, started, total.Elapsed, fakeCommand);
        await Console.Out.WriteLineAsync(report).ConfigureAwait(false);
        if (settings.OutPath is { } outPath)
        {
            await File.WriteAllTextAsync(outPath, report).ConfigureAwait(false);
        }

        if (settings.JsonPath is { } jsonPath)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results.SelectMany(r => r.Value), new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }

        bool allSent = results.SelectMany(r => r.Value).All(r => r.Failed == 0 && r.Sent == r.Rows && r.LedgerCount == r.Rows);
        return allSent ? 0 : 1;
    }

    private static List<PlannedRun> Plan(Settings s)
    {
        var plan = new List<PlannedRun>();

        // Memory first (quick, at 0 ms), so the long runs at the end see the real time left: a fresh process with a short
        // warm-up, as a fresh pwsh would be, once with the runtime's own gen0 budget and once with a fixed one.
        foreach (string gen0 in (s.Memory ? new[] { Settings.DefaultGen0, s.Gen0Size } : []).OfType<string>().Distinct())
        {
            foreach (long rows in s.Rows)
            {
                foreach (ScenarioKind kind in new[] { ScenarioKind.Engine, ScenarioKind.Ceiling })
                {
                    plan.Add(new PlannedRun(kind, rows, 0, s.Throttle, Estimate(kind, rows, 0, s.Throttle), 1, gen0));
                }
            }
        }

        foreach (int latency in s.Latencies)
        {
            foreach (long rows in s.Rows)
            {
                ScenarioKind[] kinds = latency == 0 && s.DiagnosticRows.Contains(rows)
                    ? [ScenarioKind.Engine, ScenarioKind.Ceiling, ScenarioKind.Sequential, ScenarioKind.Client, ScenarioKind.CeilingPolly, ScenarioKind.CeilingSameHeaders]
                    : [ScenarioKind.Engine, ScenarioKind.Ceiling, ScenarioKind.Sequential];
                foreach (ScenarioKind kind in kinds)
                {
                    double estimate = Estimate(kind, rows, latency, s.Throttle);
                    // Repeats only where the noise is: at 0 ms, where runs are CPU-bound and short. Runs at a latency are
                    // bounded by it (min–max within 3% in trials); diagnostics run once.
                    bool diagnostic = kind is ScenarioKind.Client or ScenarioKind.CeilingPolly or ScenarioKind.CeilingSameHeaders;
                    int repeats = latency == 0 && !diagnostic && estimate < s.RepeatUnder ? Math.Max(1, s.Repeat) : 1;
                    var run = new PlannedRun(kind, rows, latency, kind == ScenarioKind.Sequential ? 1 : s.Throttle, estimate, repeats, null);
                    if (kind == ScenarioKind.Sequential && !(rows <= 1000 || (latency == 0 && rows <= 10_000)))
                    {
                        run.SkipReason = $"one request at a time would take about {estimate:0} s; the sequential baseline runs only at 1k rows, and 10k at 0 ms";
                    }
                    else if (estimate > s.MaxRunSeconds && !(s.LongRuns == "all" || (s.LongRuns == "engine" && kind == ScenarioKind.Engine)))
                    {
                        run.SkipReason = $"about {estimate:0} s (over {s.MaxRunSeconds:0} s); its rate is bounded by {s.Throttle} in flight / {latency} ms like the 10k run, so it would cost minutes and add no information (--long all to include it)";
                    }

                    plan.Add(run);
                }
            }
        }

        return plan;
    }

    private static double Estimate(ScenarioKind kind, long rows, int latency, int throttle) => kind switch
    {
        ScenarioKind.Sequential => rows * (latency + 0.2) / 1000.0,
        _ when latency == 0 => rows / GuessZeroLatencyRate,
        _ => rows / (throttle * 1000.0 / latency),
    };

    /// <summary>
    /// Runs a child; when other processes took more than --max-other-percent of the machine during the measured phase, runs
    /// it again (short runs only, up to two more times) and keeps the cleanest attempt.
    /// </summary>
    private static async Task<RunResult> RunCleanAsync(PlannedRun run, FakeProcess fake, FakeControl control, Settings s)
    {
        RunResult best = await RunChildAsync(run, fake, control, s).ConfigureAwait(false);
        int discarded = 0;
        for (int attempt = 1; attempt <= 2 && best.OtherCpuPercent > s.MaxOtherPercent && run.EstimatedSeconds <= 90; attempt++)
        {
            Log($"    other processes used {best.OtherCpuPercent:0}% of the machine during {run}; running it again.");
            RunResult again = await RunChildAsync(run, fake, control, s).ConfigureAwait(false);
            discarded++;
            best = again.OtherCpuPercent < best.OtherCpuPercent ? again : best;
        }

        return best with { DiscardedNoisy = discarded };
    }

    /// <summary>
    /// Waits (up to --quiet-wait) until the machine is nearly idle for a second, so another process's build or test run does
    /// not land in a measurement.
    /// </summary>
    private static async Task WaitForQuietAsync(Settings s)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            CpuTimes start = CpuTimes.Read();
            await Task.Delay(1000).ConfigureAwait(false);
            double busy = CpuTimes.Read().BusyPercentSince(start);
            if (busy < s.QuietPercent)
            {
                if (clock.Elapsed.TotalSeconds > 2)
                {
                    Log($"    waited {clock.Elapsed.TotalSeconds:0} s for other processes to quiet down.");
                }

                return;
            }

            if (clock.Elapsed >= s.QuietWait)
            {
                Log($"    machine still {busy:0}% busy after {s.QuietWait.TotalSeconds:0} s of waiting; measuring anyway (see 'Other CPU').");
                return;
            }
        }
    }

    private static async Task<RunResult> RunChildAsync(PlannedRun run, FakeProcess fake, FakeControl control, Settings s)
    {
        await control.ResetAsync().ConfigureAwait(false);
        await WaitForQuietAsync(s).ConfigureAwait(false);
        string[] childArgs =
        [
            "run", "--scenario", run.Kind.ToString().ToLowerInvariant(), "--rows", run.Rows.ToString(Inv),
            "--latency", run.LatencyMs.ToString(Inv), "--throttle", run.Throttle.ToString(Inv),
            "--base-uri", fake.BaseUri.AbsoluteUri,
            "--warmup", (run.IsMemory ? Settings.MemoryWarmup : s.Warmup).ToString(Inv),
            "--warmup-seconds", (run.IsMemory ? 0 : s.WarmupSeconds).ToString(Inv),
            "--latency-warmup-seconds", s.LatencyWarmupSeconds.ToString(Inv),
        ];
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(Orchestrator).Assembly.Location);
        }

        foreach (string arg in childArgs)
        {
            info.ArgumentList.Add(arg);
        }

        if (run.Gen0Size is not null and not Settings.DefaultGen0)
        {
            info.Environment["DOTNET_GCgen0size"] = run.Gen0Size;
        }

        using var child = Process.Start(info) ?? throw new InvalidOperationException("Could not start a child run.");
        var wall = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds((run.EstimatedSeconds * 3) + 6 + 5 + 120);
        using var watchdog = new Timer(_ =>
        {
            try
            {
                child.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }, null, limit, Timeout.InfiniteTimeSpan);

        TimeSpan fakeCpuStart = TimeSpan.Zero;
        TimeSpan fakeCpuEnd = TimeSpan.Zero;
        CpuTimes machineStart = default;
        CpuTimes machineEnd = default;
        RunResult? result = null;
        while (await child.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == RunCommand.StartMarker)
            {
                fakeCpuStart = fake.CpuTime();
                machineStart = CpuTimes.Read();
            }
            else if (line == RunCommand.EndMarker)
            {
                fakeCpuEnd = fake.CpuTime();
                machineEnd = CpuTimes.Read();
            }
            else if (line.StartsWith(RunCommand.ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<RunResult>(line[RunCommand.ResultPrefix.Length..]);
            }
            else
            {
                Log("    child: " + line);
            }
        }

        await child.WaitForExitAsync().ConfigureAwait(false);
        wall.Stop();
        if (result is null)
        {
            throw new InvalidOperationException($"{run}: the child exited with {child.ExitCode} and no result (time limit {limit.TotalSeconds:0} s).");
        }

        LedgerHead ledger = await control.ReadLedgerHeadAsync().ConfigureAwait(false);
        await control.ResetAsync().ConfigureAwait(false);
        double fakeCpu = (fakeCpuEnd - fakeCpuStart).TotalSeconds;
        return result with
        {
            LedgerCount = ledger.Count,
            FakeMaxInFlight = ledger.MaxInFlight,
            FakeTotalRequests = ledger.TotalRequests,
            FakeCpuSeconds = fakeCpu,
            MachineBusyPercent = machineEnd.BusyPercentSince(machineStart),
            OtherCpuPercent = machineEnd.OtherPercentSince(machineStart, result.CpuSeconds + fakeCpu),
            WallSeconds = wall.Elapsed.TotalSeconds,
        };
    }

    private static string Report(Dictionary<PlannedRun, List<RunResult>> results, List<PlannedRun> plan, Settings s, DateTimeOffset started, TimeSpan elapsed, string fakeCommand)
    {
        // The run with the median rate stands for its configuration (all its metrics come from that one run).
        var median = results.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key.Key, r => (Run: Median(r.Value), All: r.Value));
        RunResult? Get(ScenarioKind kind, int latency, long rows, string? gen0 = null) =>
            median.TryGetValue((kind, latency, rows, gen0), out var m) ? m.Run : null;

        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"Started {started:yyyy-MM-dd HH:mm:ss zzz}; total bench time {elapsed.TotalMinutes:0.0} min; ThrottleLimit {s.Throttle}; "
            + $"warm-up per child: batches of {s.Warmup} rows at 0 ms for at least {s.WarmupSeconds:0.#} s, then (latency > 0) batches at the run's latency for at least {s.LatencyWarmupSeconds:0.#} s, each phase extended (to at most 6 s and 5 s) until a second passes with fewer than 10 new JIT compilations, then 0.5 s idle; fake: `{fakeCommand}`.");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Throughput (each run in a fresh process after the warm-up; at 0 ms, configurations shorter than {s.RepeatUnder:0.#} s run {s.Repeat} times and the run with the median rate is shown):");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Latency | Rows | Runs | msg/s (median) | min–max | Reference msg/s | Ratio | Client CPU µs/msg | Fake CPU µs/msg | Machine busy | Other CPU | Max in flight | Peak WS MB | Peak heap MB | Heap after MB | Alloc B/msg | GCs 0/1/2 | JIT in run | Warm-up s | Threads | Ledger ok |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var (key, (run, all)) in median.Where(m => m.Key.Item4 is null).OrderBy(m => m.Key.Item2).ThenBy(m => m.Key.Item3).ThenBy(m => m.Key.Item1))
        {
            var (kind, latency, rows, _) = key;
            string name = kind is ScenarioKind.Client or ScenarioKind.CeilingPolly or ScenarioKind.CeilingSameHeaders ? kind + " (diagnostic)" : kind.ToString();
            (string refText, double? reference) = Reference(kind, latency, rows, s.Throttle, Get);
            string ratio = reference is { } r && r > 0 ? (run.MessagesPerSecond / r).ToString("P1", Inv) : "—";
            sb.AppendLine(Inv,
                $"| {name} | {latency} ms | {rows:N0} | {all.Count} | {run.MessagesPerSecond:N0} | {all.Min(x => x.MessagesPerSecond):N0}–{all.Max(x => x.MessagesPerSecond):N0} | {refText} | {ratio} | "
                + $"{run.CpuMicrosPerMessage:0} | {run.FakeCpuMicrosPerMessage:0} | {run.MachineBusyPercent:0}% | {run.OtherCpuPercent:0}% | {run.FakeMaxInFlight} | "
                + $"{run.PeakWorkingSetMB:0.0} | {run.PeakManagedHeapMB:0.0} | {run.ManagedHeapAfterMB:0.0} | {run.AllocatedBytesPerMessage:N0} | "
                + $"{run.Gen0}/{run.Gen1}/{run.Gen2} | {run.JitMethodsDuringRun:N0} | {run.WarmupSeconds:0.0} | {run.Threads} | {LedgerOk(all)} |");
        }

        if (!median.Keys.Any(k => k.Item4 is not null))
        {
            return AppendRest(sb, results, plan, s, median, Get);
        }

        sb.AppendLine();
        sb.AppendLine(Inv, $"Memory (each run in a fresh process, {Settings.MemoryWarmup}-row warm-up, 0 ms latency, ThrottleLimit {s.Throttle}):");
        sb.AppendLine();
        sb.AppendLine("| Scenario | GC gen0 budget | Rows | msg/s | Peak WS MB | Peak heap MB | Heap after MB | Alloc B/msg | GCs 0/1/2 | JIT methods | Threads | Client CPU µs/msg | Other CPU | Ledger ok |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var (key, (run, all)) in median.Where(m => m.Key.Item4 is not null).OrderBy(m => m.Key.Item4 != Settings.DefaultGen0).ThenBy(m => m.Key.Item1).ThenBy(m => m.Key.Item3))
        {
            var (kind, _, rows, gen0) = key;
            string budget = gen0 == Settings.DefaultGen0 ? "runtime's choice" : $"DOTNET_GCgen0size={gen0}";
            sb.AppendLine(Inv,
                $"| {kind} | {budget} | {rows:N0} | {run.MessagesPerSecond:N0} | {run.PeakWorkingSetMB:0.0} | {run.PeakManagedHeapMB:0.0} | {run.ManagedHeapAfterMB:0.0} | "
                + $"{run.AllocatedBytesPerMessage:N0} | {run.Gen0}/{run.Gen1}/{run.Gen2} | {run.JitMethods:N0} | {run.Threads} | {run.CpuMicrosPerMessage:0} | {run.OtherCpuPercent:0}% | {LedgerOk(all)} |");
        }

        return AppendRest(sb, results, plan, s, median, Get);
    }

    private static string AppendRest(
        StringBuilder sb,
        Dictionary<PlannedRun, List<RunResult>> results,
        List<PlannedRun> plan,
        Settings s,
        Dictionary<(ScenarioKind, int, long, string?), (RunResult Run, List<RunResult> All)> median,
        Func<ScenarioKind, int, long, string?, RunResult?> get)
    {
        RunResult? Get(ScenarioKind kind, int latency, long rows, string? gen0 = null) => get(kind, latency, rows, gen0);
        int noisy = results.Values.SelectMany(v => v).Sum(r => r.DiscardedNoisy);
        sb.AppendLine();
        sb.AppendLine(Inv, $"Attempts discarded because other processes used more than {s.MaxOtherPercent:0}% of the machine: {noisy}.");

        List<PlannedRun> skipped = plan.Where(p => p.SkipReason is not null).ToList();
        if (skipped.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Not run:");
            foreach (PlannedRun p in skipped)
            {
                sb.AppendLine(Inv, $"- {p}: {p.SkipReason}.");
            }
        }

        sb.AppendLine();
        sb.AppendLine("Targets (reported, not asserted):");
        sb.AppendLine();
        sb.AppendLine("| Target | Rows | Measured | Goal | Met |");
        sb.AppendLine("|---|---:|---:|---:|:---:|");
        double theoretical20 = s.Throttle * 1000.0 / 20;
        long[] rowCounts = median.Keys.Where(k => k.Item4 is null).Select(k => k.Item3).Distinct().Order().ToArray();
        foreach (long rows in rowCounts)
        {
            if (Get(ScenarioKind.Engine, 20, rows) is { } e20)
            {
                double ratio = e20.MessagesPerSecond / theoretical20;
                sb.AppendLine(Inv, $"| Engine at 20 ms vs {s.Throttle}/20 ms = {theoretical20:N0} msg/s | {rows:N0} | {ratio:P1} ({e20.MessagesPerSecond:N0} msg/s) | ≥ 90% | {(ratio >= 0.9 ? "yes" : "NO")} |");
            }
        }

        foreach (long rows in rowCounts)
        {
            if (Get(ScenarioKind.Engine, 0, rows) is { } e0 && Get(ScenarioKind.Ceiling, 0, rows) is { } c0)
            {
                double ratio = e0.MessagesPerSecond / c0.MessagesPerSecond;
                sb.AppendLine(Inv, $"| Engine at 0 ms vs plain HttpClient ({c0.MessagesPerSecond:N0} msg/s) | {rows:N0} | {ratio:P1} ({e0.MessagesPerSecond:N0} msg/s) | ≥ 90% | {(ratio >= 0.9 ? "yes" : "NO")} |");
            }
        }

        if (rowCounts.Length >= 2)
        {
            long small = rowCounts[0];
            long large = rowCounts[^1];
            string WsRatio(string what, RunResult? sm, RunResult? lg, RunResult? cs, RunResult? cl)
            {
                if (sm is null || lg is null)
                {
                    return string.Empty;
                }

                double ratio = lg.PeakWorkingSetMB / sm.PeakWorkingSetMB;
                string ceiling = cs is not null && cl is not null ? $"; plain HttpClient {cl.PeakWorkingSetMB / cs.PeakWorkingSetMB:0.00}×" : string.Empty;
                return string.Create(Inv, $"| Engine peak WS {large:N0} / {small:N0} rows, {what} | {large:N0} | {ratio:0.00}× ({lg.PeakWorkingSetMB:0.0} / {sm.PeakWorkingSetMB:0.0} MB{ceiling}) | ≤ 1.20× | {(ratio <= 1.2 ? "yes" : "NO")} |") + Environment.NewLine;
            }

            foreach (string? gen0 in new[] { Settings.DefaultGen0, s.Gen0Size })
            {
                if (gen0 is not null)
                {
                    string what = gen0 == Settings.DefaultGen0 ? "memory runs, runtime's gen0 budget" : $"memory runs, DOTNET_GCgen0size={gen0}";
                    sb.Append(WsRatio(what, Get(ScenarioKind.Engine, 0, small, gen0), Get(ScenarioKind.Engine, 0, large, gen0), Get(ScenarioKind.Ceiling, 0, small, gen0), Get(ScenarioKind.Ceiling, 0, large, gen0)));
                }
            }

            foreach (int latency in median.Keys.Where(k => k.Item4 is null).Select(k => k.Item2).Distinct().Order())
            {
                sb.Append(WsRatio($"throughput runs (after the timed warm-up) at {latency} ms", Get(ScenarioKind.Engine, latency, small), Get(ScenarioKind.Engine, latency, large), Get(ScenarioKind.Ceiling, latency, small), Get(ScenarioKind.Ceiling, latency, large)));
            }
        }

        return sb.ToString();
    }

    private static (string Text, double? Value) Reference(ScenarioKind kind, int latency, long rows, int throttle, Func<ScenarioKind, int, long, string?, RunResult?> get)
    {
        if (latency > 0)
        {
            int inFlight = kind == ScenarioKind.Sequential ? 1 : throttle;
            double theoretical = inFlight * 1000.0 / latency;
            return ($"{theoretical:N0} ({inFlight}/{latency} ms)", theoretical);
        }

        if (kind != ScenarioKind.Ceiling && get(ScenarioKind.Ceiling, 0, rows, null) is { } ceiling)
        {
            return ($"{ceiling.MessagesPerSecond:N0} (plain HttpClient)", ceiling.MessagesPerSecond);
        }

        return ("—", null);
    }

    private static string LedgerOk(List<RunResult> runs) => runs.All(x => x.LedgerCount == x.Rows && x.Sent == x.Rows && x.Failed == 0) ? "yes" : "NO";

    private static RunResult Median(List<RunResult> runs) => runs.OrderBy(r => r.MessagesPerSecond).ElementAt(runs.Count / 2);

    private static void Log(string line) => Console.Error.WriteLine(line);

    /// <summary>
    /// The fake as built by <c>dotnet build tests/Jelou.FakeApi -c Release</c> (or as a dependency of this project);
    /// falls back to the copy next to this assembly.
    /// </summary>
    private static string FindFakeDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Jelou.FakeApi", "bin", "Release", "net10.0", "Jelou.FakeApi.dll");
            if (File.Exists(Path.Combine(dir.FullName, "Jelou.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        string local = Path.Combine(AppContext.BaseDirectory, "Jelou.FakeApi.dll");
        return File.Exists(local) ? local : throw new FileNotFoundException("Jelou.FakeApi.dll not found; build tests/Jelou.FakeApi -c Release or pass --fake-dll.");
    }

    /// <summary>The options of <c>all</c>.</summary>
    private sealed class Settings
    {
        /// <summary>The Gen0Size of memory runs that leave the gen0 budget to the runtime.</summary>
        public const string DefaultGen0 = "default";

        /// <summary>Rows sent before a memory run's clock starts: enough for connections and first JIT, little heap.</summary>
        public const int MemoryWarmup = 200;

        public Settings(Args args)
        {
            Latencies = args.GetLongs("latencies", "0,20,100").Select(l => (int)l).ToArray();
            Rows = args.GetLongs("rows", "1000,10000,100000");
            Throttle = (int)args.GetLong("throttle", 32);
            Repeat = (int)args.GetLong("repeat", 3);
            RepeatUnder = args.GetDouble("repeat-under", 5);
            MaxRunSeconds = args.GetDouble("max-run-seconds", 180);
            BudgetMinutes = args.GetDouble("budget-minutes", 15);
            LongRuns = args.Get("long", "engine").ToLowerInvariant();
            Warmup = (int)args.GetLong("warmup", 1000);
            WarmupSeconds = args.GetDouble("warmup-seconds", 2);
            LatencyWarmupSeconds = args.GetDouble("latency-warmup-seconds", 1.5);
            Memory = !args.Get("memory", "on").Equals("off", StringComparison.OrdinalIgnoreCase);
            QuietPercent = args.GetDouble("quiet-percent", 15);
            QuietWait = TimeSpan.FromSeconds(args.GetDouble("quiet-wait", 120));
            MaxOtherPercent = args.GetDouble("max-other-percent", 10);
            DiagnosticRows = args.Get("diagnostics", "100000") is "none" ? [] : args.GetLongs("diagnostics", "100000");
            Gen0Size = args.Get("gen0-size", "0x400000") is { Length: > 0 } g && g != "none" && g != DefaultGen0 ? g : null;
            FakeDll = args.Get("fake-dll", string.Empty) is { Length: > 0 } f ? f : FindFakeDll();
            OutPath = args.Get("out", string.Empty) is { Length: > 0 } o ? o : null;
            JsonPath = args.Get("json", string.Empty) is { Length: > 0 } j ? j : null;
        }

        public int[] Latencies { get; }

        public long[] Rows { get; }

        public int Throttle { get; }

        public int Repeat { get; }

        public double RepeatUnder { get; }

        public double MaxRunSeconds { get; }

        public double BudgetMinutes { get; }

        public string LongRuns { get; }

        public int Warmup { get; }

        public double WarmupSeconds { get; }

        public double LatencyWarmupSeconds { get; }

        /// <summary>Whether the memory runs are part of the plan (--memory off for a throughput-only invocation).</summary>
        public bool Memory { get; }

        public double QuietPercent { get; }

        public TimeSpan QuietWait { get; }

        public double MaxOtherPercent { get; }

        /// <summary>Row counts at which the diagnostic scenarios (Client, CeilingPolly) run, at 0 ms only.</summary>
        public long[] DiagnosticRows { get; }

        public string? Gen0Size { get; }

        public string FakeDll { get; }

        public string? OutPath { get; }

        public string? JsonPath { get; }
    }

    /// <summary>The first line of /proc/stat: jiffies spent busy and in total, all CPUs.</summary>
    private readonly record struct CpuTimes(long Busy, long Total)
    {
        // USER_HZ: /proc/stat counts in 1/100 s on Linux.
        private const double JiffiesPerSecond = 100;

        public static CpuTimes Read()
        {
            if (!File.Exists("/proc/stat"))
            {
                return default;
            }

            string first = File.ReadLines("/proc/stat").First();
            long[] v = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(x => long.Parse(x, Inv)).ToArray();
            long total = v.Sum();
            long idle = v[3] + v[4];
            return new CpuTimes(total - idle, total);
        }

        public double BusyPercentSince(CpuTimes start) => Total > start.Total ? 100.0 * (Busy - start.Busy) / (Total - start.Total) : -1;

        /// <summary>Busy time not explained by <paramref name="knownSeconds"/> (client + fake), as a share of all cores.</summary>
        public double OtherPercentSince(CpuTimes start, double knownSeconds) =>
            Total > start.Total ? Math.Max(0, 100.0 * (((Busy - start.Busy) / JiffiesPerSecond) - knownSeconds) / ((Total - start.Total) / JiffiesPerSecond)) : -1;
    }
}
