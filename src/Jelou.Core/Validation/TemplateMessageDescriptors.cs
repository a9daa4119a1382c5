using Jelou.Messages;
using TemplateDescriptor = Jelou.Validation.MessageDescriptor<Jelou.Messages.TemplateMessageFields, Jelou.Messages.TemplateMessage>;

namespace Jelou.Validation
{
    /// <summary>
    /// The template types of POST /v2/whatsapp/{botId}/hsm (jelou-api.md §5.1), one descriptor each, on the same
    /// MessageDescriptor and RuleChecker as the message types. What every type shares (recipient, name, language,
    /// parameters) is checked by <see cref="TemplateMessageBuilder"/>; a descriptor says which media fields its type
    /// carries and requires.
    /// </summary>
    internal static class TemplateMessageDescriptors
    {
        public static readonly MessageField<TemplateMessageFields> MediaUrl = new("mediaUrl", f => f.MediaUrl is not null);

        public static readonly MessageField<TemplateMessageFields> FileName = new("fileName", f => f.FileName is not null);

        /// <summary>The fields a type may or may not carry; a type that does not carry one given is a problem.</summary>
        public static readonly IReadOnlyList<MessageField<TemplateMessageFields>> MediaFields = new[] { MediaUrl, FileName };

        public static readonly TemplateDescriptor Text = new(
            TemplateTypes.Text,
            TemplateTypes.Text,
            "HsmSendRequest",
            Array.Empty<string>(),
            Array.Empty<string>(),
            Array.Empty<FieldRule<TemplateMessageFields>>(),
            f => Create(f, TemplateTypes.Text));

        public static readonly TemplateDescriptor Image = Media(TemplateTypes.Image, Array.Empty<string>(), new[] { ".jpg", ".jpeg", ".png" });

        public static readonly TemplateDescriptor Video = Media(TemplateTypes.Video, Array.Empty<string>(), new[] { ".mp4", ".3gp" });

        public static readonly TemplateDescriptor Document = new(
            TemplateTypes.Document,
            TemplateTypes.Document,
            "HsmSendRequest",
            new[] { "file" },
            new[] { ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".csv" },
            new[]
            {
                MediaRule(TemplateTypes.Document),
                FieldRule<TemplateMessageFields>.Custom(FileName, "filename", required: false, (f, c) => c.FileName("fileName", f.FileName)),
            },
            f => Create(f, TemplateTypes.Document));

        /// <summary>Every type, in the order help lists them (<see cref="TemplateTypes.All"/>).</summary>
        public static MessageCatalog<TemplateMessageFields, TemplateMessage> Catalog { get; } = new(Text, Image, Document, Video);

        private static TemplateDescriptor Media(string type, string[] aliases, string[] extensions) => new(
            type,
            type,
            "HsmSendRequest",
            aliases,
            extensions,
            new[] { MediaRule(type) },
            f => Create(f, type));

        // jelou-api.md §5.1: mediaUrl is required for image, video and document templates; the URL rule is every endpoint's.
        private static FieldRule<TemplateMessageFields> MediaRule(string type) =>
            FieldRule<TemplateMessageFields>.HttpsUrl(MediaUrl, f => f.MediaUrl, "mediaUrl", required: true, Limits.MediaUrlLength, $"is empty; a template of type {type} needs the public HTTPS URL of its header's {type}.");

        private static TemplateMessage Create(TemplateMessageFields f, string type) => new(f.UserId ?? string.Empty, f.TemplateName ?? string.Empty, type)
        {
            Language = f.Language,
            MediaUrl = f.MediaUrl,
            FileName = f.FileName,
            Parameters = Values(f.Parameters),
            HeaderParameters = Values(f.HeaderParameters),
            ButtonParameters = Values(f.ButtonParameters)?.Select((v, i) => new HsmButtonParameter(i, v)).ToArray(),
            DynamicUrlParameter = Values(f.ButtonParameters),
            CampaignId = f.CampaignId,
        };

        // Checked before: no value is null or blank here. An empty list is left out of the body, as a template without variables sends none.
        private static IReadOnlyList<string>? Values(IReadOnlyList<string?>? values) =>
            values is { Count: > 0 } ? values.Select(v => v!).ToArray() : null;
    }
}
