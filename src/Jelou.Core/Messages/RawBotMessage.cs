using System.Text.Json.Nodes;

namespace Jelou.Messages
{
    /// <summary>
    /// The escape hatch for types the module does not model (carousel, future types): the payload is sent
    /// as given, with <c>userId</c> added.
    /// </summary>
    public sealed class RawBotMessage : BotMessage
    {
        /// <summary>Creates a raw message; <paramref name="payload"/> must carry a string <c>type</c>.</summary>
        public RawBotMessage(string userId, JsonObject payload)
            : base(TypeOf(payload), userId) => Payload = payload;

        /// <summary>The body as the user gave it.</summary>
        public JsonObject Payload { get; }

        private static string TypeOf(JsonObject payload) =>
            (payload ?? throw new ArgumentNullException(nameof(payload)))["type"] is JsonValue value && value.TryGetValue(out string? type) ? type : string.Empty;
    }
}
