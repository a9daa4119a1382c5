using System.Diagnostics;
using Polly;

namespace Jelou.Http
{
    /// <summary>
    /// One call's attempts: its timers (per attempt and for the whole call), the waits before each attempt (the client-wide
    /// pause, adaptive pacing, -RateLimit), the attempt itself, and whether any attempt may have reached the server.
    /// </summary>
    internal sealed class RequestAttempts
    {
        private static readonly double TicksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;
        private readonly JelouClient client;
        private readonly HttpMethod method;
        private readonly Uri uri;
        private readonly RequestBody? body;
        private readonly SendRequestOptions? options;
        private readonly TimeSpan attemptTimeout;
        private readonly TimeSpan totalTimeout;
        private readonly bool unlimited;
        private readonly long started;
        private readonly long row;
        private List<string>? retryReasons;
        private int inFlight;
        private int ambiguous;

        public RequestAttempts(JelouClient client, ApiEndpoint endpoint, Uri uri, RequestBody? body, SendRequestOptions? options, RetrySettings settings)
        {
            Endpoint = endpoint;
            this.client = client;
            method = endpoint.Method;
            this.uri = uri;
            this.body = body;
            this.options = options;
            attemptTimeout = settings.AttemptTimeout;
            totalTimeout = settings.TotalTimeout;

            // Infinite, or longer than a timer can run (about 24.8 days): no budget at all.
            unlimited = totalTimeout == Timeout.InfiniteTimeSpan || totalTimeout.TotalMilliseconds >= int.MaxValue;
            started = Stopwatch.GetTimestamp();
            row = JelouClient.SendingRow;
        }

        /// <summary>The endpoint called: its method, and whether a failure after sending may be retried.</summary>
        public ApiEndpoint Endpoint { get; }

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
            if (!client.Gate.IsOpen || pacer is not null || (pace is not null && !pace.TryEnter(out turn)))
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
                        await client.Gate.WaitAsync(attempt.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        turn = await pace.EnterAsync(client.Gate, attempt.Token).ConfigureAwait(false);
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
            TrackedContent? content = null;
            if (body is not null)
            {
                request.Content = content = body.CreateContent();
            }

            Interlocked.Exchange(ref inFlight, 1);
            try
            {
                // The round trip is timed only while the server limits the batch: it is what tells when to stop pacing.
                var sentAt = pace?.IsLimited == true ? Stopwatch.GetTimestamp() : 0;
                var response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
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
                        client.Gate.PauseFor(wait > cap ? cap : wait, PauseReason(status, asked, cap));
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
        private bool NeverLeft(TrackedContent? content) => client.TrustsUnwrittenBody && content is { Started: false };
    }
}
