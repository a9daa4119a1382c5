using System.Text.Json.Serialization;

namespace Jelou.Http
{
    // The documented success body {success, messageId}; rooms answer {status, message}.
    internal sealed class SendMessageResponse
    {
        [JsonPropertyName("success")]
        public bool? Success { get; set; }

        [JsonPropertyName("messageId")]
        public string? MessageId { get; set; }

        [JsonPropertyName("status")]
        public System.Text.Json.JsonElement? Status { get; set; }

        [JsonPropertyName("message")]
        public System.Text.Json.JsonElement? Message { get; set; }
    }
}
