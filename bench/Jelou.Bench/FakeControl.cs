using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jelou.Bench;

/// <summary>The fake's ledger counters: what it accepted, the most requests it had at once, and every API request.</summary>
internal readonly record struct LedgerHead(int Count, int MaxInFlight, int TotalRequests);

/// <summary>The fake server's /_fake/ control endpoints (no auth, not counted in the ledger).</summary>
internal sealed partial class FakeControl : IDisposable
{
    private readonly HttpClient http;

    public FakeControl(Uri baseUri) => http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };

    public async Task ResetAsync()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri("_fake/reset", UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task SetLatencyAsync(int latencyMs)
    {
        string json = "{\"latencyMs\":" + latencyMs.ToString(CultureInfo.InvariantCulture) + ",\"latencyJitterMs\":0}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri("_fake/faults", UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>POST /_fake/faults with a JSON object of settings (the rate-limited scenarios).</summary>
    public async Task SetFaultsAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri("_fake/faults", UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Reads only the counters at the head of GET /_fake/ledger: the endpoint lists every entry (tens of MB at 100k rows),
    /// but count, maxInFlight (inFlight) and totalRequests come first, so the rest is not read.
    /// </summary>
    public async Task<LedgerHead> ReadLedgerHeadAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("_fake/ledger", UriKind.Relative));
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (head.Length < 64 * 1024)
            {
                int read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.UTF8.GetString(buffer, 0, read));
                Match match = HeadPattern().Match(head.ToString());
                if (match.Success)
                {
                    return new LedgerHead(Parse(match, 1), Parse(match, 2), Parse(match, 3));
                }
            }
        }

        throw new InvalidOperationException("The fake's ledger did not start with count, maxInFlight and totalRequests.");
    }

    public void Dispose() => http.Dispose();

    private static int Parse(Match match, int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    // The fake may also report the requests in flight now, between maxInFlight and totalRequests.
    [GeneratedRegex("^\\{\"count\":(\\d+),\"maxInFlight\":(\\d+),(?:\"inFlight\":\\d+,)?\"totalRequests\":(\\d+),")]
    private static partial Regex HeadPattern();
}

/// <summary>The fake API in its own process, so its CPU and memory are not counted against the client.</summary>
internal sealed partial class FakeProcess : IDisposable
{
    private readonly Process process;

    private FakeProcess(Process process, Uri baseUri)
    {
        this.process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public int Id => process.Id;

    /// <summary>The exact command line, for the README.</summary>
    public string CommandLine { get; private init; } = string.Empty;

    /// <summary>
    /// Starts <c>dotnet Jelou.FakeApi.dll --port 0 --latency-ms N</c>. Its stdin is a pipe this process holds, so the fake
    /// stops when the bench closes it or dies (no orphan); <see cref="Dispose"/> closes it and waits.
    /// </summary>
    public static FakeProcess Start(string fakeDll, int latencyMs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        string[] args = [fakeDll, "--port", "0", "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture)];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the fake API.");
        string? line = process.StandardOutput.ReadLine();
        Match match = line is null ? Match.Empty : ListeningPattern().Match(line);
        if (!match.Success)
        {
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException("The fake API did not print its address; it printed: " + line);
        }

        return new FakeProcess(process, new Uri(match.Groups[1].Value)) { CommandLine = "dotnet " + string.Join(' ', args) };
    }

    /// <summary>CPU time the fake has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The fake's current resident set, in bytes.</summary>
    public long WorkingSet()
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                process.WaitForExit();
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    [GeneratedRegex("^Listening on (http://127\\.0\\.0\\.1:\\d+/)")]
    private static partial Regex ListeningPattern();
}
