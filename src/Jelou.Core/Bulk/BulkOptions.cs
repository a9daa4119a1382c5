using Jelou.Http;

namespace Jelou.Bulk
{
    /// <summary>How a batch is sent.</summary>
    public sealed class BulkOptions
    {
        /// <summary>The default number of requests in flight: enough to hide network latency, gentle on the API.</summary>
        public const int DefaultThrottleLimit = 8;

        /// <summary>
        /// Requests in flight at once, counted per attempt: a row waiting out a short Retry-After between attempts holds
        /// none. 1 sends strictly one after another, in input order.
        /// </summary>
        public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

        /// <summary>Messages per second at most (token bucket); null for no pacing.</summary>
        public double? RateLimit { get; init; }

        /// <summary>
        /// Where rows with a <see cref="BulkItem.JournalRow"/> are recorded: before the request leaves, and when it
        /// completes. Null records nothing.
        /// </summary>
        public Journal.SendJournal? Journal { get; init; }

        /// <summary>Retry and timeout settings for every message.</summary>
        public RetrySettings Retry { get; init; } = RetrySettings.Default;

        /// <summary>
        /// Which failures stop the whole batch (bad credentials, a bot the account cannot use). Called on the thread
        /// that finished the send; it must not throw (an exception is lost with that thread's work, the row is still reported).
        /// </summary>
        public Func<JelouApiException, bool> IsBatchFatal { get; init; } = e => e.IsAccountLevel;

        /// <summary>
        /// Called on the thread that submits rows while it waits in Submit or Drain: about every
        /// <see cref="HeartbeatInterval"/>, and soon after a retry is decided. PowerShell may be written to only from
        /// that thread, so this is where progress is refreshed and retry notices are written while nothing completes.
        /// </summary>
        internal Action? Heartbeat { get; init; }

        /// <summary>How often <see cref="Heartbeat"/> is called while the caller's thread waits.</summary>
        internal TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    }
}
