using System.Globalization;
using System.Runtime.InteropServices;

namespace Jelou.FakeApi;

/// <summary>Runs the fake as its own process for Pester tests and out-of-process benchmarks.</summary>
internal static class Program
{
    private const string Usage = """
        Usage: dotnet Jelou.FakeApi.dll [options]
          --port N               port on 127.0.0.1 (default 0 = ephemeral)
          --client-id X          expected client id (default test-client)
          --client-secret Y      expected client secret (default test-secret)
          --known-bot ID         repeatable; when given, other bot ids get 404
          --campaigns N          GET /v1/campaigns lists N campaigns (paged)
          --campaign-step-ms N   an uploaded campaign stays PENDING, then IN_PROGRESS, N ms each (default 2000)
          --extra-templates N    GET /v1/bots/{botId}/templates lists N generated templates after its catalogue
          --forbidden-bot ID     repeatable; these bot ids get 403
          --notification-statuses S1,S2,...  the sentStatus cycle of GET /v1/external/bots/{botId}/notifications
          --latency-ms N         fixed latency per API request
          --latency-jitter-ms N  extra uniform 0..N ms per API request
          --rate-limit R         answer 429 (Retry-After 1) above R API requests per second (a token bucket)
          --rate-burst B         the bucket's size for --rate-limit (default 1)
          --seed N               seed for probabilistic faults and jitter
          --ignore-stdin         do not stop when standard input closes (for launchers that give no stdin)
        Prints "Listening on http://127.0.0.1:PORT/" once listening; stops when stdin closes, on Ctrl+C or on SIGTERM.
        """;

    private static async Task<int> Main(string[] args)
    {
        var options = new FakeJelouOptions();
        int latencyMs = 0;
        int jitterMs = 0;
        double ratePerSecond = 0;
        int rateBurst = 1;
        bool watchStdin = true;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                string? inline = null;
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    inline = arg[(eq + 1)..];
                    arg = arg[..eq];
                }

                string Value() => inline ?? (++i < args.Length ? args[i] : throw new FormatException(arg + " needs a value."));

                switch (arg)
                {
                    case "--port":
                        options.Port = ParseInt(arg, Value(), 0, 65535);
                        break;
                    case "--client-id":
                        options.ClientId = Value();
                        break;
                    case "--client-secret":
                        options.ClientSecret = Value();
                        break;
                    case "--known-bot":
                        (options.KnownBots ??= new HashSet<string>(StringComparer.Ordinal)).Add(Value());
                        break;
                    case "--forbidden-bot":
                        options.ForbiddenBots.Add(Value());
                        break;
                    case "--campaigns":
                        options.CampaignCount = ParseInt(arg, Value(), 0, 1_000_000);
                        break;
                    case "--campaign-step-ms":
                        options.CampaignStepMs = ParseInt(arg, Value(), 0, int.MaxValue);
                        break;
                    case "--extra-templates":
                        options.ExtraTemplateCount = ParseInt(arg, Value(), 0, 1_000_000);
                        break;
                    case "--notification-statuses":
                        options.NotificationStatuses = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        break;
                    case "--latency-ms":
                        latencyMs = ParseInt(arg, Value(), 0, int.MaxValue);
                        break;
                    case "--latency-jitter-ms":
                        jitterMs = ParseInt(arg, Value(), 0, int.MaxValue);
                        break;
                    case "--rate-limit":
                        ratePerSecond = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture);
                        if (double.IsNaN(ratePerSecond) || ratePerSecond < 0)
                        {
                            throw new FormatException("--rate-limit needs requests per second, 0 or more.");
                        }

                        break;
                    case "--rate-burst":
                        rateBurst = ParseInt(arg, Value(), 1, int.MaxValue);
                        break;
                    case "--seed":
                        options.Seed = ParseInt(arg, Value(), int.MinValue, int.MaxValue);
                        break;
                    case "--ignore-stdin":
                        watchStdin = false;
                        break;
                    case "-h" or "--help" or "-?":
                        await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
                        return 0;
                    default:
                        throw new FormatException("Unknown argument '" + arg + "'.");
                }
            }
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Usage).ConfigureAwait(false);
            return 2;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using PosixSignalRegistration? sigterm = TryRegister(PosixSignal.SIGTERM, stop);

        await using FakeJelouServer server = await FakeJelouServer.StartAsync(options).ConfigureAwait(false);
        server.Faults.LatencyMs = latencyMs;
        server.Faults.LatencyJitterMs = jitterMs;
        server.Faults.RateLimitBurst = rateBurst;
        server.Faults.RateLimitPerSecond = ratePerSecond;

        // Launchers wait for this exact line to learn the port, so it must be the only stdout output and reach them at once.
        await Console.Out.WriteLineAsync("Listening on " + server.BaseUri.AbsoluteUri).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);

        if (watchStdin)
        {
            // A dedicated thread because the read blocks; when the parent dies or closes the pipe, the server must not linger.
            var watcher = new Thread(() => WaitForStdinEof(stop)) { IsBackground = true, Name = "stdin watcher" };
            watcher.Start();
        }

        await stop.Task.ConfigureAwait(false);
        return 0;
    }

    private static void WaitForStdinEof(TaskCompletionSource stop)
    {
        try
        {
            using Stream stdin = Console.OpenStandardInput();
            byte[] buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A broken stdin is as good as a closed one.
        }

        stop.TrySetResult();
    }

    private static PosixSignalRegistration? TryRegister(PosixSignal signal, TaskCompletionSource stop)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    private static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new FormatException(name + " expects an integer between " + min.ToString(CultureInfo.InvariantCulture) + " and "
                + max.ToString(CultureInfo.InvariantCulture) + ", got '" + text + "'.");
        }

        return value;
    }
}
