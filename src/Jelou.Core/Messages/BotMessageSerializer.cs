using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jelou.Messages
{
    /// <summary>Turns messages into the UTF-8 JSON bodies the API expects.</summary>
    public static class BotMessageSerializer
    {
        [ThreadStatic]
        private static MemoryStream? cachedBuffer;

        [ThreadStatic]
        private static Utf8JsonWriter? cachedWriter;

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
                return Write(body, static (writer, b) => b.WriteTo(writer));
            }

            return Write(message, static (writer, m) => JsonSerializer.Serialize(writer, m, JelouJsonContext.Default.GetTypeInfo(m.GetType())!));
        }

        /// <summary>Serializes a room request to UTF-8 JSON.</summary>
        public static byte[] Serialize(RoomMessageRequest request) =>
            Write(request, static (writer, r) => JsonSerializer.Serialize(writer, r, JelouJsonContext.Default.RoomMessageRequest));

        /// <summary>Serializes a template send (the HSM endpoint's body) to UTF-8 JSON.</summary>
        public static byte[] Serialize(TemplateMessage message) =>
            Write(message ?? throw new ArgumentNullException(nameof(message)), static (writer, m) => JsonSerializer.Serialize(writer, m, JelouJsonContext.Default.TemplateMessage));

        private static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write)
        {
            // One buffer and writer per thread, reset for each body: a batch serializes one body per row, and nothing
            // awaits between Reset and ToArray, so the thread's pair is never shared.
            var buffer = cachedBuffer ??= new MemoryStream(512);
            var writer = cachedWriter ??= new Utf8JsonWriter(buffer, JelouJsonContext.WriterOptions);
            buffer.SetLength(0);
            writer.Reset(buffer);
            try
            {
                write(writer, value);
                writer.Flush();
                return buffer.ToArray();
            }
            finally
            {
                // A body far larger than usual (a big raw payload) does not stay pinned to the thread.
                if (buffer.Capacity > 64 * 1024)
                {
                    cachedBuffer = null;
                    cachedWriter = null;
                }
            }
        }
    }
}
