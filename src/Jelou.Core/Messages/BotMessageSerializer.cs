using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jelou.Messages
{
    /// <summary>Turns messages into the UTF-8 JSON bodies the API expects.</summary>
    public static class BotMessageSerializer
    {
        /// <summary>Serializes a bot message to UTF-8 JSON.</summary>
        public static byte[] Serialize(BotMessage message)
        {
            if (message is null)
            {
                throw new ArgumentNullException(nameof(message));
            }

            if (message is RawBotMessage raw)
            {
                // Clone so adding userId never changes the caller's object, which may be reused for many rows.
                var body = (JsonObject)raw.Payload.DeepClone();
                body["userId"] = raw.UserId;
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, JelouJsonContext.WriterOptions))
                {
                    body.WriteTo(writer);
                }

                return buffer.ToArray();
            }

            return JsonSerializer.SerializeToUtf8Bytes(message, JelouJsonContext.Wire.GetTypeInfo(message.GetType())!);
        }

        /// <summary>Serializes a room request to UTF-8 JSON.</summary>
        public static byte[] Serialize(RoomMessageRequest request) =>
            JsonSerializer.SerializeToUtf8Bytes(request, JelouJsonContext.Wire.RoomMessageRequest);
    }
}
