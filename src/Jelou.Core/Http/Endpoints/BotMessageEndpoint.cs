namespace Jelou.Http
{
    /// <summary>POST /v1/bots/{botId}/messages: one message to one user, answered <c>{success, messageId}</c>.</summary>
    internal sealed class BotMessageEndpoint : ApiEndpoint<SendOutcome>
    {
        public static BotMessageEndpoint Instance { get; } = new();

        private BotMessageEndpoint()
            : base(HttpMethod.Post, "v1/bots/{botId}/messages")
        {
        }

        public override SendOutcome Complete(in ApiAnswer answer) => MessageResponseParser.Complete(answer);
    }
}
