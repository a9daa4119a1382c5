using Jelou.Messages;
using RoomMessageDescriptor = Jelou.Validation.MessageDescriptor<Jelou.Validation.RoomMessageFields, Jelou.Messages.RoomMessage>;

namespace Jelou.Validation
{
    /// <summary>
    /// The room message types of POST /v1/rooms/{roomId}/message (jelou-api.md §3), one descriptor each. Media URLs
    /// follow the same rule as bot messages: §3 documents no other.
    /// </summary>
    internal static class RoomMessageDescriptors
    {
        public static readonly MessageField<RoomMessageFields> Text = new("text", f => f.Text is not null);

        public static readonly MessageField<RoomMessageFields> MediaUrl = new("mediaUrl", f => f.MediaUrl is not null);

        public static readonly RoomMessageDescriptor TextMessage = new(
            RoomMessageTypes.Text,
            RoomMessageTypes.Text,
            "RoomTextMessage",
            Array.Empty<string>(),
            Array.Empty<string>(),
            new[]
            {
                FieldRule<RoomMessageFields>.Custom(Text, "text", required: true, (f, c) =>
                {
                    if (f.Text is null)
                    {
                        c.Add("text", "is empty; a TEXT message needs text.");
                    }
                }),
            },
            f => new RoomMessage(RoomMessageTypes.Text, f.Text, null, f.Id));

        public static readonly RoomMessageDescriptor Image = Media(RoomMessageTypes.Image, ".jpg", ".jpeg", ".png", ".webp", ".gif");

        public static readonly RoomMessageDescriptor Video = Media(RoomMessageTypes.Video, ".mp4", ".3gp", ".mov");

        // Also the type of a URL whose extension names no other: rooms take any file as a document.
        public static readonly RoomMessageDescriptor Document = Media(RoomMessageTypes.Document, aliases: new[] { "FILE" });

        /// <summary>Every type, in the order help lists them (<see cref="RoomMessageTypes.All"/>).</summary>
        public static MessageCatalog<RoomMessageFields, RoomMessage> Catalog { get; } = new(TextMessage, Image, Video, Document);

        private static RoomMessageDescriptor Media(string type, params string[] extensions) => Media(type, Array.Empty<string>(), extensions);

        private static RoomMessageDescriptor Media(string type, string[] aliases, params string[] extensions) =>
            new(
                type,
                type,
                "RoomMediaMessage",
                aliases,
                extensions,
                new[]
                {
                    FieldRule<RoomMessageFields>.HttpsUrl(MediaUrl, f => f.MediaUrl, "mediaUrl", required: true, Limits.MediaUrlLength, $"is empty; a {type} message needs a public HTTPS URL."),
                    FieldRule<RoomMessageFields>.Carried(Text, "text"),
                },
                f => new RoomMessage(type, f.Text, f.MediaUrl, f.Id));
    }
}
