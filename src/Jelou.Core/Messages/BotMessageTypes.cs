namespace Jelou.Messages
{
    /// <summary>The wire names of the bot message types, and the names the cmdlets accept for <c>-Type</c>.</summary>
    public static class BotMessageTypes
    {
        /// <summary>Plain text.</summary>
        public const string Text = "text";

        /// <summary>Text with an options list (sent as type "text").</summary>
        public const string Options = "options";

        /// <summary>Reply buttons.</summary>
        public const string QuickReply = "quick_reply";

        /// <summary>Image.</summary>
        public const string Image = "image";

        /// <summary>Audio.</summary>
        public const string Audio = "audio";

        /// <summary>Video.</summary>
        public const string Video = "video";

        /// <summary>File or document.</summary>
        public const string File = "file";

        /// <summary>WebP sticker.</summary>
        public const string Sticker = "sticker";

        /// <summary>Map pin.</summary>
        public const string Location = "location";

        /// <summary>Location request.</summary>
        public const string LocationRequest = "location_request";

        /// <summary>Contact cards.</summary>
        public const string Contacts = "contacts";

        /// <summary>URL button.</summary>
        public const string CtaUrl = "cta_url";

        /// <summary>Call button.</summary>
        public const string VoiceCall = "voice_call";

        /// <summary>Every type a user can name with <c>-Type</c>, in the order help lists them.</summary>
        /// <remarks>Taken from the type descriptors (Validation/BotMessageDescriptors.cs), where a new type is added.</remarks>
        public static IReadOnlyList<string> All => Validation.BotMessageDescriptors.Catalog.Names;
    }
}
