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
using Polly.Timeout;

namespace Jelou.Http
{
    /// <summary>
    /// A long-lived client for the Jelou API: Basic auth, UTF-8 JSON, TLS 1.2/1.3 and proxy set on its own
    /// handler, and one Polly pipeline per retry setting that never retries a send the server may have received
    /// unless asked to.
    /// </summary>
    public sealed class JelouClient : IDisposable
    {
        private static readonly MediaTypeHeaderValue JsonContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
        private static readonly ResiliencePropertyKey<AttemptState> StateKey = new("Jelou.AttemptState");
        private readonly HttpClient http;
        private readonly Redactor redactor;
        private readonly BackoffGate gate = new();
        private readonly ConcurrentDictionary<RetrySettings, ResiliencePipeline<HttpResponseMessage>> pipelines = new();

        /// <summary>Creates a client with its own handler.</summary>
        public JelouClient(JelouClientOptions options)
            : this(options, CreateHandler(options), disposeHandler: true)
        {
        }

        /// <summary>Creates a client over a given handler (tests, custom transports).</summary>
        public JelouClient(JelouClientOptions options, HttpMessageHandler handler, bool disposeHandler)
        {
            Options = options ?? throw new ArgumentNullException(nameof(options));
            BaseUri = JelouClientOptions.ValidateBaseUri(options.BaseUri);
            var secret = options.Credential.RevealSecret();
            var basic = options.Credential.ToBasicParameter();
            redactor = new Redactor(secret, basic);
            http = new HttpClient(handler, disposeHandler)
            {
                BaseAddress = BaseUri,

                // Timeouts are per attempt and per message, enforced by the resilience pipeline.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent(options.UserAgentComment));
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

            return SendAsync(HttpMethod.Post, "v1/bots/" + Uri.EscapeDataString(botId.Trim()) + "/messages", BotMessageSerializer.Serialize(message), options, cancellationToken);
        }

        /// <summary>Sends messages into a room (POST /v1/rooms/{roomId}/message).</summary>
        public Task<SendOutcome> SendRoomMessageAsync(string roomId, RoomMessageRequest request, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(roomId))
            {
                throw new ArgumentException("The room id is empty.", nameof(roomId));
            }

            return SendAsync(HttpMethod.Post, "v1/rooms/" + Uri.EscapeDataString(roomId.Trim()) + "/message", BotMessageSerializer.Serialize(request), options, cancellationToken);
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
            var readOptions = new SendRequestOptions { Retry = retry, Pacer = options?.Pacer, OnRetry = options?.OnRetry };
            return SendAsync(HttpMethod.Get, "v1/bots/" + Uri.EscapeDataString(botId.Trim()) + "/templates", null, readOptions, cancellationToken);
        }

        /// <inheritdoc />
        public void Dispose() => http.Dispose();

        /// <summary>Makes any text safe to show: removes this client's secret and Basic token.</summary>
        public string Redact(string text) => redactor.Redact(text);

        internal static HttpMessageHandler CreateHandler(JelouClientOptions options)
        {
            var handler = new HttpClientHandler
            {
                // Set per handler, never on ServicePointManager: Windows PowerShell 5.1 on older .NET Framework
                // defaults would otherwise offer TLS 1.0, and changing the process-wide setting affects other modules.
                SslProtocols = SslProtocols.Tls12 | (SslProtocols)12288,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = 256,
                UseCookies = false,
            };
            if (options.Proxy is not null)
            {
                handler.UseProxy = true;
                handler.Proxy = new WebProxy(options.Proxy)
                {
                    Credentials = options.ProxyUseDefaultCredentials ? CredentialCache.DefaultCredentials : options.ProxyCredential,
                    UseDefaultCredentials = options.ProxyUseDefaultCredentials,
                };
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

        private static string UserAgent(string? comment)
        {
            var runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace("(", string.Empty).Replace(")", string.Empty);
            return "Jelou-PowerShell/" + Version + " (" + (string.IsNullOrWhiteSpace(comment) ? string.Empty : comment + "; ") + runtime + ")";
        }

        private async Task<SendOutcome> SendAsync(HttpMethod method, string path, byte[]? body, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            var settings = options?.Retry ?? RetrySettings.Default;
            var pipeline = pipelines.GetOrAdd(settings, BuildPipeline);
            var state = new AttemptState(this, method, new Uri(BaseUri, path), body, options);
            var stopwatch = Stopwatch.StartNew();
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(StateKey, state);
            try
            {
                var outcome = await pipeline.ExecuteOutcomeAsync(static (ctx, s) => s.AttemptAsync(ctx.CancellationToken), context, state).ConfigureAwait(false);
                using var response = outcome.Result;
                return await FinishAsync(response, outcome.Exception, state, stopwatch.Elapsed, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private async Task<SendOutcome> FinishAsync(HttpResponseMessage? response, Exception? exception, AttemptState state, TimeSpan elapsed, CancellationToken cancellationToken)
        {
            if (response is not null)
            {
                var status = (int)response.StatusCode;
                var text = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (status >= 200 && status < 300)
                {
                    var parsed = TryParseSuccess(text);
                    if (parsed?.Success == false)
                    {
                        var error = new JelouApiException(JelouErrorKind.Unexpected, $"Jelou API answered {status} but reported success=false: {Truncate(redactor.Redact(text ?? string.Empty))}", status);
                        return new SendOutcome(null, status, state.Attempts, elapsed, error, state.RetryReasons);
                    }

                    return new SendOutcome(parsed?.MessageId, status, state.Attempts, elapsed, null, state.RetryReasons);
                }

                var failure = ErrorBodyParser.Parse(status, text, response.Headers.RetryAfter, redactor, DateTimeOffset.UtcNow);
                return new SendOutcome(null, status, state.Attempts, elapsed, failure, state.RetryReasons);
            }

            return new SendOutcome(null, null, state.Attempts, elapsed, DescribeException(exception, state, cancellationToken), state.RetryReasons);
        }

        private JelouApiException DescribeException(Exception? exception, AttemptState state, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested && exception is OperationCanceledException)
            {
                return new JelouApiException(JelouErrorKind.Cancelled, state.RequestWritten
                    ? "The send was stopped while the request was in flight; the message may have been delivered."
                    : "The send was stopped before the request was sent.", null, exception)
                {
                    PossiblyDelivered = state.RequestWritten,
                };
            }

            if (exception is TimeoutRejectedException)
            {
                return new JelouApiException(JelouErrorKind.Timeout, $"No answer from {BaseUri.Host} within {ErrorBodyParser.Seconds(state.LastTimeout)}; the message may have been delivered. Raise -TimeoutSec or check before sending it again.", null, exception)
                {
                    PossiblyDelivered = true,
                };
            }

            var before = exception is not null && FailedBeforeSending(exception);
            var detail = redactor.Redact(Innermost(exception)?.Message ?? "unknown error");
            return new JelouApiException(JelouErrorKind.Connection, before
                ? $"Could not connect to {BaseUri.Host}: {detail}. The message was not sent."
                : $"The connection to {BaseUri.Host} failed after the request was sent: {detail}. The message may have been delivered; check before sending it again.", null, exception)
            {
                PossiblyDelivered = !before,
            };
        }

        private static bool FailedBeforeSending(Exception exception) => FailureClassifier.FailedBeforeSending(exception);

        private static Exception? Innermost(Exception? e)
        {
            while (e?.InnerException is not null)
            {
                e = e.InnerException;
            }

            return e;
        }

        private static SendMessageResponse? TryParseSuccess(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize(text!, JelouJsonContext.Default.SendMessageResponse);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string Truncate(string text) => text.Length <= 300 ? text : text.Substring(0, 300) + "...";

        private ResiliencePipeline<HttpResponseMessage> BuildPipeline(RetrySettings settings)
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.TotalTimeout });
            if (settings.MaximumRetryCount > 0)
            {
                builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = settings.MaximumRetryCount,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryInterval,
                    MaxDelay = settings.MaximumRetryDelay,
                    ShouldHandle = args => new ValueTask<bool>(RetryReason(args.Outcome, settings, args.Context.CancellationToken) is not null),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(ServerDelay(args.Outcome, settings)),
                    OnRetry = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        var reason = RetryReason(args.Outcome, settings, args.Context.CancellationToken) ?? "a retryable failure";
                        var sentence = $"Attempt {args.AttemptNumber + 1} failed ({reason}); retrying in {ErrorBodyParser.Seconds(args.RetryDelay)}.";
                        state?.AddRetry(sentence);
                        return default;
                    },
                });
            }

            builder.AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args =>
                {
                    var state = args.Context.Properties.GetValue(StateKey, null!);
                    if (state is not null)
                    {
                        state.LastTimeout = settings.AttemptTimeout;
                    }

                    return new ValueTask<TimeSpan>(settings.AttemptTimeout);
                },
            });
            return builder.Build();
        }

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
                case TimeoutRejectedException when settings.RetryPossiblyDelivered:
                    return "timed out, retried because -RetryPossiblyDelivered was given";
                case OperationCanceledException:
                    return null;
                case HttpRequestException or IOException when !token.IsCancellationRequested:
                    return FailureClassifier.FailedBeforeSending(outcome.Exception)
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
            private readonly JelouClient client;
            private readonly HttpMethod method;
            private readonly Uri uri;
            private readonly byte[]? body;
            private readonly SendRequestOptions? options;
            private List<string>? retryReasons;
            private int requestWritten;

            public AttemptState(JelouClient client, HttpMethod method, Uri uri, byte[]? body, SendRequestOptions? options)
            {
                this.client = client;
                this.method = method;
                this.uri = uri;
                this.body = body;
                this.options = options;
            }

            public int Attempts { get; private set; }

            public TimeSpan LastTimeout { get; set; }

            public bool RequestWritten => Volatile.Read(ref requestWritten) != 0;

            public IReadOnlyList<string> RetryReasons => (IReadOnlyList<string>?)retryReasons ?? Array.Empty<string>();

            public void AddRetry(string sentence)
            {
                (retryReasons ??= new List<string>()).Add(sentence);
                options?.OnRetry?.Invoke(sentence);
            }

            public async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(CancellationToken cancellationToken)
            {
                try
                {
                    await client.gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (options?.Pacer is { } pacer)
                    {
                        using var lease = await pacer.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                    }

                    Attempts++;
                    using var request = new HttpRequestMessage(method, uri);
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body);
                        request.Content.Headers.ContentType = JsonContentType;
                    }

                    Interlocked.Exchange(ref requestWritten, 1);
                    var response = await client.http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (status == 429 || status == 503)
                    {
                        var wait = ErrorBodyParser.ParseRetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow) ?? TimeSpan.FromSeconds(1);
                        var cap = options?.Retry?.MaximumRetryDelay ?? RetrySettings.Default.MaximumRetryDelay;
                        client.gate.PauseFor(wait > cap ? cap : wait);
                    }

                    return Outcome.FromResult(response);
                }
                catch (Exception ex)
                {
                    return Outcome.FromException<HttpResponseMessage>(ex);
                }
            }
        }
    }
}
