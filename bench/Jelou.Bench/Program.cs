namespace Jelou.Bench;

/// <summary>
/// Entry point. <c>all</c> (default) runs the whole plan, each run in a child process against a fake API in another
/// process; <c>run</c> is one such child; <c>smoke</c> checks the harness in process; <c>micro</c> is BenchmarkDotNet.
/// </summary>
internal static class Program
{
    private const string Usage = """
        Usage:
          Jelou.Bench [all] [--latencies 0,20,100] [--rows 1000,10000,100000] [--throttle 32] [--repeat 3]
                      [--repeat-under 5] [--max-run-seconds 180] [--budget-minutes 15] [--long engine|all|none]
                      [--warmup 1000] [--warmup-seconds 2] [--latency-warmup-seconds 1.5] [--memory on|off] [--gen0-size 0x400000|none] [--max-other-percent 10]
                      [--diagnostics 100000|none]
                      [--quiet-percent 15] [--quiet-wait 120]
                      [--fake-dll PATH] [--out results.md] [--json results.json]
          Jelou.Bench run --scenario engine|sequential|ceiling|client|ceilingpolly|ceilingsameheaders|ceilingjelouhandler
                          --rows N --latency MS --throttle N --base-uri URI [--warmup N] [--warmup-seconds S] [--latency-warmup-seconds S]
          Jelou.Bench interleave --scenarios engine,ceiling [--rows 5000] [--rounds 20] [--throttle 32] [--warmup-seconds 8]
                          --base-uri URI   (0 ms; the scenarios take turns in one process; each compared with the last)
          Jelou.Bench ratelimited --base-uri URI [--rows 3000] [--rounds 3] [--throttle 32] [--latency 20] [--rate 200] [--burst 20]
                          [--cases limited,ceiling,random,clean,clean0]   (the scenarios take turns in one process)
          Jelou.Bench smoke      (in-process fake, a few hundred rows per scenario: checks the harness, not a measurement)
          Jelou.Bench micro [BenchmarkDotNet args]   (per-row cost of each layer, no network)
        """;

    private static async Task<int> Main(string[] argv)
    {
        var args = new Args(argv);
        switch (args.Command.ToLowerInvariant())
        {
            case "all":
                return await Orchestrator.RunAsync(args).ConfigureAwait(false);
            case "run":
                return await RunCommand.RunAsync(args).ConfigureAwait(false);
            case "interleave":
                return await Interleave.RunAsync(args).ConfigureAwait(false);
            case "ratelimited":
                return await RateLimited.RunAsync(args).ConfigureAwait(false);
            case "smoke":
                return await Smoke.RunAsync().ConfigureAwait(false);
            case "micro":
                return Micro.Run(args.Rest.ToArray());
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }
}
