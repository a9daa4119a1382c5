namespace Jelou.Templates
{
    /// <summary>
    /// What one row of a template send asks for, as <see cref="TemplatePreflight"/> checks it: the template (bot, name,
    /// language) and the values the row fills it with. The send's own builder checks the rest (recipient, hygiene).
    /// </summary>
    public sealed class TemplateRow
    {
        /// <summary>Creates a row; <paramref name="botId"/> and <paramref name="templateName"/> are required.</summary>
        /// <param name="row">The row's number as the user counts it (from 1), used in every problem's text.</param>
        /// <param name="botId">The bot that sends.</param>
        /// <param name="templateName">The template's elementName.</param>
        public TemplateRow(long row, string botId, string templateName)
        {
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            if (string.IsNullOrWhiteSpace(templateName))
            {
                throw new ArgumentException("The template name is empty.", nameof(templateName));
            }

            Row = row;
            BotId = botId.Trim();
            TemplateName = templateName.Trim();
        }

        /// <summary>The row's number, from 1.</summary>
        public long Row { get; }

        /// <summary>The bot that sends.</summary>
        public string BotId { get; }

        /// <summary>The template's elementName.</summary>
        public string TemplateName { get; }

        /// <summary>The language asked for (<c>es</c>, <c>pt_BR</c>); null to let the template's only language apply.</summary>
        public string? Language { get; set; }

        /// <summary>The body values for {{1}}..{{n}}, in order.</summary>
        public IReadOnlyList<string?> Parameters { get; set; } = Array.Empty<string?>();

        /// <summary>The header's values, in order.</summary>
        public IReadOnlyList<string?> HeaderParameters { get; set; } = Array.Empty<string?>();

        /// <summary>The send's type (text, image, document or video); null when the row does not say.</summary>
        public string? Type { get; set; }

        /// <summary>The media URL of a media template.</summary>
        public string? MediaUrl { get; set; }
    }
}
