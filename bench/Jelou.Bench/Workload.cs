using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Jelou.Bulk;
using Jelou.Credentials;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;
using Jelou.Validation;
using Polly;
using Polly.Retry;

namespace Jelou.Bench;

/// <summary>The three ways of sending a batch that are compared.</summary>
internal enum ScenarioKind
{
    /// <summary>BulkSender, as Send-JelouBotMessage drives it: fields, BotMessageBuilder.TryBuild, Submit, Drain.</summary>
    Engine,

    /// <summary>One JelouClient.SendBotMessageAsync awaited at a time (ForEach-Object { Invoke-RestMethod }).</summary>
    Sequential,

    /// <summary>Engine with a send journal, as -JournalPath drives it: a row key per row, records before and after each send.</summary>
    EngineJournal,

    /// <summary>A plain HttpClient posting pre-serialized bodies, SemaphoreSlim-bounded: the practical ceiling.</summary>
    Ceiling,

    /// <summary>
    /// Diagnostic: rows built and validated like the engine's, sent with JelouClient.SendBotMessageAsync under a
    /// SemaphoreSlim, without BulkSender. Engine minus this is the engine's own cost; this minus Ceiling is the client's.
    /// </summary>
    Client,

    /// <summary>Diagnostic: the ceiling's loop over an HttpClientHandler configured as JelouClient's (decompression, 256 connections).</summary>
    CeilingJelouHandler,

    /// <summary>Diagnostic: the ceiling's loop with each post run through a Polly pipeline shaped like JelouClient's (timeout, retry, timeout).</summary>
    CeilingPolly,

    /// <summary>Diagnostic: the ceiling with the two headers JelouClient adds to every request (Accept, User-Agent), so both send the same bytes.</summary>
    CeilingSameHeaders,
}

/// <summary>What a run sent: rows acknowledged, rows that failed, and why the batch stopped, if it did.</summary>
internal readonly record struct SendCounts(long Sent, long Failed, string? StopReason);

/// <summary>The rows and the three senders. Rows are made on the fly from their number: nothing holds the whole batch.</summary>
internal static class Workload
{
    public const string BotId = "bench-bot";
    public const string ClientId = "test-client";
    public const string ClientSecret = "test-secret";

    private const int CeilingBodyCount = 1024;

    /// <summary>What Send-JelouBotMessage passes with its default parameters (3 retries, 1 s, 30 s per attempt).</summary>
    public static RetrySettings CmdletRetry { get; } = new()
    {
        MaximumRetryCount = RetrySettings.Default.MaximumRetryCount,
        RetryInterval = RetrySettings.Default.RetryInterval,
        AttemptTimeout = RetrySettings.Default.AttemptTimeout,
        TotalTimeout = TimeSpan.FromSeconds(Math.Max(RetrySettings.Default.TotalTimeout.TotalSeconds, (30 + 60) * 4)),
    };

    /// <summary>A recipient such as 593900000001: digits, country code, no '+'.</summary>
    public static string UserId(long row) => (593_900_000_000L + row).ToString(CultureInfo.InvariantCulture);

    /// <summary>A short personalised text with one accented character, like a typical CSV mail-merge row.</summary>
    public static string Text(long row) => "Hola cliente " + row.ToString(CultureInfo.InvariantCulture) + ", tu pedido está listo para retirar.";

    /// <summary>Validates a row as the cmdlet does (TryBuild, which also names the type). Bench rows are always valid.</summary>
    public static BotMessage BuildRow(string userId, string text, out string? type)
    {
        if (!BotMessageBuilder.TryBuild(new BotMessageFields { UserId = userId, Text = text }, out BotMessage? message, out var problems, out type))
        {
            throw new InvalidOperationException("bench row for " + userId + " is invalid: " + problems[0].Message);
        }

        return message;
    }

    public static JelouClient CreateClient(Uri baseUri) =>
        new(new JelouClientOptions(JelouCredential.FromPlainText(ClientId, ClientSecret))
        {
            BaseUri = baseUri,
            UserAgentComment = "Jelou.Bench",
        });

    /// <summary>
    /// The engine as the cmdlet drives it per pipeline row: a result object, BotMessageFields, TryBuild (which also names the type), Submit
    /// (completed rows come back on this thread and are counted, then dropped), the retry log flushed, then Drain.
    /// Must run on a dedicated (non-pool) thread, like PowerShell's pipeline thread: Submit blocks while the slots are full.
    /// </summary>
    public static SendCounts RunEngine(JelouClient client, long firstRow, long rows, int throttle, bool journaled = false)
    {
        // A new journal per round, in the temp folder, as a new -JournalPath would be.
        string? journalPath = journaled ? Path.Combine(Path.GetTempPath(), "jelou-bench-" + Guid.NewGuid().ToString("N") + ".jsonl") : null;
        using var journal = journalPath is null ? null : Jelou.Journal.SendJournal.Open(journalPath, "bot", "Send-JelouBotMessage");
        using var keys = new Jelou.Journal.RowKeys();
        long sent = 0;
        long failed = 0;
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

        using var engine = new BulkSender(client, new BulkOptions { ThrottleLimit = throttle, Retry = CmdletRetry, Journal = journal });
        for (long row = firstRow; row < firstRow + rows; row++)
        {
            string userId = UserId(row);
            string text = Text(row);
            var result = new JelouBotMessageResult { Row = row, BotId = BotId, UserId = userId, Text = text };
            BotMessage message = BuildRow(userId, text, out string? type);
            result.Type = type;
            Jelou.Journal.JournalRow? record = null;
            if (journal is not null)
            {
                // What the cmdlet does per row with -JournalPath: the key from the body the client sends, then a lookup.
                var key = keys.Next("POST v1/bots/" + BotId + "/messages", userId, BotMessageSerializer.Serialize(message));
                _ = journal.Find(key);
                record = new Jelou.Journal.JournalRow(key, row, userId + " via bot " + BotId);
            }

            engine.Submit(new BulkItem(result, (c, options, token) => c.SendBotMessageAsync(BotId, message, options, token)) { JournalRow = record }, OnCompleted);
            foreach (string line in engine.TakeLog())
            {
                _ = line;
            }

            if (engine.StopError is not null)
            {
                break;
            }
        }

        engine.Drain(OnCompleted);
        if (journal is not null)
        {
            journal.Close();
            File.Delete(journalPath!);
            File.Delete(journalPath + ".lock");
        }

        return new SendCounts(sent, failed, engine.StopError?.Message);
    }

    /// <summary>One send at a time, each awaited before the next row is built.</summary>
    public static async Task<SendCounts> RunSequentialAsync(JelouClient client, long firstRow, long rows)
    {
        long sent = 0;
        long failed = 0;
        for (long row = firstRow; row < firstRow + rows; row++)
        {
            BotMessage message = BotMessageBuilder.Build(new BotMessageFields { UserId = UserId(row), Text = Text(row) });
            SendOutcome outcome = await client.SendBotMessageAsync(BotId, message, null, CancellationToken.None).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                sent++;
            }
            else
            {
                failed++;
            }
        }

        return new SendCounts(sent, failed, null);
    }

    /// <summary>JelouClient under a SemaphoreSlim, each row built as the engine builds it; no BulkSender.</summary>
    public static async Task<SendCounts> RunClientAsync(JelouClient client, long firstRow, long rows, int throttle)
    {
        long sent = 0;
        long failed = 0;
        using var slots = new SemaphoreSlim(throttle, throttle);
        var options = new SendRequestOptions { Retry = CmdletRetry };

        async Task SendOneAsync(BotMessage message)
        {
            try
            {
                SendOutcome outcome = await client.SendBotMessageAsync(BotId, message, options, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref outcome.Succeeded ? ref sent : ref failed);
            }
            finally
            {
                slots.Release();
            }
        }

        for (long row = firstRow; row < firstRow + rows; row++)
        {
            BotMessage message = BuildRow(UserId(row), Text(row), out _);
            await slots.WaitAsync().ConfigureAwait(false);
            _ = SendOneAsync(message);
        }

        for (int i = 0; i < throttle; i++)
        {
            await slots.WaitAsync().ConfigureAwait(false);
        }

        return new SendCounts(Interlocked.Read(ref sent), Interlocked.Read(ref failed), null);
    }

    /// <summary>A pipeline with JelouClient's shape for the default settings: total timeout, retry on 429/503, per-attempt timeout.</summary>
    public static Polly.ResiliencePipeline<HttpResponseMessage> JelouLikePipeline() =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(CmdletRetry.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = CmdletRetry.MaximumRetryCount,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = CmdletRetry.RetryInterval,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable }),
            })
            .AddTimeout(CmdletRetry.AttemptTimeout)
            .Build();

    /// <summary>The ceiling's loop with every post inside <paramref name="pipeline"/>.</summary>
    public static Task<SendCounts> RunCeilingPollyAsync(HttpClient http, Polly.ResiliencePipeline<HttpResponseMessage> pipeline, byte[][] bodies, long rows, int throttle) =>
        RunPostsAsync(bodies, rows, throttle, (path, content) => pipeline.ExecuteAsync(token => new ValueTask<HttpResponseMessage>(http.PostAsync(path, content, token)), CancellationToken.None).AsTask());

    /// <summary>An HttpClientHandler set up as JelouClient's own (see JelouClient.CreateHandler).</summary>
    public static HttpMessageHandler JelouLikeHandler() => new HttpClientHandler
    {
        SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 256,
        UseCookies = false,
    };

    /// <summary>
    /// The practical ceiling: bodies serialized before the clock starts (a ring of 1024 distinct ones), Basic auth, a
    /// SemaphoreSlim for the same concurrency, the status code checked, nothing else (no validation, no retry, no parsing).
    /// </summary>
    public static Task<SendCounts> RunCeilingAsync(HttpClient http, byte[][] bodies, long rows, int throttle) =>
        RunPostsAsync(bodies, rows, throttle, (path, content) => http.PostAsync(path, content));

    /// <summary>The ceiling's loop: ready bodies posted under SemaphoreSlim(throttle), only the status code checked.</summary>
    private static async Task<SendCounts> RunPostsAsync(byte[][] bodies, long rows, int throttle, Func<Uri, HttpContent, Task<HttpResponseMessage>> post)
    {
        var path = new Uri("v1/bots/" + BotId + "/messages", UriKind.Relative);
        var contentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
        long sent = 0;
        long failed = 0;
        using var slots = new SemaphoreSlim(throttle, throttle);

        async Task SendOneAsync(byte[] body)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = contentType;
                using HttpResponseMessage response = await post(path, content).ConfigureAwait(false);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref sent : ref failed);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                slots.Release();
            }
        }

        for (long row = 0; row < rows; row++)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            _ = SendOneAsync(bodies[row % bodies.Length]);
        }

        for (int i = 0; i < throttle; i++)
        {
            await slots.WaitAsync().ConfigureAwait(false);
        }

        return new SendCounts(Interlocked.Read(ref sent), Interlocked.Read(ref failed), null);
    }

    public static HttpClient CreateCeilingClient(Uri baseUri, HttpMessageHandler? handler = null, bool sameHeadersAsJelou = false)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }, disposeHandler: true)
        {
            BaseAddress = baseUri,
        };
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + ClientSecret));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        if (sameHeadersAsJelou)
        {
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.UserAgent.ParseAdd(JelouUserAgent);
        }

        return http;
    }

    /// <summary>The User-Agent JelouClient sends for the bench's client (same length and shape).</summary>
    public static string JelouUserAgent =>
        "Jelou-PowerShell/" + JelouClient.Version + " (Jelou.Bench; " + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace("(", string.Empty, StringComparison.Ordinal).Replace(")", string.Empty, StringComparison.Ordinal) + ")";

    /// <summary>The ceiling's bodies: the same JSON the engine sends for rows 1..1024, serialized once.</summary>
    public static byte[][] CeilingBodies()
    {
        var bodies = new byte[CeilingBodyCount][];
        for (int i = 0; i < bodies.Length; i++)
        {
            bodies[i] = BotMessageSerializer.Serialize(BotMessageBuilder.Build(new BotMessageFields { UserId = UserId(i + 1), Text = Text(i + 1) }));
        }

        return bodies;
    }
}
