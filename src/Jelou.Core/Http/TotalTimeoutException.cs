namespace Jelou.Http
{
    /// <summary>The time allowed for one request, retries and waits included, ran out.</summary>
    internal sealed class TotalTimeoutException : TimeoutException
    {
        public TotalTimeoutException(TimeSpan timeout, Exception inner)
            : base("Gave up after " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

        public TimeSpan Timeout { get; }
    }
}
