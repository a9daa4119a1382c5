namespace Jelou.Http
{
    /// <summary>What one read (a GET) ended with, success or not; failures are values, as for sends.</summary>
    public class ReadResult
    {
        internal ReadResult(int? httpStatus, int attempts, TimeSpan duration, JelouApiException? error, IReadOnlyList<string> retryReasons)
        {
            HttpStatus = httpStatus;
            Attempts = attempts;
            Duration = duration;
            Error = error;
            RetryReasons = retryReasons;
        }

        /// <summary>True when the server answered the read.</summary>
        public bool Succeeded => Error is null;

        /// <summary>The last HTTP status, when the server answered.</summary>
        public int? HttpStatus { get; }

        /// <summary>Attempts made (1 when the first one settled it); 0 when nothing was sent.</summary>
        public int Attempts { get; }

        /// <summary>Time from the first attempt to the end, waits included.</summary>
        public TimeSpan Duration { get; }

        /// <summary>The failure, or null.</summary>
        public JelouApiException? Error { get; }

        /// <summary>Why each retry happened, in order.</summary>
        public IReadOnlyList<string> RetryReasons { get; }
    }

    /// <summary>A read that, when it succeeded, carries what it read.</summary>
    /// <typeparam name="T">What the endpoint reads.</typeparam>
    public sealed class ReadResult<T> : ReadResult
    {
        internal ReadResult(T? value, int? httpStatus, int attempts, TimeSpan duration, JelouApiException? error, IReadOnlyList<string> retryReasons)
            : base(httpStatus, attempts, duration, error, retryReasons) => Value = value;

        /// <summary>What was read; the type's default when the read failed.</summary>
        public T? Value { get; }

        /// <summary>The value, or <see cref="ReadResult.Error"/> thrown when the read failed.</summary>
        public T EnsureSuccess() => Error is null ? Value! : throw Error;
    }
}
