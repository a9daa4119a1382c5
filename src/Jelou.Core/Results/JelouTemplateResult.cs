namespace Jelou.Results
{
    /// <summary>The outcome of one Send-JelouTemplate row: one approved template to one number.</summary>
    public sealed class JelouTemplateResult : JelouSendResult
    {
        /// <summary>The bot.</summary>
        public string? BotId { get; set; }

        /// <summary>The recipient.</summary>
        public string? UserId { get; set; }

        /// <summary>The template's name (elementName).</summary>
        public string? TemplateName { get; set; }

        /// <summary>The template's language, when one was given.</summary>
        public string? Language { get; set; }

        /// <summary>
        /// The body values sent for {{1}}..{{n}}, in order; empty for a template without variables. Export-Csv writes them
        /// as JSON array text, which Send-JelouTemplate reads back from a Parameters column.
        /// </summary>
        public TemplateValueList? Parameters { get; set; }

        /// <summary>The header's values, in order; empty when none were sent. Written and read back as <see cref="Parameters"/> is.</summary>
        public TemplateValueList? HeaderParameters { get; set; }

        /// <summary>The dynamic part of each URL button's address, in button order; empty when none. Written and read back as <see cref="Parameters"/> is.</summary>
        public TemplateValueList? ButtonParameters { get; set; }

        /// <summary>The header's media URL, when the template has one.</summary>
        public string? MediaUrl { get; set; }

        /// <summary>The document's file name, when one was given.</summary>
        public string? FileName { get; set; }

        /// <summary>The campaign the send was made for, when one was given.</summary>
        public string? CampaignId { get; set; }

        /// <summary>
        /// Every field the template was sent with (the columns above are what a CSV report keeps of it), after script blocks and param1..paramN columns were read: piping this
        /// result back into Send-JelouTemplate sends the same template again. Null when the row could not be read at all.
        /// </summary>
        public Messages.TemplateMessageFields? Content { get; set; }
    }
}
