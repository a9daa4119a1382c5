using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Jelou.FakeApi;

/// <summary>
/// The net472 lane's stand-in for the in-process fake: .NET Framework cannot host ASP.NET Core, so this starts the built
/// Jelou.FakeApi.dll with <c>dotnet</c> on an ephemeral port and drives it through its <c>/_fake/</c> control endpoints,
/// behind the same surface (name, members) as the in-process <c>FakeJelouServer</c>, so the tests compile unchanged.
/// </summary>
public sealed class FakeJelouServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly FakeControl _control;
    private int _disposed;

    private FakeJelouServer(Process process, FakeControl control, FakeJelouOptions options, Uri baseUri)
    {
        _process = process;
        _control = control;
        Options = options;
        BaseUri = baseUri;
        Port = baseUri.Port;
        Ledger = new FakeLedger(control);
        Faults = new FakeFaults(control);
        Campaigns = new FakeCampaignStore(control);
    }

    /// <summary>Base address with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The port actually bound.</summary>
    public int Port { get; }

    /// <summary>The options the server was started with.</summary>
    public FakeJelouOptions Options { get; }

    /// <summary>Accepted messages and request counters, read from the process.</summary>
    public FakeLedger Ledger { get; }

    /// <summary>Fault injection, sent to the process.</summary>
    public FakeFaults Faults { get; }

    /// <summary>The campaign uploads and settings, through <c>/_fake/campaigns</c>.</summary>
    public FakeCampaignStore Campaigns { get; }

    /// <summary>
    /// The fake's dll: <c>JELOU_FAKEAPI_DLL</c> when set, else the path the build recorded in this assembly (the fake's
    /// output for the same configuration).
    /// </summary>
    public static string FakeApiDll
    {
        get
        {
            string? path = Environment.GetEnvironmentVariable("JELOU_FAKEAPI_DLL");
            if (string.IsNullOrEmpty(path))
            {
                path = typeof(FakeJelouServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == "JelouFakeApiDll")?.Value;
            }

            return path ?? throw new InvalidOperationException("The build recorded no path for Jelou.FakeApi.dll.");
        }
    }

    /// <summary>Starts the fake as a process and returns once it listens.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeJelouServer> StartAsync(FakeJelouOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeJelouOptions();
        string dll = FakeApiDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The fake API is not built: build Jelou.sln first (or set JELOU_FAKEAPI_DLL).", dll);
        }

        var arguments = new List<string> { dll, "--port", options.Port.ToString(CultureInfo.InvariantCulture), "--client-id", options.ClientId, "--client-secret", options.ClientSecret };
        foreach (string bot in options.KnownBots ?? Enumerable.Empty<string>())
        {
            arguments.Add("--known-bot");
            arguments.Add(bot);
        }

        foreach (string bot in options.ForbiddenBots)
        {
            arguments.Add("--forbidden-bot");
            arguments.Add(bot);
        }

        if (options.CampaignCount > 0)
        {
            arguments.Add("--campaigns");
            arguments.Add(options.CampaignCount.ToString(CultureInfo.InvariantCulture));
        }

        arguments.Add("--campaign-step-ms");
        arguments.Add(options.CampaignStepMs.ToString(CultureInfo.InvariantCulture));

        if (options.ExtraTemplateCount > 0)
        {
            arguments.Add("--extra-templates");
            arguments.Add(options.ExtraTemplateCount.ToString(CultureInfo.InvariantCulture));
        }

        if (options.NotificationStatuses is { Count: > 0 } statuses)
        {
            arguments.Add("--notification-statuses");
            arguments.Add(string.Join(",", statuses));
        }

        if (options.Seed is int seed)
        {
            arguments.Add("--seed");
            arguments.Add(seed.ToString(CultureInfo.InvariantCulture));
        }

        var startInfo = new ProcessStartInfo(DotNetPath(), string.Join(" ", arguments.Select(Quote)))
        {
            UseShellExecute = false,
            CreateNoWindow = true,

            // The fake stops when its stdin closes, so it cannot outlive this process even if a test never disposes it.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.EnvironmentVariables["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start " + startInfo.FileName);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            Task<string?> line = process.StandardOutput.ReadLineAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StartTimeout);
            Task finished = await Task.WhenAny(line, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            const string Prefix = "Listening on ";
            string? text = finished == line ? await line.ConfigureAwait(false) : null;
            if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                string stderr;
                lock (errors)
                {
                    stderr = errors.ToString();
                }

                throw new InvalidOperationException("The fake API did not start (" + (text ?? "no output in time") + "): " + stderr);
            }

            var baseUri = new Uri(text.Substring(Prefix.Length).Trim());
            return new FakeJelouServer(process, new FakeControl(baseUri), options, baseUri);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Stops the process.</summary>
    /// <returns>A task that completes when it has exited.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _control.Dispose();
            Stop(_process);
        }

        return default;
    }

    private static void Stop(Process process)
    {
        try
        {
            // Closing stdin is the fake's own stop signal; killing is the fallback.
            process.StandardInput.Close();
            if (!process.WaitForExit((int)StopTimeout.TotalMilliseconds))
            {
                process.Kill();
                process.WaitForExit((int)StopTimeout.TotalMilliseconds);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string DotNetPath()
    {
        // Set by the dotnet host for the processes it starts (build.ps1 runs under dotnet pwsh); else dotnet on PATH.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.IndexOfAny([' ', '"', '\t']) < 0
            ? argument
            : "\"" + argument.Replace("\"", "\\\"") + "\"";
}

/// <summary>What the out-of-process fake saw, read through <c>GET /_fake/ledger</c> at each access.</summary>
public sealed class FakeLedger
{
    private readonly FakeControl _control;

    internal FakeLedger(FakeControl control) => _control = control;

    /// <summary>Snapshot of the accepted messages, in acceptance order.</summary>
    public IReadOnlyList<FakeLedgerEntry> Entries
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/ledger");
            return doc.RootElement.GetProperty("entries").EnumerateArray().Select(e => new FakeLedgerEntry(
                e.GetProperty("sequence").GetInt64(),
                e.GetProperty("endpoint").GetString() ?? string.Empty,
                e.GetProperty("botId").GetString(),
                e.GetProperty("roomId").GetString(),
                e.GetProperty("userId").GetString(),
                e.GetProperty("type").GetString(),
                e.GetProperty("body").GetString() ?? string.Empty,
                e.GetProperty("messageId").GetString() ?? string.Empty,
                e.GetProperty("receivedAt").GetDateTimeOffset(),
                e.GetProperty("userAgent").GetString(),
                e.GetProperty("contentType").GetString(),
                e.GetProperty("responseDropped").GetBoolean())).ToArray();
        }
    }

    /// <summary>Number of accepted messages.</summary>
    public int Count => Number("count");

    /// <summary>Highest number of API requests processed at the same time.</summary>
    public int MaxInFlight => Number("maxInFlight");

    /// <summary>API requests being processed right now.</summary>
    public int InFlight => Number("inFlight");

    /// <summary>Every request that reached the API handler.</summary>
    public int TotalRequests => Number("totalRequests");

    /// <summary>Snapshot of every API request with the status it got, in completion order.</summary>
    public IReadOnlyList<FakeAttempt> Attempts
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/ledger?attempts=1");
            return doc.RootElement.GetProperty("attempts").EnumerateArray().Select(a => new FakeAttempt(
                a.GetProperty("receivedAt").GetDateTimeOffset(),
                a.GetProperty("endpoint").GetString() ?? string.Empty,
                a.GetProperty("botId").GetString(),
                a.GetProperty("roomId").GetString(),
                a.GetProperty("status").GetInt32(),
                a.GetProperty("messageId").GetString())).ToArray();
        }
    }

    /// <summary>Clears entries, attempts and counters.</summary>
    public void Reset() => _control.Post("/_fake/ledger/reset", "{}").Dispose();

    private int Number(string name)
    {
        // The entries are skipped by the server only when asked; the counters alone are cheap enough for these tests.
        using JsonDocument doc = _control.Get("/_fake/ledger");
        return doc.RootElement.GetProperty(name).GetInt32();
    }
}

/// <summary>Fault injection for the out-of-process fake, through <c>/_fake/faults</c>, <c>/_fake/enqueue</c> and <c>/_fake/rules</c>.</summary>
public sealed class FakeFaults
{
    private readonly FakeControl _control;

    internal FakeFaults(FakeControl control) => _control = control;

    /// <summary>Fixed delay in milliseconds before each API request is processed.</summary>
    public int LatencyMs { get => ReadInt("latencyMs"); set => Set("latencyMs", value); }

    /// <summary>Extra delay drawn from 0..LatencyJitterMs per request.</summary>
    public int LatencyJitterMs { get => ReadInt("latencyJitterMs"); set => Set("latencyJitterMs", value); }

    /// <summary>Probability that a request gets 429.</summary>
    public double Rate429 { get => ReadDouble("rate429"); set => Set("rate429", value); }

    /// <summary>Probability that a request gets 503.</summary>
    public double Rate503 { get => ReadDouble("rate503"); set => Set("rate503", value); }

    /// <summary>Probability that a request gets 500.</summary>
    public double Rate500 { get => ReadDouble("rate500"); set => Set("rate500", value); }

    /// <summary>Probability that the connection is aborted before the body is read.</summary>
    public double RateDropBeforeRead { get => ReadDouble("rateDropBeforeRead"); set => Set("rateDropBeforeRead", value); }

    /// <summary>Probability that an accepted message is recorded and the connection then aborted.</summary>
    public double RateDropAfterAccept { get => ReadDouble("rateDropAfterAccept"); set => Set("rateDropAfterAccept", value); }

    /// <summary>A token bucket of this many requests per second (0 for none); a request that finds it empty gets 429.</summary>
    public double RateLimitPerSecond { get => ReadDouble("rateLimit"); set => Set("rateLimit", value); }

    /// <summary>How many requests the rate-limit bucket holds.</summary>
    public int RateLimitBurst { get => ReadInt("rateLimitBurst"); set => Set("rateLimitBurst", value); }

    /// <summary>When true, the template listing answers 403.</summary>
    public bool ForbidTemplateListing
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/faults");
            return doc.RootElement.GetProperty("forbidTemplateListing").GetBoolean();
        }

        set => _control.Post("/_fake/faults", Json(w => w.WriteBoolean("forbidTemplateListing", value))).Dispose();
    }

    /// <summary><c>Retry-After</c> sent with probabilistic 429 and 503 responses.</summary>
    public string? RetryAfter
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/faults");
            return doc.RootElement.GetProperty("retryAfter").GetString();
        }

        set => _control.Post("/_fake/faults", Json(w => w.WriteString("retryAfter", value))).Dispose();
    }

    /// <summary>Scripted responses still waiting in the queue.</summary>
    public int QueuedCount => ReadInt("queued");

    /// <summary>Queues a response for the next API request.</summary>
    /// <param name="response">The scripted response.</param>
    public void Enqueue(FakeResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _control.Post("/_fake/enqueue", Json(w => WriteResponse(w, response), whole: true)).Dispose();
    }

    /// <summary>Adds a rule described as data.</summary>
    /// <param name="rule">The rule.</param>
    public void AddRule(FakeRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _control.Post("/_fake/rules", Json(w =>
        {
            w.WriteString("userId", rule.UserId);
            w.WriteString("userIdSuffix", rule.UserIdSuffix);
            if (rule.Times is int times)
            {
                w.WriteNumber("times", times);
            }

            w.WritePropertyName("response");
            WriteResponse(w, rule.Response);
        })).Dispose();
    }

    /// <summary>Resets latency, rates, Retry-After, the queue and the rules.</summary>
    public void Clear() => _control.Post("/_fake/faults/clear", "{}").Dispose();

    private static void WriteResponse(Utf8JsonWriter w, FakeResponse response)
    {
        w.WriteStartObject();
        if (response.Status != 0)
        {
            w.WriteNumber("status", response.Status);
        }

        // A string body, always: the control endpoint sends a non-string body as its JSON text, which is not what a test meant.
        w.WriteString("body", response.Body);
        if (response.Headers is { } headers)
        {
            w.WriteStartObject("headers");
            foreach (KeyValuePair<string, string> header in headers)
            {
                w.WriteString(header.Key, header.Value);
            }

            w.WriteEndObject();
        }

        w.WriteString("drop", response.Drop switch
        {
            FakeDrop.BeforeRead => "before",
            FakeDrop.AfterAccept => "after",
            _ => null,
        });
        if (response.DelayMs != 0)
        {
            w.WriteNumber("delayMs", response.DelayMs);
        }

        w.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write, bool whole = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            if (!whole)
            {
                writer.WriteStartObject();
            }

            write(writer);
            if (!whole)
            {
                writer.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void Set(string name, int value) => _control.Post("/_fake/faults", Json(w => w.WriteNumber(name, value))).Dispose();

    private void Set(string name, double value) => _control.Post("/_fake/faults", Json(w => w.WriteNumber(name, value))).Dispose();

    private int ReadInt(string name)
    {
        using JsonDocument doc = _control.Get("/_fake/faults");
        return doc.RootElement.GetProperty(name).GetInt32();
    }

    private double ReadDouble(string name)
    {
        using JsonDocument doc = _control.Get("/_fake/faults");
        return doc.RootElement.GetProperty(name).GetDouble();
    }
}

/// <summary>The out-of-process fake's campaign uploads, read through <c>GET /_fake/campaigns</c> at each access.</summary>
public sealed class FakeCampaignStore
{
    private readonly FakeControl _control;

    internal FakeCampaignStore(FakeControl control) => _control = control;

    /// <summary>How long an uploaded campaign stays PENDING, then IN_PROGRESS, in milliseconds.</summary>
    public int StepMs
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/campaigns");
            return doc.RootElement.GetProperty("stepMs").GetInt32();
        }

        set => _control.Post("/_fake/campaigns", "{\"stepMs\":" + value.ToString(CultureInfo.InvariantCulture) + "}").Dispose();
    }

    /// <summary>Every upload received, in arrival order.</summary>
    public IReadOnlyList<FakeCampaignUpload> Uploads
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/campaigns");
            return doc.RootElement.GetProperty("uploads").EnumerateArray().Select(u => new FakeCampaignUpload(
                u.GetProperty("sequence").GetInt64(),
                u.GetProperty("id").GetString(),
                u.GetProperty("status").GetInt32(),
                u.GetProperty("contentType").GetString(),
                u.GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString() ?? string.Empty, StringComparer.Ordinal),
                u.GetProperty("json").GetString(),
                u.GetProperty("fileName").GetString(),
                u.GetProperty("fileContentType").GetString(),
                u.GetProperty("file").GetString(),
                u.GetProperty("receivedAt").GetDateTimeOffset())).ToArray();
        }
    }

    /// <summary>The query string of every GET /v1/campaigns, in arrival order.</summary>
    public IReadOnlyList<string> ListingQueries
    {
        get
        {
            using JsonDocument doc = _control.Get("/_fake/campaigns");
            return doc.RootElement.GetProperty("listingQueries").EnumerateArray().Select(q => q.GetString() ?? string.Empty).ToArray();
        }
    }

    /// <summary>Forgets the uploads, their campaigns and the listing queries.</summary>
    public void Reset() => _control.Post("/_fake/campaigns/reset", "{}").Dispose();
}

/// <summary>Synchronous calls to the control endpoints (the in-process members they stand in for are synchronous).</summary>
internal sealed class FakeControl : IDisposable
{
    private readonly HttpClient _http;

    public FakeControl(Uri baseUri)
    {
        // No proxy: a test may point the environment's proxy variables anywhere, and control requests must reach the fake.
        _http = new HttpClient(new HttpClientHandler { UseProxy = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public JsonDocument Get(string path) => Send(HttpMethod.Get, path, null);

    public JsonDocument Post(string path, string json) => Send(HttpMethod.Post, path, json);

    public void Dispose() => _http.Dispose();

    private JsonDocument Send(HttpMethod method, string path, string? json)
    {
        // Off the caller's thread: xunit's synchronization context must not be blocked by a continuation it would have to run.
        return Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using HttpResponseMessage response = await _http.SendAsync(request).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(method + " " + path + " answered " + (int)response.StatusCode + ": " + text);
            }

            return JsonDocument.Parse(text);
        }).GetAwaiter().GetResult();
    }
}
