using System.Diagnostics;
using System.Globalization;
using Jelou.Bulk;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Bench;

/// <summary>
/// The engine against a server that limits its rate (the fake's token bucket of R requests/s with burst B, 429 with
/// Retry-After 1), with and without -RateLimit, against random 429s, and fault-free at the same latency and at 0 ms.
/// The cases take turns in one process, round after round, so a slow spell of this shared host lands on all of them.
/// </summary>
internal static class RateLimited
{
    public static async Task<int> RunAsync(Args args)
    {
        var baseUri = new Uri(args.Get("base-uri", "http://127.0.0.1:36767/"));
        var rows = args.GetLong("rows", 3000);
        var rounds = (int)args.GetLong("rounds", 3);
        var throttle = (int)args.GetLong("throttle", 32);
        var latency = (int)args.GetLong("latency", 20);
        var rate = args.GetDouble("rate", 200);
        var burst = (int)args.GetLong("burst", 20);
        var cases = args.Get("cases", "limited,ceiling,random,clean,clean0").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string L(int ms) => ms.ToString(CultureInfo.InvariantCulture);
        string R(double v) => v.ToString(CultureInfo.InvariantCulture);
        var plan = new Dictionary<string, (string Faults, double? Ceiling)>(StringComparer.Ordinal)
        {
            ["limited"] = ($"{{\"latencyMs\":{L(latency)},\"retryAfter\":\"1\",\"rateLimitBurst\":{L(burst)},\"rateLimit\":{R(rate)}}}", null),
            ["ceiling"] = ($"{{\"latencyMs\":{L(latency)},\"retryAfter\":\"1\",\"rateLimitBurst\":{L(burst)},\"rateLimit\":{R(rate)}}}", Math.Round(rate * 0.95, 2)),
            ["random"] = ($"{{\"latencyMs\":{L(latency)},\"retryAfter\":\"1\",\"rate429\":0.05}}", null),
            ["clean"] = ($"{{\"latencyMs\":{L(latency)}}}", null),
            ["clean0"] = ("{\"latencyMs\":0}", null),
        };

        using var control = new FakeControl(baseUri);
        using var client = Workload.CreateClient(baseUri);

        // Warm-up: the engine's paths, paced and not, compile before the first measured round.
        await control.ResetAsync().ConfigureAwait(false);
        await control.SetFaultsAsync(plan["limited"].Faults).ConfigureAwait(false);
        Run(client, 0, 600, throttle, null);
        await control.ResetAsync().ConfigureAwait(false);
        Run(client, 0, 2000, throttle, null);

        var results = cases.ToDictionary(c => c, _ => new List<(double Rate, long Requests, long Refused, long Failed, long Ledger, int MaxInFlight, string? Summary)>(), StringComparer.Ordinal);
        long first = 1_000_000;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var name in round % 2 == 0 ? cases : cases.Reverse())
            {
                var (faults, ceiling) = plan[Kind(name)];
                var count = RowsOf(name, rows);
                await control.ResetAsync().ConfigureAwait(false);
                await control.SetFaultsAsync(faults).ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                var (sent, failed, summary) = Run(client, first, count, throttle, ceiling);
                clock.Stop();
                first += count;
                var head = await control.ReadLedgerHeadAsync().ConfigureAwait(false);
                results[name].Add((sent / clock.Elapsed.TotalSeconds, head.TotalRequests, head.TotalRequests - head.Count, failed, head.Count, head.MaxInFlight, summary));
                await Console.Error.WriteLineAsync($"round {round + 1} {name}: {sent / clock.Elapsed.TotalSeconds:0} msg/s, {head.TotalRequests - head.Count} of {head.TotalRequests} requests 429, {failed} failed, ledger {head.Count}, max in flight {head.MaxInFlight}; {summary}").ConfigureAwait(false);
            }
        }

        Console.WriteLine("| Case | Rounds | msg/s (median) | min–max | requests answered 429 (median) | rows Failed (total) | max in flight | ledger = rows |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|:---:|");
        var medians = new Dictionary<string, (double Rate, double Refused, long Failed)>(StringComparer.Ordinal);
        foreach (var name in cases)
        {
            var list = results[name];
            var rates = list.Select(r => r.Rate).OrderBy(r => r).ToList();
            var median = rates[rates.Count / 2];
            var refused = list.Select(r => (double)r.Refused / r.Requests).OrderBy(r => r).ToList()[list.Count / 2];
            medians[name] = (median, refused, list.Sum(r => r.Failed));
            Console.WriteLine($"| {name} | {list.Count} | {median:0} | {rates[0]:0}–{rates[^1]:0} | {refused:P1} | {list.Sum(r => r.Failed)} | {list.Max(r => r.MaxInFlight)} | {(list.All(r => r.Ledger == RowsOf(name, rows)) ? "yes" : "no")} |");
        }

        // The issue's targets, each with its ratio, from the medians of this one run.
        Console.WriteLine();
        Console.WriteLine("| Target | Measured | Met |");
        Console.WriteLine("|---|---|:---:|");
        string Met(bool ok) => ok ? "**yes**" : "**no**";
        if (medians.TryGetValue("limited", out var limited))
        {
            Console.WriteLine($"| no -RateLimit: ≥ 85 % of R, ≤ 5 % 429s, 0 Failed | {limited.Rate:0}/s = **{limited.Rate / rate:P1}** of {rate:0}; {limited.Refused:P1} 429s; {limited.Failed} Failed | {Met(limited.Rate >= 0.85 * rate && limited.Refused <= 0.05 && limited.Failed == 0)} |");
        }

        if (medians.TryGetValue("ceiling", out var held))
        {
            Console.WriteLine($"| -RateLimit 0.95 R: ≥ 90 % of R, ≤ 1 % 429s, 0 Failed | {held.Rate:0}/s = **{held.Rate / rate:P1}** of {rate:0}; {held.Refused:P1} 429s; {held.Failed} Failed | {Met(held.Rate >= 0.9 * rate && held.Refused <= 0.01 && held.Failed == 0)} |");
        }

        foreach (var name in cases.Where(c => Kind(c) == "random"))
        {
            var fair = name.Replace("random", "clean", StringComparison.Ordinal);
            if (medians.TryGetValue(name, out var random) && medians.TryGetValue(fair, out var clean))
            {
                Console.WriteLine($"| random 5 % 429s ({RowsOf(name, rows):N0} rows): ≥ 50 % of the fault-free rate at {latency} ms | {random.Rate:0} / {clean.Rate:0} = **{random.Rate / clean.Rate:P1}**; {random.Refused:P1} 429s; {random.Failed} Failed | {Met(random.Rate >= 0.5 * clean.Rate)} |");
            }
        }

        return 0;
    }

    // A case may name its own row count: "random@5000" is the random case with 5,000 rows.
    private static string Kind(string name) => name.Split('@')[0];

    private static long RowsOf(string name, long rows) =>
        name.Contains('@', StringComparison.Ordinal) ? long.Parse(name.Split('@')[1], CultureInfo.InvariantCulture) : rows;

    private static (long Sent, long Failed, string? Summary) Run(JelouClient client, long firstRow, long rows, int throttle, double? ceiling)
    {
        long sent = 0;
        long failed = 0;
        string? summary = null;
        var thread = new Thread(() =>
        {
            using var engine = new BulkSender(client, new BulkOptions { ThrottleLimit = throttle, RateLimit = ceiling, Retry = Workload.CmdletRetry });
            void OnCompleted(BulkCompletion completion)
            {
                if (completion.Result.Status == SendStatus.Sent)
                {
                    sent++;
                }
                else
                {
                    failed++;
                }
            }

            for (var row = firstRow; row < firstRow + rows; row++)
            {
                var userId = Workload.UserId(row);
                var text = Workload.Text(row);
                var result = new JelouBotMessageResult { Row = row, BotId = Workload.BotId, UserId = userId, Text = text };
                var message = Workload.BuildRow(userId, text, out var type);
                result.Type = type;
                engine.Submit(new BulkItem(result, (c, options, token) => c.SendBotMessageAsync(Workload.BotId, message, options, token)), OnCompleted);
                foreach (var line in engine.TakeLog())
                {
                    _ = line;
                }
            }

            engine.Drain(OnCompleted);
            summary = engine.PaceSummary;
        });
        thread.Start();
        thread.Join();
        return (sent, failed, summary);
    }
}
