using System.Text;

namespace Jelou.Http
{
    /// <summary>
    /// What the transport hands an endpoint when a call ends: either the failure it already read (a non-2xx status,
    /// or no answer at all), or a 2xx status with its body for the endpoint to decide on; and, either way, how the
    /// call went (attempts, time, retries).
    /// </summary>
    internal readonly struct ApiAnswer
    {
        private readonly Redactor? redactor;

        public ApiAnswer(int? status, byte[]? body, JelouApiException? error, int attempts, TimeSpan duration, IReadOnlyList<string> retryReasons, Redactor? redactor)
        {
            Status = status;
            Body = body;
            Error = error;
            Attempts = attempts;
            Duration = duration;
            RetryReasons = retryReasons;
            this.redactor = redactor;
        }

        /// <summary>The last HTTP status, when the server answered.</summary>
        public int? Status { get; }

        /// <summary>The answer's body (buffered), when there was one.</summary>
        public byte[]? Body { get; }

        /// <summary>The failure the transport read, or null when the server answered 2xx.</summary>
        public JelouApiException? Error { get; }

        /// <summary>Attempts made (0 when nothing was sent).</summary>
        public int Attempts { get; }

        /// <summary>Time from the first attempt to the end, waits included.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Why each retry happened, in order.</summary>
        public IReadOnlyList<string> RetryReasons { get; }

        /// <summary>
        /// A 2xx whose body says the request failed: the server's own words (decoded, then redacted, so an escaped
        /// secret is caught too), then what it said, such as "success=false".
        /// </summary>
        public JelouApiException ReportedFailure(string reported)
        {
            var status = Status ?? 0;
            var text = Body is { Length: > 0 } bytes ? Encoding.UTF8.GetString(bytes) : null;
            var detail = ErrorBodyParser.Parse(status, text, null, redactor ?? new Redactor(), DateTimeOffset.UtcNow).ApiMessage ?? "no message";
            return new JelouApiException(JelouErrorKind.Unexpected, $"{ErrorBodyParser.Sentence(detail)} Jelou API answered {status} but reported {reported}.", status);
        }
    }
}
