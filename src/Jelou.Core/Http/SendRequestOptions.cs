using System.Threading.RateLimiting;

namespace Jelou.Http
{
    /// <summary>Per-call settings that are not part of the connection: retries, pacing and a retry log.</summary>
    public sealed class SendRequestOptions
    {
        /// <summary>Retry and timeout settings; <see cref="RetrySettings.Default"/> when null.</summary>
        public RetrySettings? Retry { get; init; }

        /// <summary>A limiter every attempt takes a token from (for -RateLimit); shared across a batch.</summary>
        public RateLimiter? Pacer { get; init; }

        /// <summary>
        /// How many requests of the batch may be in flight at once, when the call is part of one; the advice after a 429
        /// then names only what can still be lowered.
        /// </summary>
        public int? ThrottleLimit { get; init; }

        /// <summary>Called on a pool thread for each retry, with a sentence saying why; must be thread-safe.</summary>
        public Action<string>? OnRetry { get; init; }

        /// <summary>
        /// As <see cref="OnRetry"/>, with the row number the send began under (<see cref="JelouClient.SendingRow"/>,
        /// 0 when none was set), so one options object shared by a batch can say which row is retried.
        /// </summary>
        internal Action<long, string>? OnRowRetry { get; init; }

        /// <summary>
        /// The batch's adaptive pace (the bulk engine sets it): sends take turns from it once the server throttles, and a
        /// 429 with a short Retry-After then delays only its own row instead of pausing the client.
        /// </summary>
        internal AdaptivePacer? Pace { get; init; }
    }
}
