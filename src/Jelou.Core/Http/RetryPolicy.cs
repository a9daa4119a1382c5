using System.Net;
using Polly;
using Polly.Retry;

namespace Jelou.Http
{
    /// <summary>
    /// The retry half of the transport, for every endpoint alike: which outcomes call for another attempt, how long to
    /// wait, and the sentence each retry leaves in the log. Polly runs it only once a first attempt calls for a retry.
    /// </summary>
    internal static class RetryPolicy
    {
        /// <summary>Where a Polly context carries the call's <see cref="RequestAttempts"/>.</summary>
        public static readonly ResiliencePropertyKey<RequestAttempts> StateKey = new("Jelou.AttemptState");

        public static ResiliencePipeline<HttpResponseMessage> Build(RetrySettings settings)
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
                        var reason = (state is null ? null : RetryReason(args.Outcome, settings, state, args.Context.CancellationToken)) ?? "a retryable failure";
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
            var state = context.Properties.GetValue(StateKey, null!);
            if (state is null || RetryReason(outcome, settings, state, context.CancellationToken) is null)
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

        /// <summary>
        /// Why <paramref name="outcome"/> calls for another attempt, or null when it does not. A failure after which the
        /// request may have reached the server is retried only for a safe endpoint (a read), or when the caller allowed it
        /// (-RetryPossiblyDelivered); a POST is otherwise at most once.
        /// </summary>
        public static string? RetryReason(Outcome<HttpResponseMessage> outcome, RetrySettings settings, RequestAttempts state, CancellationToken token)
        {
            var safe = state.Endpoint.IsSafe;
            var again = safe || settings.RetryPossiblyDelivered;
            var why = safe ? ", retried because a read changes nothing" : ", retried because -RetryPossiblyDelivered was given";
            if (outcome.Result is { } response)
            {
                var status = (int)response.StatusCode;
                return status switch
                {
                    429 => "429 Too Many Requests",
                    503 => "503 Service Unavailable",
                    500 or 502 or 504 when again => JelouApiException.Describe(status) + why,
                    _ => null,
                };
            }

            switch (outcome.Exception)
            {
                case ConnectTimeoutException connect when !token.IsCancellationRequested:
                    return "could not connect within " + ErrorBodyParser.Seconds(connect.Timeout);
                case AttemptTimeoutException when again:
                    return "timed out" + why;
                case OperationCanceledException:
                    return null;
                case HttpRequestException or IOException when !token.IsCancellationRequested:
                    return TransportFailures.FailedBeforeSending(outcome.Exception)
                        ? "could not connect: " + TransportFailures.Innermost(outcome.Exception)?.Message
                        : again ? "connection lost after sending" + why : null;
                default:
                    return null;
            }
        }

        public static TimeSpan? ServerDelay(Outcome<HttpResponseMessage> outcome, RetrySettings settings)
        {
            var wait = ErrorBodyParser.ParseRetryAfter(outcome.Result?.Headers.RetryAfter, DateTimeOffset.UtcNow);
            return wait is null ? null : wait.Value > settings.MaximumRetryDelay ? settings.MaximumRetryDelay : wait;
        }
    }
}
