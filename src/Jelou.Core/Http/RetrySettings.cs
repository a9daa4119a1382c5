namespace Jelou.Http
{
    /// <summary>
    /// How hard a send tries. Named after Invoke-RestMethod's -MaximumRetryCount and -RetryIntervalSec so a
    /// PowerShell user recognises them.
    /// </summary>
    public sealed record RetrySettings
    {
        /// <summary>Defaults: 3 retries, 1 s base interval, 60 s Retry-After cap, 30 s per attempt, 5 min per message.</summary>
        public static RetrySettings Default { get; } = new();

        /// <summary>Retries after the first attempt; 0 disables retries.</summary>
        public int MaximumRetryCount { get; init; } = 3;

        /// <summary>Base of the exponential backoff (with jitter) when the server gives no Retry-After.</summary>
        public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest wait between attempts, whatever Retry-After asks for.</summary>
        public TimeSpan MaximumRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

        /// <summary>Time allowed for one attempt.</summary>
        public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Time allowed for one message, all attempts and waits included.</summary>
        public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// Also retry failures after which the server may have delivered the message (500, 502, 504, a timeout or a
        /// connection lost after sending). Off by default: a retried send can deliver a WhatsApp message twice.
        /// </summary>
        public bool RetryPossiblyDelivered { get; init; }
    }
}
