namespace Jelou.Http
{
    /// <summary>What happened to one request, success or not; failures are values, not exceptions, so a bulk send stays fast.</summary>
    public sealed class SendOutcome
    {
        internal SendOutcome(string? messageId, int? httpStatus, int attempts, TimeSpan duration, JelouApiException? error, IReadOnlyList<string> retryReasons)
        {
            MessageId = messageId;
            HttpStatus = httpStatus;
            Attempts = attempts;
            Duration = duration;
            Error = error;
            RetryReasons = retryReasons;
        }

        /// <summary>True when the server acknowledged the message.</summary>
        public bool Succeeded => Error is null;

        /// <summary>The server's message id, when it gave one.</summary>
        public string? MessageId { get; }

        /// <summary>The last HTTP status, when the server answered.</summary>
        public int? HttpStatus { get; }

        /// <summary>Attempts made (1 when the first one settled it); 0 when nothing was sent.</summary>
        public int Attempts { get; }

        /// <summary>Time from the first attempt to the end, waits included.</summary>
        public TimeSpan Duration { get; }

        /// <summary>The failure, or null.</summary>
        public JelouApiException? Error { get; }

        /// <summary>Why each retry happened, in order (for Verbose output and the report).</summary>
        public IReadOnlyList<string> RetryReasons { get; }

        /// <summary>Throws <see cref="Error"/> when the send failed.</summary>
        public SendOutcome EnsureSuccess() => Error is null ? this : throw Error;
    }
}
