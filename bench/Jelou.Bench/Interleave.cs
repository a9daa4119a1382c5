using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jelou.Http;

namespace Jelou.Bench;

/// <summary>
/// <c>Jelou.Bench interleave</c>: several scenarios in one process, taking turns in short rounds (5,000 rows each by
/// default), so that a change in the shared host's speed lands on all of them alike. Separate processes run a minute or
/// more apart, and this host's speed drifts by a quarter within the hour; a ratio of two such runs measures the drift as
/// much as the code. Each round's ratio compares runs a second apart. The order rotates every round.
/// </summary>
internal static class Interleave
{
    public static async Task<int> RunAsync(Args args)
    {
        var kinds = args.Get("scenarios", "engine,ceiling")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.Parse<ScenarioKind>(s, ignoreCase: true))
            .ToArray();
        long rows = args.GetLong("rows", 5000);
        int rounds = (int)args.GetLong("rounds", 20);
        int throttle = (int)args.GetLong("throttle", 32);
        double warmupSeconds = args.GetDouble("warmup-seconds", 8);
        var baseUri = new Uri(args.Get("base-uri", string.Empty));
        int latency = (int)args.GetLong("latency", 0);

        using var control = new FakeControl(baseUri);
        using JelouClient client = Workload.CreateClient(baseUri);
        using HttpClient plain = Workload.CreateCeilingClient(baseUri);
        using HttpClient sameHeaders = Workload.CreateCeilingClient(baseUri, sameHeadersAsJelou: true);
        HttpClient PlainFor(ScenarioKind kind) => kind == ScenarioKind.CeilingSameHeaders ? sameHeaders : plain;
        byte[][] bodies = Workload.CeilingBodies();
        await control.SetLatencyAsync(latency).ConfigureAwait(false);

        // Warm-up: every scenario in turn until JIT tiering has settled for all of them.
        long nextRow = 1;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < warmupSeconds)
        {
            foreach (var kind in kinds)
            {
                SendCounts counts = await RunCommand.SendAsync(kind, client, PlainFor(kind), bodies, nextRow, 1000, throttle).ConfigureAwait(false);
                nextRow += 1000;
                if (counts.Failed > 0)
                {
                    await Console.Error.WriteLineAsync($"Warm-up of {kind} failed: {counts}").ConfigureAwait(false);
                    return 1;
                }
            }
        }

        await control.ResetAsync().ConfigureAwait(false);
        await control.SetLatencyAsync(latency).ConfigureAwait(false);
        using var self = Process.GetCurrentProcess();
        var rates = kinds.ToDictionary(k => k, _ => new List<double>());
        var seconds = kinds.ToDictionary(k => k, _ => 0.0);
        var cpu = kinds.ToDictionary(k => k, _ => new List<double>());
        var switches = kinds.ToDictionary(k => k, _ => new List<double>());
        long failed = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < kinds.Length; i++)
            {
                var kind = kinds[(i + round) % kinds.Length];
                self.Refresh();
                long switchesBefore = ContextSwitches();
                TimeSpan cpuBefore = self.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                SendCounts counts = await RunCommand.SendAsync(kind, client, PlainFor(kind), bodies, nextRow, rows, throttle).ConfigureAwait(false);
                clock.Stop();
                self.Refresh();
                nextRow += rows;
                failed += counts.Failed + (rows - counts.Sent - counts.Failed);
                rates[kind].Add(rows / clock.Elapsed.TotalSeconds);
                seconds[kind] += clock.Elapsed.TotalSeconds;
                cpu[kind].Add((self.TotalProcessorTime - cpuBefore).TotalMilliseconds * 1000 / rows);
                switches[kind].Add((ContextSwitches() - switchesBefore) / (double)rows);
            }
        }

        var reference = kinds[^1];
        var summary = kinds.Select(kind => new InterleaveResult
        {
            Scenario = kind.ToString().ToLowerInvariant(),
            Rounds = rounds,
            RowsPerRound = rows,
            MedianMessagesPerSecond = Median(rates[kind]),
            MinMessagesPerSecond = rates[kind].Min(),
            MaxMessagesPerSecond = rates[kind].Max(),
            MedianCpuMicrosPerMessage = Median(cpu[kind]),
            MedianContextSwitchesPerMessage = Median(switches[kind]),
            MedianRoundRatio = Median(rates[kind].Zip(rates[reference], (a, b) => a / b).ToList()),
            OverallMessagesPerSecond = rows * rounds / seconds[kind],
            OverallRatio = seconds[reference] / seconds[kind],
            Reference = reference.ToString().ToLowerInvariant(),
        }).ToList();
        foreach (var line in summary)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{line.Scenario,-22} {line.MedianMessagesPerSecond,8:F0} msg/s [{line.MinMessagesPerSecond:F0}-{line.MaxMessagesPerSecond:F0}]  cpu {line.MedianCpuMicrosPerMessage,5:F1} µs/msg  cs/msg {line.MedianContextSwitchesPerMessage,4:F1}  overall {line.OverallMessagesPerSecond,8:F0} msg/s = {line.OverallRatio:P1} of {line.Reference}, round ratio {line.MedianRoundRatio:P1}"));
        }

        Console.Out.WriteLine(RunCommand.ResultPrefix + JsonSerializer.Serialize(summary));
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Voluntary and involuntary context switches of every thread of this process so far (Linux only).</summary>
    private static long ContextSwitches()
    {
        long total = 0;
        try
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.EndsWith("ctxt_switches", StringComparison.Ordinal) || line.Contains("ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        catch (IOException)
        {
            // A thread that ended while being read; the next sample is close enough.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return total;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>One scenario's share of an interleaved run.</summary>
internal sealed record InterleaveResult
{
    public string Scenario { get; init; } = string.Empty;

    public int Rounds { get; init; }

    public long RowsPerRound { get; init; }

    public double MedianMessagesPerSecond { get; init; }

    public double MinMessagesPerSecond { get; init; }

    public double MaxMessagesPerSecond { get; init; }

    public double MedianCpuMicrosPerMessage { get; init; }

    /// <summary>Context switches of this process's threads per message (Linux; 0 elsewhere).</summary>
    public double MedianContextSwitchesPerMessage { get; init; }

    /// <summary>All this scenario's rows over all its time.</summary>
    public double OverallMessagesPerSecond { get; init; }

    /// <summary>The overall rate divided by the reference's: both sent the same rows, so the ratio of their total times.</summary>
    public double OverallRatio { get; init; }

    /// <summary>Median over rounds of this scenario's rate divided by the reference's rate in the same round.</summary>
    public double MedianRoundRatio { get; init; }

    public string Reference { get; init; } = string.Empty;
}
