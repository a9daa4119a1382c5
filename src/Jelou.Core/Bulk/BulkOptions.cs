using Jelou.Http;

namespace Jelou.Bulk
{
    /// <summary>How a batch is sent.</summary>
    public sealed class BulkOptions
    {
        /// <summary>The default number of requests in flight: enough to hide network latency, gentle on the API.</summary>
        public const int DefaultThrottleLimit = 8;

        /// <summary>Requests in flight at once; 1 sends strictly one after another.</summary>
        public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

        /// <summary>Messages per second at most (token bucket); null for no pacing.</summary>
        public double? RateLimit { get; init; }

        /// <summary>Retry and timeout settings for every message.</summary>
        public RetrySettings Retry { get; init; } = RetrySettings.Default;

        /// <summary>
        /// Which failures stop the whole batch (bad credentials, a bot the account cannot use). Called on the thread
        /// that finished the send; it must not throw (an exception is lost with that thread's work, the row is still reported).
        /// </summary>
        public Func<JelouApiException, bool> IsBatchFatal { get; init; } = e => e.IsAccountLevel;
    }
}
