namespace Jelou.Http
{
    /// <summary>One attempt found no connection within -TimeoutSec; its request never left.</summary>
    internal sealed class ConnectTimeoutException : TimeoutException
    {
        public ConnectTimeoutException(TimeSpan timeout, Exception inner)
            : base("No connection within " + ErrorBodyParser.Seconds(timeout) + ".", inner) => Timeout = timeout;

        public TimeSpan Timeout { get; }
    }
}
