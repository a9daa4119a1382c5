namespace Jelou.Http
{
    /// <summary>One attempt got no answer within -TimeoutSec after its request was sent.</summary>
    internal sealed class AttemptTimeoutException : TimeoutException
    {
        public AttemptTimeoutException(TimeSpan timeout, Exception inner)
            : base("No answer within " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

        public TimeSpan Timeout { get; }
    }
}
