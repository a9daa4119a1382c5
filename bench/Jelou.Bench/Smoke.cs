using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Bench;

/// <summary>
/// <c>Jelou.Bench smoke</c>: every scenario against an in-process fake with a little latency, checked against the ledger.
/// Proves the harness sends what it counts; the numbers are not measurements (client and server share the process).
/// </summary>
internal static class Smoke
{
    public static async Task<int> RunAsync()
    {
        const int Rows = 300;
        await using FakeJelouServer server = await FakeJelouServer.StartAsync(new FakeJelouOptions
        {
            ClientId = Workload.ClientId,
            ClientSecret = Workload.ClientSecret,
            KnownBots = new HashSet<string>(StringComparer.Ordinal) { Workload.BotId },
        }).ConfigureAwait(false);
        server.Faults.LatencyMs = 5;
        using JelouClient client = Workload.CreateClient(server.BaseUri);
        using HttpClient plain = Workload.CreateCeilingClient(server.BaseUri);
        int failures = 0;
        foreach (ScenarioKind kind in Enum.GetValues<ScenarioKind>())
        {
            server.Ledger.Reset();
            SendCounts counts = await RunCommand.SendAsync(kind, client, plain, null, 1, Rows, 8).ConfigureAwait(false);
            int ledger = server.Ledger.Count;
            int maxInFlight = server.Ledger.MaxInFlight;
            bool ok = counts.Sent == Rows && counts.Failed == 0 && ledger == Rows && maxInFlight <= (kind == ScenarioKind.Sequential ? 1 : 8);
            failures += ok ? 0 : 1;
            await Console.Out.WriteLineAsync($"{kind,-10} sent {counts.Sent}, failed {counts.Failed}, ledger {ledger}, max in flight {maxInFlight}: {(ok ? "ok" : "FAILED")}").ConfigureAwait(false);
        }

        return failures == 0 ? 0 : 1;
    }
}
