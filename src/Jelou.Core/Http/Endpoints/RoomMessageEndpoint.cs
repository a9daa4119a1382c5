namespace Jelou.Http
{
    /// <summary>POST /v1/rooms/{roomId}/message: messages into a room, answered <c>{status, message, messageId}</c>.</summary>
    internal sealed class RoomMessageEndpoint : ApiEndpoint<SendOutcome>
    {
        public static RoomMessageEndpoint Instance { get; } = new();

        private RoomMessageEndpoint()
            : base(HttpMethod.Post, "v1/rooms/{roomId}/message")
        {
        }

        public override SendOutcome Complete(in ApiAnswer answer) => MessageResponseParser.Complete(answer);
    }
}
