using System.Collections.Concurrent;
using System.Reflection;
using Polly;

namespace Jelou.Http
{
    /// <summary>
    /// A long-lived client for the Jelou API, and the transport every endpoint shares: Basic auth and headers, TLS
    /// 1.2/1.3 and proxy set on its own handler, per-attempt timeouts, the pacing gate, retries (one Polly pipeline per
    /// retry setting), delivery tracking and cancellation. It knows no endpoint: each is an <see cref="ApiEndpoint{TResult}"/>
    /// (see Http/Endpoints/), and the calls callers know are extension methods over it (<see cref="JelouEndpoints"/>).
    /// </summary>
    public sealed class JelouClient : IDisposable
    {
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
        private readonly ConcurrentDictionary<(RouteTemplate Route, string Value), Uri> uris = new();

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

        /// <summary>
        /// Calls one endpoint: the request its definition and <paramref name="request"/> describe, under the transport's
        /// attempts, timeouts, pacing and retries; the endpoint turns the answer into its result.
        /// </summary>
        internal Task<TResult> SendAsync<TResult>(ApiEndpoint<TResult> endpoint, in ApiRequest request, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            var uri = Resolve(endpoint.Route, request);
            return SendAsync(endpoint, uri, request.Body, options, cancellationToken);
        }

        /// <inheritdoc />
        public void Dispose() => http.Dispose();

        /// <summary>The client-wide pause in force after a 429 or 503 (when requests resume, and why), or null.</summary>
        internal (DateTimeOffset ResumesAt, string Reason)? Pause => gate.Current;

        /// <summary>The HTTP client every attempt goes through.</summary>
        internal HttpClient Http => http;

        /// <summary>The client-wide pause after a 429 or 503.</summary>
        internal BackoffGate Gate => gate;

        /// <summary>
        /// True over this client's own handler, which writes a body only once its connection is open, so a body not yet
        /// written proves the request never left.
        /// </summary>
        internal bool TrustsUnwrittenBody => trustsUnwrittenBody;

        /// <summary>Makes any text safe to show: removes this client's secret and Basic token.</summary>
        public string Redact(string text) => redactor.Redact(text);

        internal static HttpMessageHandler CreateHandler(JelouClientOptions options) => HandlerFactory.Create(options);

        private static string UserAgent(string? comment)
        {
            var runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace("(", string.Empty).Replace(")", string.Empty);
            return "Jelou-PowerShell/" + Version + " (" + (string.IsNullOrWhiteSpace(comment) ? string.Empty : comment + "; ") + runtime + ")";
        }

        private async Task<TResult> SendAsync<TResult>(ApiEndpoint<TResult> endpoint, Uri uri, RequestBody? body, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            var settings = options?.Retry ?? RetrySettings.Default;
            var state = new RequestAttempts(this, endpoint, uri, body, options, settings);

            // The first attempt runs without Polly: almost every send settles there, and a bulk send at low latency
            // is bound by CPU per message. Polly takes over only once a retry is due.
            var outcome = await state.AttemptAsync(cancellationToken).ConfigureAwait(false);
            if (settings.MaximumRetryCount > 0 && state.HasTimeLeft && RetryPolicy.RetryReason(outcome, settings, state, cancellationToken) is not null)
            {
                outcome = await RetryAsync(outcome, state, settings, cancellationToken).ConfigureAwait(false);
            }

            using var response = outcome.Result;

            // The content was buffered by the send (ResponseContentRead), so this read completes at once.
            var bytes = response?.Content is { } content ? await content.ReadAsByteArrayAsync().ConfigureAwait(false) : null;
            var status = response is null ? (int?)null : (int)response.StatusCode;
            var error = response is not null
                ? TransportFailures.FromStatus(status!.Value, bytes, response, state, redactor, options)
                : TransportFailures.FromException(outcome.Exception, state, BaseUri.Host, redactor, cancellationToken);
            return endpoint.Complete(new ApiAnswer(status, bytes, error, state.Attempts, state.Elapsed(), state.RetryReasons, redactor));
        }

        private async Task<Outcome<HttpResponseMessage>> RetryAsync(Outcome<HttpResponseMessage> first, RequestAttempts state, RetrySettings settings, CancellationToken cancellationToken)
        {
            // From here the rest of the call's budget is a token, so Polly's waits between attempts end with it too.
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(state.Remaining());
            state.Pending = first;
            var context = ResilienceContextPool.Shared.Get(budget.Token);
            context.Properties.Set(RetryPolicy.StateKey, state);
            try
            {
                var pipeline = pipelines.GetOrAdd(settings, RetryPolicy.Build);
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

        private Uri Resolve(RouteTemplate route, in ApiRequest request)
        {
            // A route with one placeholder and no query is cached by the value as given: a batch names the same bot on
            // every row, and this skips the escaping and parsing.
            var cacheable = route.Count == 1 && request.Query is null && request.PathValue is not null;
            if (cacheable && uris.TryGetValue((route, request.PathValue!), out var uri))
            {
                return uri;
            }

            uri = new Uri(BaseUri, route.Expand(request));

            // Bot ids are few; room ids may be many, so the cache stops growing rather than holding every room.
            if (cacheable && uris.Count < 4096)
            {
                uris.TryAdd((route, request.PathValue!), uri);
            }

            return uri;
        }
    }
}
