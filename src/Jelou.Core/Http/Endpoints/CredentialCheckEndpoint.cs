namespace Jelou.Http
{
    /// <summary>
    /// GET /v1/bots/{botId}/templates as Test-JelouCredential uses it: a read that changes nothing, whose only
    /// question is whether this credential may read the bot. A 2xx passes unless its body reports a failure.
    /// </summary>
    internal sealed class CredentialCheckEndpoint : ApiEndpoint<ReadResult>
    {
        public static CredentialCheckEndpoint Instance { get; } = new();

        private CredentialCheckEndpoint()
            : base(HttpMethod.Get, "v1/bots/{botId}/templates")
        {
        }

        public override string NotFoundHint => " Check the bot id.";

        public override ReadResult Complete(in ApiAnswer answer)
        {
            var error = answer.Error ?? (ReportedStatus.Failure(answer.Body) is { } reported ? answer.ReportedFailure(reported) : null);
            return new ReadResult(answer.Status, answer.Attempts, answer.Duration, error, answer.RetryReasons);
        }
    }
}
