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
    internal sealed partial class JelouJsonContext : JsonSerializerContext
    {
    }
}
