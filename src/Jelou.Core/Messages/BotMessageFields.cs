namespace Jelou.Messages
{
    /// <summary>
    /// The flat fields a cmdlet call or a CSV row carries. <see cref="Validation.BotMessageBuilder"/> infers the
    /// type, validates the fields and builds the typed message.
    /// </summary>
    /// <remarks>
    /// A new field needs, besides its property here, one entry in Validation/BotFields.cs and a rule in each type
    /// descriptor that carries it (Validation/MessageDescriptor.cs says how).
    /// </remarks>
    public sealed class BotMessageFields
    {
        /// <summary>Recipient.</summary>
        public string? UserId { get; set; }

        /// <summary>Message type; inferred from the other fields when empty.</summary>
        public string? Type { get; set; }

        /// <summary>Body, caption or accompanying text.</summary>
        public string? Text { get; set; }

        /// <summary>Title (options list, quick replies, URL-button header).</summary>
        public string? Title { get; set; }

        /// <summary>Header of a call button.</summary>
        public string? Header { get; set; }

        /// <summary>Footer of a URL button.</summary>
        public string? Caption { get; set; }

        /// <summary>Media URL.</summary>
        public string? MediaUrl { get; set; }

        /// <summary>File name for files.</summary>
        public string? FileName { get; set; }

        /// <summary>Latitude for a location.</summary>
        public double? Latitude { get; set; }

        /// <summary>Longitude for a location.</summary>
        public double? Longitude { get; set; }

        /// <summary>Quick-reply button titles.</summary>
        public IReadOnlyList<string>? QuickReplies { get; set; }

        /// <summary>Options-list entries.</summary>
        public IReadOnlyList<ListOption>? Options { get; set; }

        /// <summary>Label of the list button, URL button or call button.</summary>
        public string? ButtonText { get; set; }

        /// <summary>Target of a URL button.</summary>
        public string? Url { get; set; }

        /// <summary>Contact cards.</summary>
        public IReadOnlyList<Contact>? Contacts { get; set; }

        /// <summary>A raw body for types the module does not model.</summary>
        public System.Text.Json.Nodes.JsonObject? Payload { get; set; }

        /// <summary>The fields that are given, such as <c>text='¿Confirma?'; quickReplies='Sí','No'</c>, for a report or a log.</summary>
        public override string ToString() => Validation.BotFields.Describe(this);
    }
}
