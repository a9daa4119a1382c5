namespace Jelou.Http
{
    // What a send needs from the documented success body {success, messageId}; rooms answer {status, message, messageId}.
    internal sealed class SendMessageResponse
    {
        public bool? Success { get; set; }

        public string? MessageId { get; set; }
    }
}
