namespace Jelou.Http
{
    /// <summary>A transport failure of an attempt whose body was never written: nothing of the request left.</summary>
    internal sealed class RequestNotSentException : HttpRequestException
    {
        public RequestNotSentException(Exception inner)
            : base(inner.Message, inner)
        {
        }
    }
}
