using System.Text.Json.Serialization;

namespace Jelou.Messages
{
    /// <summary>The body of POST /v1/rooms/{roomId}/message: one or more messages from one sender.</summary>
    public sealed class RoomMessageRequest
    {
        /// <summary>Creates a room request.</summary>
        public RoomMessageRequest(string senderId, IReadOnlyList<RoomMessage> messages)
        {
            SenderId = senderId;
            Messages = messages;
        }

        /// <summary>Bot.id, Bot.socketId, Operator.id or a generic uuid.</summary>
        [JsonPropertyName("senderId")]
        public string SenderId { get; }

        /// <summary>The messages, delivered in order.</summary>
        [JsonPropertyName("messages")]
        public IReadOnlyList<RoomMessage> Messages { get; }
    }

    /// <summary>
    /// One room message. The type is sent uppercase with a uuid <c>id</c>, the shape every documented
    /// generation of the API accepts.
    /// </summary>
    public sealed class RoomMessage
    {
        /// <summary>Creates a room message; <paramref name="id"/> is generated when null.</summary>
        public RoomMessage(string type, string? text, string? mediaUrl, Guid? id = null)
        {
            Type = type;
            Text = text;
            MediaUrl = mediaUrl;
            Id = (id ?? Guid.NewGuid()).ToString("D");
        }

        /// <summary>Client-generated uuid.</summary>
        [JsonPropertyName("id")]
        public string Id { get; }

        /// <summary>TEXT, IMAGE, VIDEO or DOCUMENT.</summary>
        [JsonPropertyName("type")]
        public string Type { get; }

        /// <summary>Text, or caption for media.</summary>
        [JsonPropertyName("text")]
        public string? Text { get; }

        /// <summary>Media URL for IMAGE, VIDEO and DOCUMENT.</summary>
        [JsonPropertyName("mediaUrl")]
        public string? MediaUrl { get; }
    }

    /// <summary>The room message types.</summary>
    public static class RoomMessageTypes
    {
        /// <summary>Text.</summary>
        public const string Text = "TEXT";

        /// <summary>Image.</summary>
        public const string Image = "IMAGE";

        /// <summary>Video.</summary>
        public const string Video = "VIDEO";

        /// <summary>Document.</summary>
        public const string Document = "DOCUMENT";

        /// <summary>Every room type.</summary>
        /// <remarks>Taken from the type descriptors (Validation/RoomMessageDescriptors.cs), where a new type is added.</remarks>
        public static IReadOnlyList<string> All => Validation.RoomMessageDescriptors.Catalog.Names;
    }
}
