namespace Jelou.Http
{
    /// <summary>
    /// Module-wide defaults for the send cmdlets, set once per session (Set-JelouRequestContext, after Graph's
    /// Set-MgRequestContext); a parameter given on a command always wins.
    /// </summary>
    public sealed record RequestDefaults
    {
        /// <summary>The defaults a new session starts with.</summary>
        public static RequestDefaults Initial { get; } = new();

        /// <summary>Retries of a message that was certainly not delivered.</summary>
        public int MaximumRetryCount { get; init; } = RetrySettings.Default.MaximumRetryCount;

        /// <summary>Base seconds between retries when the server gives no Retry-After.</summary>
        public int RetryIntervalSec { get; init; } = (int)RetrySettings.Default.RetryInterval.TotalSeconds;

        /// <summary>Seconds allowed for each attempt.</summary>
        public int TimeoutSec { get; init; } = (int)RetrySettings.Default.AttemptTimeout.TotalSeconds;

        /// <summary>Requests in flight at once.</summary>
        public int ThrottleLimit { get; init; } = Bulk.BulkOptions.DefaultThrottleLimit;

        /// <summary>Messages per second at most; null for no pacing.</summary>
        public double? RateLimit { get; init; }

        /// <summary>Also retry failures after which the message may have been delivered.</summary>
        public bool RetryPossiblyDelivered { get; init; }

        /// <summary>A proxy for every request; null uses the system proxy.</summary>
        public Uri? Proxy { get; init; }

        /// <summary>The send journal of every send in the session, a full path; null for none.</summary>
        public string? JournalPath { get; init; }

        /// <summary>Builds the retry settings for a command.</summary>
        public static RetrySettings ToRetrySettings(int maximumRetryCount, int retryIntervalSec, int timeoutSec, bool retryPossiblyDelivered) => new()
        {
            MaximumRetryCount = maximumRetryCount,
            RetryInterval = TimeSpan.FromSeconds(retryIntervalSec),
            AttemptTimeout = TimeSpan.FromSeconds(timeoutSec),
            RetryPossiblyDelivered = retryPossiblyDelivered,

            // The per-message budget grows with the attempts allowed, so a long -TimeoutSec is never cut short.
            TotalTimeout = TimeSpan.FromSeconds(Math.Max(RetrySettings.Default.TotalTimeout.TotalSeconds, (timeoutSec + 60.0) * (maximumRetryCount + 1))),
        };
    }
}
