using System.Text.Json;

namespace Jelou.Templates
{
    /// <summary>
    /// One approved-or-not WhatsApp template (HSM) of a bot, as GET /v1/bots/{botId}/templates lists it. The listing's
    /// shape is not documented, so every field but <see cref="Name"/> may be missing; <see cref="Raw"/> keeps the item
    /// as the API sent it for anything not modelled here.
    /// </summary>
    public sealed class JelouTemplate
    {
        internal JelouTemplate(string name, JsonElement raw)
        {
            Name = name;
            Raw = raw;
        }

        /// <summary>The template's elementName: what Send-JelouTemplate -TemplateName takes.</summary>
        public string Name { get; }

        /// <summary>The language code, such as <c>es</c> or <c>pt_BR</c>; null when the listing does not say.</summary>
        public string? Language { get; internal set; }

        /// <summary>UTILITY, MARKETING or AUTHENTICATION, as the listing gives it.</summary>
        public string? Category { get; internal set; }

        /// <summary>APPROVED, PENDING, REJECTED, DELETED or DISABLED, as the listing gives it.</summary>
        public string? Status { get; internal set; }

        /// <summary>The template's type as the listing gives it (the HSM send's text, image, document or video).</summary>
        public string? Type { get; internal set; }

        /// <summary>The body text with its <c>{{1}}</c>.. placeholders; null when the listing has none.</summary>
        public string? Text { get; internal set; }

        /// <summary>
        /// How many body parameters the template takes: the listing's own count when it gives one, else the distinct
        /// <c>{{1}}</c>..<c>{{n}}</c> of <see cref="Text"/>. Null when neither settles it (no text, named or
        /// non-consecutive placeholders): never guessed.
        /// </summary>
        public int? ParameterCount { get; internal set; }

        /// <summary>The header's format in upper case (TEXT, IMAGE, DOCUMENT, VIDEO, LOCATION); null for none or unknown.</summary>
        public string? HeaderType { get; internal set; }

        /// <summary>The buttons, in order; empty when the template has none or the listing does not say.</summary>
        public IReadOnlyList<TemplateButton> Buttons { get; internal set; } = Array.Empty<TemplateButton>();

        /// <summary>The item as the API sent it.</summary>
        public JsonElement Raw { get; }

        /// <summary>True when <see cref="Status"/> is APPROVED (in any case).</summary>
        public bool IsApproved => string.Equals(Status, "APPROVED", StringComparison.OrdinalIgnoreCase);

        /// <summary>True for a template whose header is an image, a document or a video: a send needs its media URL.</summary>
        public bool IsMedia => HeaderType is "IMAGE" or "DOCUMENT" or "VIDEO";

        /// <summary>True for the AUTHENTICATION category: no URL, emoji or media in what is sent (jelou-api.md §5.1).</summary>
        public bool IsAuthentication => string.Equals(Category, "AUTHENTICATION", StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc />
        public override string ToString() => Language is null ? Name : Name + " (" + Language + ")";
    }

    /// <summary>One button of a template.</summary>
    public sealed class TemplateButton
    {
        internal TemplateButton(string? type, string? text, string? url)
        {
            Type = type;
            Text = text;
            Url = url;
        }

        /// <summary>QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, ... as the listing gives it, in upper case.</summary>
        public string? Type { get; }

        /// <summary>The label.</summary>
        public string? Text { get; }

        /// <summary>The target of a URL button, possibly with a <c>{{1}}</c> for its parameter.</summary>
        public string? Url { get; }

        /// <inheritdoc />
        public override string ToString() => Type is null ? Text ?? string.Empty : Type + ": " + Text;
    }
}
