namespace Jelou.Validation
{
    /// <summary>The documented limits (jelou-api.md section 2; "builder" limits are Jelou's WhatsApp node limits).</summary>
    public static class Limits
    {
        /// <summary>Text body.</summary>
        public const int TextLength = 4096;

        /// <summary>Interactive body and media caption.</summary>
        public const int BodyLength = 1024;

        /// <summary>Options: fewest and most.</summary>
        public const int MinOptions = 1;

        /// <summary>Options: most.</summary>
        public const int MaxOptions = 10;

        /// <summary>Option title.</summary>
        public const int OptionTitleLength = 24;

        /// <summary>Option description.</summary>
        public const int OptionDescriptionLength = 72;

        /// <summary>List, URL-button and call-button header.</summary>
        public const int HeaderLength = 60;

        /// <summary>List button label.</summary>
        public const int ListButtonLength = 20;

        /// <summary>Quick replies: most.</summary>
        public const int MaxQuickReplies = 3;

        /// <summary>Quick-reply title and message title.</summary>
        public const int QuickReplyTitleLength = 20;

        /// <summary>URL-button label.</summary>
        public const int CtaDisplayTextLength = 18;

        /// <summary>URL-button target.</summary>
        public const int UrlLength = 4096;

        /// <summary>
        /// Media URL, for bot and room messages alike. The API documents no limit; this is the module's own bound, the
        /// length browsers and CDNs reliably accept, so a pasted blob or a broken cell is reported rather than sent.
        /// </summary>
        public const int MediaUrlLength = 2048;
    }
}
