using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jelou.Messages
{
    // Source generation keeps serialization reflection-free and fast on both runtimes; the context is
    // internal so no other module can depend on our System.Text.Json types.
    [JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(TextMessage))]
    [JsonSerializable(typeof(OptionsMessage))]
    [JsonSerializable(typeof(QuickReplyMessage))]
    [JsonSerializable(typeof(MediaMessage))]
    [JsonSerializable(typeof(LocationMessage))]
    [JsonSerializable(typeof(LocationRequestMessage))]
    [JsonSerializable(typeof(ContactsMessage))]
    [JsonSerializable(typeof(CtaUrlMessage))]
    [JsonSerializable(typeof(VoiceCallMessage))]
    [JsonSerializable(typeof(Contact))]
    [JsonSerializable(typeof(List<Contact>))]
    [JsonSerializable(typeof(RoomMessageRequest))]
    [JsonSerializable(typeof(TemplateMessage))]
    internal sealed partial class JelouJsonContext : JsonSerializerContext
    {
        /// <summary>
        /// How request bodies are written: the generated serializers (through <see cref="Default"/>, whose options keep
        /// the generated fast path) onto a writer whose encoder leaves non-ASCII text as UTF-8. A body is JSON for an API,
        /// never HTML, so "está" need not become "est\u00e1": Spanish text stays short on the wire and costs less to
        /// write. Quotes, backslashes and control characters are still escaped.
        /// </summary>
        internal static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    }
}
