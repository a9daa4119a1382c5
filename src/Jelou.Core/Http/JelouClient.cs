using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Jelou.Messages;
using Polly;
using Polly.Retry;

namespace Jelou.Http
{
    /// <summary>
    /// A long-lived client for the Jelou API: Basic auth, UTF-8 JSON, TLS 1.2/1.3 and proxy set on its own
    /// handler, and one Polly pipeline per retry setting that never retries a send the server may have received
    /// unless asked to.
    /// </summary>
    public sealed class JelouClient : IDisposable
    {
        // Text, like the default headers below: a typed value would be formatted again for every request.
        private const string JsonContentType = "application/json; charset=utf-8";
        private static readonly ResiliencePropertyKey<AttemptState> StateKey = new("Jelou.AttemptState");

        /// <summary>
        /// The row a send is started for, set by the bulk engine around the synchronous start of the call and read once
        /// as the send begins (before its first await), so the send's retry notices can name the row.
        /// </summary>
        [ThreadStatic]
        internal static long SendingRow;
        private readonly HttpClient http;
        private readonly Redactor redactor;
        private readonly BackoffGate gate = new();
        private readonly bool trustsUnwrittenBody;
        private readonly ConcurrentDictionary<RetrySettings, ResiliencePipeline<HttpResponseMessage>> pipelines = new();
        private readonly ConcurrentDictionary<string, Uri> botMessageUris = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Uri> roomMessageUris = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Uri> templateUris = new(StringComparer.Ordinal);

        /// <summary>Creates a client with its own handler.</summary>
        public JelouClient(JelouClientOptions options)
            : this(options, CreateHandler(options), disposeHandler: true, ownHandler: true)
        {
        }

        /// <summary>Creates a client over a given handler (tests, custom transports).</summary>
        public JelouClient(JelouClientOptions options, HttpMessageHandler handler, bool disposeHandler)
            : this(options, handler, disposeHandler, ownHandler: false)
        {
        }

        /// <summary>Tests: a client over <paramref name="handler"/> that trusts it as it trusts its own handler.</summary>
        internal JelouClient(JelouClientOptions options, HttpMessageHandler handler, bool disposeHandler, bool ownHandler)
        {
            // Only this client's own handler is known to write a body only once its connection is open; over any other
            // handler a body not yet written proves nothing, and every failure after the send began stays ambiguous.
            trustsUnwrittenBody = ownHandler;
            Options = options ?? throw new ArgumentNullException(nameof(options));
            BaseUri = JelouClientOptions.ValidateBaseUri(options.BaseUri);
            var secret = options.Credential.RevealSecret();
            var basic = options.Credential.ToBasicParameter();
            redactor = new Redactor(secret, basic);
            http = new HttpClient(handler, disposeHandler)
            {
                BaseAddress = BaseUri,

                // Timeouts are per attempt and per message, enforced by each attempt's own token source.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            // Stored as text, checked once here: HttpClient copies its default headers into every request, and parsed
            // values are cloned and formatted again per request, which a bulk send at low latency pays for on every row.
            var userAgent = UserAgent(options.UserAgentComment);
            using (var check = new HttpRequestMessage())
            {
                check.Headers.UserAgent.ParseAdd(userAgent);
            }

            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic " + basic);
            http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json");
            http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        }

        /// <summary>The options this client was made with.</summary>
        public JelouClientOptions Options { get; }

        /// <summary>The validated API root.</summary>
        public Uri BaseUri { get; }

        /// <summary>The module version the User-Agent names.</summary>
        public static string Version { get; } =
            typeof(JelouClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(JelouClient).Assembly.GetName().Version?.ToString() ?? "0.0.0";

        /// <summary>Sends one bot message (POST /v1/bots/{botId}/messages).</summary>
        public Task<SendOutcome> SendBotMessageAsync(string botId, BotMessage message, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            return SendAsync(HttpMethod.Post, Resolve(botMessageUris, botId, "v1/bots/", "/messages"), BotMessageSerializer.Serialize(message), options, cancellationToken);
        }

        /// <summary>Sends messages into a room (POST /v1/rooms/{roomId}/message).</summary>
        public Task<SendOutcome> SendRoomMessageAsync(string roomId, RoomMessageRequest request, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(roomId))
            {
                throw new ArgumentException("The room id is empty.", nameof(roomId));
            }

            return SendAsync(HttpMethod.Post, Resolve(roomMessageUris, roomId, "v1/rooms/", "/message"), BotMessageSerializer.Serialize(request), options, cancellationToken);
        }

        /// <summary>
        /// Checks that the credential works for a bot without sending anything: GET /v1/bots/{botId}/templates,
        /// a read-only call. Being idempotent, it is retried on any transient failure.
        /// </summary>
        public Task<SendOutcome> CheckAccessAsync(string botId, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            var retry = (options?.Retry ?? RetrySettings.Default) with { RetryPossiblyDelivered = true };
            var readOptions = new SendRequestOptions { Retry = retry, Pacer = options?.Pacer, OnRetry = options?.OnRetry, OnRowRetry = options?.OnRowRetry, ThrottleLimit = options?.ThrottleLimit, Pace = options?.Pace };
            return SendAsync(HttpMethod.Get, Resolve(templateUris, botId, "v1/bots/", "/templates"), null, readOptions, cancellationToken);
        }

        /// <inheritdoc />
        public void Dispose() => http.Dispose();

        /// <summary>The client-wide pause in force after a 429 or 503 (when requests resume, and why), or null.</summary>
        internal (DateTimeOffset ResumesAt, string Reason)? Pause => gate.Current;

        /// <summary>Makes any text safe to show: removes this client's secret and Basic token.</summary>
        public string Redact(string text) => redactor.Redact(text);

        internal static HttpMessageHandler CreateHandler(JelouClientOptions options)
        {
            var handler = new HttpClientHandler
            {
                // Set per handler, never on ServicePointManager: Windows PowerShell 5.1 on older .NET Framework
                // defaults would otherwise offer TLS 1.0, and changing the process-wide setting affects other modules.
                SslProtocols = SupportedTls,
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = 256,
                UseCookies = false,
            };
            if (options.Proxy is not null)
            {
                handler.UseProxy = true;
                // UseDefaultCredentials first: its setter resets Credentials on .NET, which would drop -ProxyCredential.
                var proxy = new WebProxy(options.Proxy) { UseDefaultCredentials = options.ProxyUseDefaultCredentials };
                if (!options.ProxyUseDefaultCredentials && options.ProxyCredential is not null)
                {
                    proxy.Credentials = options.ProxyCredential;
                }

                handler.Proxy = proxy;
            }
            else if (options.ProxyUseDefaultCredentials)
            {
                handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
            }
            else if (options.ProxyCredential is not null)
            {
                handler.DefaultProxyCredentials = options.ProxyCredential;
            }

            return handler;
        }

        // TLS 1.3 is 12288; .NET Framework before 4.8 has no such value and may refuse it, so it is added only where
        // the runtime defines it.
        private static SslProtocols SupportedTls { get; } =
            Enum.IsDefined(typeof(SslProtocols), 12288) ? SslProtocols.Tls12 | (SslProtocols)12288 : SslProtocols.Tls12;

        private static string UserAgent(string? comment)
        {
            var runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace("(", string.Empty).Replace(")", string.Empty);
            return "Jelou-PowerShell/" + Version + " (" + (string.IsNullOrWhiteSpace(comment) ? string.Empty : comment + "; ") + runtime + ")";
        }

        private async Task<SendOutcome> SendAsync(HttpMethod method, Uri uri, byte[]? body, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            var settings = options?.Retry ?? RetrySettings.Default;
            var state = new AttemptState(this, method, uri, body, options, settings);

            // The first attempt runs without Polly: almost every send settles there, and a bulk send at low latency
            // is bound by CPU per message. Polly takes over only once a retry is due.
            var outcome = await state.AttemptAsync(cancellationToken).ConfigureAwait(false);
            if (settings.MaximumRetryCount > 0 && state.HasTimeLeft && RetryReason(outcome, settings, cancellationToken) is not null)
            {
                outcome = await RetryAsync(outcome, state, settings, cancellationToken).ConfigureAwait(false);
            }

            using var response = outcome.Result;

            // The content was buffered by the send (ResponseContentRead), so this read completes at once.
            var bytes = response?.Content is { } content ? await content.ReadAsByteArrayAsync().ConfigureAwait(false) : null;
            return Finish(response, bytes, outcome.Exception, state, state.Elapsed(), options, cancellationToken);
        }

        private async Task<Outcome<HttpResponseMessage>> RetryAsync(Outcome<HttpResponseMessage> first, AttemptState state, RetrySettings settings, CancellationToken cancellationToken)
        {
            // From here the rest of the message's budget is a token, so Polly's waits between attempts end with it too.
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(state.Remaining());
            state.Pending = first;
            var context = ResilienceContextPool.Shared.Get(budget.Token);
            context.Properties.Set(StateKey, state);
            try
            {
                var pipeline = pipelines.GetOrAdd(settings, BuildPipeline);
                var outcome = await pipeline.ExecuteOutcomeAsync(static (ctx, s) => s.NextAttemptAsync(ctx.CancellationToken), context, state).ConfigureAwait(false);
                return outcome.Exception is OperationCanceledException && budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                    ? Outcome.FromException<HttpResponseMessage>(new TotalTimeoutException(settings.TotalTimeout, outcome.Exception))
                    : outcome;
            }
            finally
            {
                // Polly never asked for the first outcome when the budget had already run out.
                state.Pending?.Result?.Dispose();
                state.Pending = null;
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private Uri Resolve(ConcurrentDictionary<string, Uri> cache, string id, string prefix, string suffix)
        {
            // Keyed by the id as given: a batch names the same bot on every row, and this skips the escaping and parsing.
            if (cache.TryGetValue(id, out var uri))
            {
                return uri;
            }

            uri = new Uri(BaseUri, prefix + Uri.EscapeDataString(id.Trim()) + suffix);

            // Bot ids are few; room ids may be many, so the cache stops growing rather than holding every room.
            if (cache.Count < 4096)
            {
                cache.TryAdd(id, uri);
            }

            return uri;
        }

        private SendOutcome Finish(HttpResponseMessage? response, byte[]? bytes, Exception? exception, AttemptState state, TimeSpan elapsed, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            if (response is not null)
            {
                var status = (int)response.StatusCode;
                if (status >= 200 && status < 300)
                {
                    var parsed = TryParseSuccess(bytes);
                    var text = parsed?.Success == false ? Encoding.UTF8.GetString(bytes!) : null;
                    if (parsed?.Success == false)
                    {
                        // Read through the error parser: it decodes JSON strings before redacting, so an escaped secret is caught too.
                        var detail = ErrorBodyParser.Parse(status, text, null, redactor, DateTimeOffset.UtcNow).ApiMessage ?? "no message";
                        var error = new JelouApiException(JelouErrorKind.Unexpected, $"{ErrorBodyParser.Sentence(detail)} Jelou API answered {status} but reported success=false.", status);
                        return new SendOutcome(null, status, state.Attempts, elapsed, error, state.RetryReasons);
                    }

                    return new SendOutcome(parsed?.MessageId, status, state.Attempts, elapsed, null, state.RetryReasons);
                }

                var failure = ErrorBodyParser.Parse(status, bytes is null ? null : Encoding.UTF8.GetString(bytes), response.Headers.RetryAfter, redactor, DateTimeOffset.UtcNow, options);
                if (state.PossiblyDelivered && !failure.PossiblyDelivered)
                {
                    // An earlier attempt (retried under -RetryPossiblyDelivered) may have got through.
                    failure = new JelouApiException(failure.Kind, failure.Message + " An earlier attempt may have delivered the message; check before sending it again.", status)
                    {
                        ErrorCode = failure.ErrorCode,
                        ErrorKey = failure.ErrorKey,
                        ApiMessage = failure.ApiMessage,
                        RetryAfter = failure.RetryAfter,
                        PossiblyDelivered = true,
                    };
                }

                return new SendOutcome(null, status, state.Attempts, elapsed, failure, state.RetryReasons);
            }

            return new SendOutcome(null, null, state.Attempts, elapsed, DescribeException(exception, state, cancellationToken), state.RetryReasons);
        }

        private JelouApiException DescribeException(Exception? exception, AttemptState state, CancellationToken cancellationToken)
        {
            var maybe = state.PossiblyDelivered;
            var fate = maybe
                ? " The message may have been delivered; check before sending it again."
                : state.Attempts == 0 ? " Nothing was sent." : " The message was not delivered.";
            if (cancellationToken.IsCancellationRequested && exception is OperationCanceledException)
            {
                return new JelouApiException(JelouErrorKind.Cancelled, "The send was stopped." + fate, null, exception) { PossiblyDelivered = maybe };
            }

            switch (exception)
            {
                case AttemptTimeoutException attempt:
                    return new JelouApiException(JelouErrorKind.Timeout, $"No answer from {BaseUri.Host} within {ErrorBodyParser.Seconds(attempt.Timeout)} (-TimeoutSec)." + fate + (maybe ? " Raise -TimeoutSec if the API is slow." : string.Empty), null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
                case ConnectTimeoutException connect:
                    return new JelouApiException(JelouErrorKind.Connection, $"Could not connect to {BaseUri.Host} within {ErrorBodyParser.Seconds(connect.Timeout)} (-TimeoutSec)." + (maybe ? fate : " The message was not sent."), null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
                case TotalTimeoutException total:
                    return new JelouApiException(JelouErrorKind.Timeout, $"Gave up after {ErrorBodyParser.Seconds(total.Timeout)}, the time allowed for one message with its retries and waits ({state.Attempts} attempt(s))." + fate, null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
            }

            var before = exception is not null && FailedBeforeSending(exception);
            var detail = redactor.Redact(Innermost(exception)?.Message ?? "unknown error");
            return new JelouApiException(JelouErrorKind.Connection, before
                ? $"Could not connect to {BaseUri.Host}: {detail}." + (maybe ? fate : " The message was not sent.")
                : $"The connection to {BaseUri.Host} failed after the request was sent: {detail}." + fate, null, exception)
            {
                PossiblyDelivered = maybe,
            };
        }

        private static bool FailedBeforeSending(Exception exception) =>
            exception is RequestNotSentException || FailureClassifier.FailedBeforeSending(exception);

        private static Exception? Innermost(Exception? e)
        {
            while (e?.InnerException is not null)
            {
                e = e.InnerException;
            }

            return e;
        }

        /// <summary>
        /// Reads <c>success</c> and <c>messageId</c> from a 2xx body; null when the body is empty, not a JSON object, or
        /// either field has another type. Read with the reader rather than deserialized: every send parses one.
        /// </summary>
        internal static SendMessageResponse? TryParseSuccess(byte[]? body)
        {
            if (body is null || body.Length == 0)
            {
                return null;
            }

            try
            {
                var reader = new Utf8JsonReader(body);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var parsed = new SendMessageResponse();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("success"u8))
                    {
                        reader.Read();
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.True: parsed.Success = true; break;
                            case JsonTokenType.False: parsed.Success = false; break;
                            case JsonTokenType.Null: parsed.Success = null; break;
                            default: return null;
                        }
                    }
                    else if (reader.ValueTextEquals("messageId"u8))
                    {
                        reader.Read();
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String: parsed.MessageId = reader.GetString(); break;
                            case JsonTokenType.Null: parsed.MessageId = null; break;
                            default: return null;
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // Only a complete object counts; trailing content after it is refused as the deserializer did.
                return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? parsed : null;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a string that is not valid UTF-8 or holds a lone surrogate, which the reader
                // only checks when the value is read. The send still succeeded; it just has no readable id.
                return null;
            }
        }

        private ResiliencePipeline<HttpResponseMessage> BuildPipeline(RetrySettings settings)
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
            if (settings.MaximumRetryCount > 0)
            {
                builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    // Counted in ShouldHandle instead: a 429 while the server accepts other sends costs no retry.
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryInterval,
                    MaxDelay = settings.MaximumRetryDelay,
                    ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, settings, args.Context)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(ServerDelay(args.Outcome, settings) ?? FreeDelay(args.Context, settings)),
                    OnRetry = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        var reason = RetryReason(args.Outcome, settings, args.Context.CancellationToken) ?? "a retryable failure";
                        var free = state?.FreeRetry == true;
                        var sentence = $"Attempt {args.AttemptNumber + 1} failed ({reason}); retrying in {ErrorBodyParser.Seconds(args.RetryDelay)}"
                            + (free ? " (not counted against -MaximumRetryCount: the server accepts other messages)." : ".");
                        state?.AddRetry(sentence);
                        return default;
                    },
                });
            }

            return builder.Build();
        }

        /// <summary>
        /// Whether to retry: a retryable failure within -MaximumRetryCount, or, under adaptive pacing, a 429 while the
        /// server accepts other sends of the batch, for as long as its Retry-After fits in what is left of the message's
        /// time budget. A 429 that does not fit ends the row as rate limited rather than as timed out.
        /// </summary>
        private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, RetrySettings settings, ResilienceContext context)
        {
            if (RetryReason(outcome, settings, context.CancellationToken) is null)
            {
                return false;
            }

            var state = context.Properties.GetValue(StateKey, null!);
            if (state is null)
            {
                return false;
            }

            state.FreeRetry = outcome.Result is { StatusCode: (HttpStatusCode)429 } && state.ServerAcceptsOthers;
            if (state.FreeRetry)
            {
                var wait = ServerDelay(outcome, settings) ?? settings.RetryInterval;
                return state.Unlimited || wait < state.Remaining();
            }

            if (state.CountedRetries >= settings.MaximumRetryCount)
            {
                return false;
            }

            state.CountedRetries++;
            return true;
        }

        // A 429 without Retry-After that costs no retry waits the base interval: the exponential backoff counts attempts,
        // and a row retried many times while the server accepts others would otherwise wait ever longer.
        private static TimeSpan? FreeDelay(ResilienceContext context, RetrySettings settings) =>
            context.Properties.GetValue(StateKey, null!)?.FreeRetry == true ? settings.RetryInterval : null;

        private static string? RetryReason(Outcome<HttpResponseMessage> outcome, RetrySettings settings, CancellationToken token)
        {
            if (outcome.Result is { } response)
            {
                var status = (int)response.StatusCode;
                return status switch
                {
                    429 => "429 Too Many Requests",
                    503 => "503 Service Unavailable",
                    500 or 502 or 504 when settings.RetryPossiblyDelivered => JelouApiException.Describe(status) + ", retried because -RetryPossiblyDelivered was given",
                    _ => null,
                };
            }

            switch (outcome.Exception)
            {
                case ConnectTimeoutException connect when !token.IsCancellationRequested:
                    return "could not connect within " + ErrorBodyParser.Seconds(connect.Timeout);
                case AttemptTimeoutException when settings.RetryPossiblyDelivered:
                    return "timed out, retried because -RetryPossiblyDelivered was given";
                case OperationCanceledException:
                    return null;
                case HttpRequestException or IOException when !token.IsCancellationRequested:
                    return FailedBeforeSending(outcome.Exception)
                        ? "could not connect: " + Innermost(outcome.Exception)?.Message
                        : settings.RetryPossiblyDelivered ? "connection lost after sending, retried because -RetryPossiblyDelivered was given" : null;
                default:
                    return null;
            }
        }

        private static TimeSpan? ServerDelay(Outcome<HttpResponseMessage> outcome, RetrySettings settings)
        {
            var wait = ErrorBodyParser.ParseRetryAfter(outcome.Result?.Headers.RetryAfter, DateTimeOffset.UtcNow);
            return wait is null ? null : wait.Value > settings.MaximumRetryDelay ? settings.MaximumRetryDelay : wait;
        }

        private sealed class AttemptState
        {
            private static readonly double TicksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;
            private readonly JelouClient client;
            private readonly HttpMethod method;
            private readonly Uri uri;
            private readonly byte[]? body;
            private readonly SendRequestOptions? options;
            private readonly TimeSpan attemptTimeout;
            private readonly TimeSpan totalTimeout;
            private readonly bool unlimited;
            private readonly long started;
            private readonly long row;
            private List<string>? retryReasons;
            private int inFlight;
            private int ambiguous;

            public AttemptState(JelouClient client, HttpMethod method, Uri uri, byte[]? body, SendRequestOptions? options, RetrySettings settings)
            {
                this.client = client;
                this.method = method;
                this.uri = uri;
                this.body = body;
                this.options = options;
                attemptTimeout = settings.AttemptTimeout;
                totalTimeout = settings.TotalTimeout;

                // Infinite, or longer than a timer can run (about 24.8 days): no budget at all.
                unlimited = totalTimeout == Timeout.InfiniteTimeSpan || totalTimeout.TotalMilliseconds >= int.MaxValue;
                started = Stopwatch.GetTimestamp();
                row = SendingRow;
            }

            public int Attempts { get; private set; }

            /// <summary>The batch's 2xx count when the last attempt began: a 429 after the server accepted others is not a failed retry.</summary>
            public long AcceptedBefore { get; private set; }

            /// <summary>Retries counted against -MaximumRetryCount (429s while the server accepts other sends are not).</summary>
            public int CountedRetries { get; set; }

            /// <summary>Whether the retry being decided is a 429 not counted against -MaximumRetryCount.</summary>
            public bool FreeRetry { get; set; }

            /// <summary>True when the batch is paced adaptively and the server accepted some send since this row's last attempt began.</summary>
            public bool ServerAcceptsOthers => options?.Pace is { } pace && pace.Accepted > AcceptedBefore;

            public bool Unlimited => unlimited;

            /// <summary>The first attempt's outcome, handed to Polly as its first execution.</summary>
            public Outcome<HttpResponseMessage>? Pending { get; set; }

            /// <summary>
            /// True when some attempt may have reached the server's processing: it was in flight when stopped, timed
            /// out after sending, lost its connection after sending, or got 500/502/504. Waiting (Retry-After, the
            /// client-wide pause, -RateLimit) never counts: nothing is on the wire then.
            /// </summary>
            public bool PossiblyDelivered => Volatile.Read(ref ambiguous) != 0 || Volatile.Read(ref inFlight) != 0;

            public IReadOnlyList<string> RetryReasons => (IReadOnlyList<string>?)retryReasons ?? Array.Empty<string>();

            public TimeSpan Elapsed() => TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - started) * TicksPerTimestamp));

            /// <summary>What is left of the message's budget, never negative; infinite when there is no budget.</summary>
            public TimeSpan Remaining()
            {
                if (unlimited)
                {
                    return Timeout.InfiniteTimeSpan;
                }

                var left = totalTimeout - Elapsed();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }

            public bool HasTimeLeft => unlimited || Remaining() > TimeSpan.Zero;

            public void AddRetry(string sentence)
            {
                (retryReasons ??= new List<string>()).Add(sentence);
                options?.OnRetry?.Invoke(sentence);
                options?.OnRowRetry?.Invoke(row, sentence);
            }

            public ValueTask<Outcome<HttpResponseMessage>> NextAttemptAsync(CancellationToken cancellationToken)
            {
                if (Pending is { } first)
                {
                    Pending = null;
                    return new ValueTask<Outcome<HttpResponseMessage>>(first);
                }

                return AttemptAsync(cancellationToken);
            }

            /// <summary>
            /// One attempt under one token source: its timer first bounds the waits by the message's budget, then the
            /// request by -TimeoutSec or by what is left of the budget, whichever ends first.
            /// </summary>
            public async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(CancellationToken cancellationToken)
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var pacer = options?.Pacer;
                var pace = options?.Pace;
                if (pace is not null)
                {
                    AcceptedBefore = pace.Accepted;
                }

                AdaptivePacer.Turn turn = default;
                if (!client.gate.IsOpen || pacer is not null || (pace is not null && !pace.TryEnter(out turn)))
                {
                    // Waits happen before the attempt's own timeout starts: time spent queued is not time on the wire.
                    attempt.CancelAfter(Remaining());
                    try
                    {
                        if (pacer is not null)
                        {
                            using var lease = await pacer.AcquireAsync(1, attempt.Token).ConfigureAwait(false);
                        }

                        // Last, so nothing can fail once the slot is held: a slot, the client-wide pause, then the turn.
                        if (pace is null)
                        {
                            await client.gate.WaitAsync(attempt.Token).ConfigureAwait(false);
                        }
                        else
                        {
                            turn = await pace.EnterAsync(client.gate, attempt.Token).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
                    {
                        return Outcome.FromException<HttpResponseMessage>(new TotalTimeoutException(totalTimeout, ex));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                }

                // The batch's slot (-ThrottleLimit), given back when this method returns, once the answer is read: a row
                // waiting out a Retry-After before its next attempt holds none.
                using var slot = turn;
                var grantedIn = turn.Epoch;
                if (cancellationToken.IsCancellationRequested)
                {
                    return Outcome.FromException<HttpResponseMessage>(new OperationCanceledException(cancellationToken));
                }

                var remaining = Remaining();
                if (!unlimited && remaining <= TimeSpan.Zero)
                {
                    return Outcome.FromException<HttpResponseMessage>(new TotalTimeoutException(totalTimeout, new OperationCanceledException()));
                }

                var budgetBound = !unlimited && remaining <= attemptTimeout;
                attempt.CancelAfter(budgetBound ? remaining : attemptTimeout);
                Attempts++;
                using var request = new HttpRequestMessage(method, uri);
                BodyContent? content = null;
                if (body is not null)
                {
                    request.Content = content = new BodyContent(body);
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
                }

                Interlocked.Exchange(ref inFlight, 1);
                try
                {
                    // The round trip is timed only while the server limits the batch: it is what tells when to stop pacing.
                    var sentAt = pace?.IsLimited == true ? Stopwatch.GetTimestamp() : 0;
                    var response = await client.http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (pace is not null && status >= 200 && status < 300)
                    {
                        pace.OnAccepted(sentAt);
                    }
                    if (status is 500 or 502 or 504)
                    {
                        Interlocked.Exchange(ref ambiguous, 1);
                    }

                    if (status == 429 || status == 503)
                    {
                        var asked = ErrorBodyParser.ParseRetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
                        var wait = asked ?? TimeSpan.FromSeconds(1);
                        var cap = options?.Retry?.MaximumRetryDelay ?? RetrySettings.Default.MaximumRetryDelay;
                        if (status == 429 && pace is not null)
                        {
                            // Under adaptive pacing a 429 slows the batch down instead of stopping it: the row waits its
                            // own Retry-After, the others go on at the reduced rate. Only a long wait still stops them all.
                            pace.OnThrottled(grantedIn);
                        }

                        if (status == 503 || pace is null || wait >= AdaptivePacer.LongRetryAfter)
                        {
                            client.gate.PauseFor(wait > cap ? cap : wait, PauseReason(status, asked, cap));
                        }
                    }

                    Interlocked.Exchange(ref inFlight, 0);
                    return Outcome.FromResult(response);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
                {
                    if (NeverLeft(content))
                    {
                        // Timed out while still connecting (DNS, TCP, TLS, a free connection): the body never started
                        // to go out, so this attempt delivered nothing and may be retried like a refused connection.
                        Interlocked.Exchange(ref inFlight, 0);
                        return Outcome.FromException<HttpResponseMessage>(budgetBound
                            ? new TotalTimeoutException(totalTimeout, ex)
                            : new ConnectTimeoutException(attemptTimeout, ex));
                    }

                    // Timed out after sending: the server may have the message.
                    Interlocked.Exchange(ref ambiguous, 1);
                    Interlocked.Exchange(ref inFlight, 0);
                    return Outcome.FromException<HttpResponseMessage>(budgetBound
                        ? new TotalTimeoutException(totalTimeout, ex)
                        : new AttemptTimeoutException(attemptTimeout, ex));
                }
                catch (Exception ex)
                {
                    var neverLeft = NeverLeft(content);
                    if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                    {
                        // Stopped mid-request (Ctrl+C, or the budget's token during a retry): it stays counted as in
                        // flight, unless its body never started to go out.
                        if (neverLeft)
                        {
                            Interlocked.Exchange(ref inFlight, 0);
                        }

                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }

                    if (neverLeft && ex is HttpRequestException or IOException)
                    {
                        // Failed while connecting, whatever name the platform gives the error (Windows PowerShell
                        // reports a DNS or TLS failure without the details .NET 8 has): nothing of the request left.
                        Interlocked.Exchange(ref inFlight, 0);
                        return Outcome.FromException<HttpResponseMessage>(new RequestNotSentException(ex));
                    }

                    if (!FailureClassifier.FailedBeforeSending(ex))
                    {
                        Interlocked.Exchange(ref ambiguous, 1);
                    }

                    Interlocked.Exchange(ref inFlight, 0);
                    return Outcome.FromException<HttpResponseMessage>(ex);
                }
            }

            /// <summary>Why the batch pauses, in the words progress shows: "429 Too Many Requests, Retry-After 30s".</summary>
            private static string PauseReason(int status, TimeSpan? asked, TimeSpan cap)
            {
                var name = status == 429 ? "429 Too Many Requests" : "503 Service Unavailable";
                return asked is not { } wait ? name + ", no Retry-After"
                    : wait > cap ? $"{name}, Retry-After {ErrorBodyParser.Seconds(wait)}, at most {ErrorBodyParser.Seconds(cap)} waited"
                    : $"{name}, Retry-After {ErrorBodyParser.Seconds(wait)}";
            }

            /// <summary>True when this attempt's body was never written, over a handler that writes it only once connected.</summary>
            private bool NeverLeft(BodyContent? content) => client.trustsUnwrittenBody && content is { Started: false };
        }

        /// <summary>
        /// A request body that records when the handler starts writing it. Handlers write the body only once a connection
        /// is open (HTTP/1.1 and 2 over sockets, and HttpWebRequest on .NET Framework), so a body not yet started means
        /// nothing of this request can have reached the server. Reading it as a stream counts as started too, so a
        /// handler that sends that way is never mistaken for one that sent nothing.
        /// </summary>
        private sealed class BodyContent : HttpContent
        {
            private readonly byte[] body;
            private int started;

            public BodyContent(byte[] body) => this.body = body;

            public bool Started => Volatile.Read(ref started) != 0;

            // Derived from HttpContent, not ByteArrayContent: on .NET 5+ ByteArrayContent's synchronous paths
            // (HttpClient.Send, ReadAsStream) write the bytes without calling anything a netstandard class can override.
            // Here they fall back to these methods or throw, so no path sends the body without marking it.
            protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            {
                Volatile.Write(ref started, 1);
                return stream.WriteAsync(body, 0, body.Length);
            }

            protected override Task<Stream> CreateContentReadStreamAsync()
            {
                Volatile.Write(ref started, 1);
                return Task.FromResult<Stream>(new MemoryStream(body, writable: false));
            }

            protected override bool TryComputeLength(out long length)
            {
                length = body.Length;
                return true;
            }
        }

        /// <summary>A transport failure of an attempt whose body was never written: nothing of the request left.</summary>
        private sealed class RequestNotSentException : HttpRequestException
        {
            public RequestNotSentException(Exception inner)
                : base(inner.Message, inner)
            {
            }
        }

        /// <summary>One attempt found no connection within -TimeoutSec; its request never left.</summary>
        private sealed class ConnectTimeoutException : TimeoutException
        {
            public ConnectTimeoutException(TimeSpan timeout, Exception inner)
                : base("No connection within " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

            public TimeSpan Timeout { get; }
        }

        /// <summary>The time allowed for one message, retries and waits included, ran out.</summary>
        private sealed class TotalTimeoutException : TimeoutException
        {
            public TotalTimeoutException(TimeSpan timeout, Exception inner)
                : base("Gave up after " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

            public TimeSpan Timeout { get; }
        }

        /// <summary>One attempt got no answer within -TimeoutSec after its request was sent.</summary>
        private sealed class AttemptTimeoutException : TimeoutException
        {
            public AttemptTimeoutException(TimeSpan timeout, Exception inner)
                : base("No answer within " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

            public TimeSpan Timeout { get; }
        }
    }
}
