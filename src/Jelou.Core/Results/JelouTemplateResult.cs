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

        /// <summary>The body values sent for {{1}}..{{n}}, in order.</summary>
        public IReadOnlyList<string?>? Parameters { get; set; }

        /// <summary>
        /// Every field the template was sent with, after script blocks and param1..paramN columns were read: piping this
        /// result back into Send-JelouTemplate sends the same template again. Null when the row could not be read at all.
        /// </summary>
        public Messages.TemplateMessageFields? Content { get; set; }
    }
}
