using System.Text.Json.Serialization;

namespace Jelou.Messages
{
    /// <summary>
    /// The fields of one template send as a cmdlet call or a CSV row gives them. <see cref="Validation.TemplateMessageBuilder"/>
    /// validates them and builds the <see cref="TemplateMessage"/>.
    /// </summary>
    public sealed class TemplateMessageFields
    {
        /// <summary>The recipient: the phone number with country code and no '+'.</summary>
        public string? UserId { get; set; }

        /// <summary>The approved template's name (elementName).</summary>
        public string? TemplateName { get; set; }

        /// <summary>The template's language code, such as es or pt_BR.</summary>
        public string? Language { get; set; }

        /// <summary>text, image, document or video; inferred from the media URL when empty.</summary>
        public string? Type { get; set; }

        /// <summary>The body values for {{1}}..{{n}}, in order.</summary>
        public IReadOnlyList<string?>? Parameters { get; set; }

        /// <summary>The header values, in order.</summary>
        public IReadOnlyList<string?>? HeaderParameters { get; set; }

        /// <summary>The values of the URL buttons' dynamic part, in button order.</summary>
        public IReadOnlyList<string?>? ButtonParameters { get; set; }

        /// <summary>The public HTTPS URL of the header's image, document or video.</summary>
        public string? MediaUrl { get; set; }

        /// <summary>The file name the recipient sees for a document.</summary>
        public string? FileName { get; set; }

        /// <summary>The campaign the send belongs to.</summary>
        public string? CampaignId { get; set; }

        /// <summary>A copy, so a resend never changes the fields of the result it came from.</summary>
        public TemplateMessageFields Clone() => (TemplateMessageFields)MemberwiseClone();

        /// <summary>The template, its language and its values, for a report or a log.</summary>
        public override string ToString() =>
            (TemplateName ?? string.Empty) + (Language is null ? string.Empty : " (" + Language + ")")
            + (Parameters is { Count: > 0 } p ? " [" + string.Join(", ", p) + "]" : string.Empty);
    }

    /// <summary>
    /// The body of POST /v2/whatsapp/{botId}/hsm (jelou-api.md §5.1, <c>HsmSendRequest</c>): one approved template to
    /// one destination. The API takes several destinations, but one request per row keeps each row's outcome, retry
    /// and report its own.
    /// </summary>
    public sealed class TemplateMessage
    {
        internal TemplateMessage(string destination, string elementName, string type)
        {
            Destinations = new[] { destination };
            ElementName = elementName;
            Type = type;
        }

        /// <summary>The approved template's name.</summary>
        [JsonPropertyName("elementName")]
        public string ElementName { get; }

        /// <summary>The one recipient.</summary>
        [JsonPropertyName("destinations")]
        public IReadOnlyList<string> Destinations { get; }

        /// <summary>The language code.</summary>
        [JsonPropertyName("language")]
        public string? Language { get; init; }

        /// <summary>text, image, document or video.</summary>
        [JsonPropertyName("type")]
        public string Type { get; }

        /// <summary>The header's media.</summary>
        [JsonPropertyName("mediaUrl")]
        public string? MediaUrl { get; init; }

        /// <summary>
        /// A document's file name. Spelled as G4 and the OpenAPI spell it; the GitBook page says fileName (jelou-api.md §9, C8).
        /// </summary>
        [JsonPropertyName("filename")]
        public string? FileName { get; init; }

        /// <summary>The body values, in order; null when the template has none.</summary>
        [JsonPropertyName("parameters")]
        public IReadOnlyList<string>? Parameters { get; init; }

        /// <summary>The header values; null when none.</summary>
        [JsonPropertyName("headerParameters")]
        public IReadOnlyList<string>? HeaderParameters { get; init; }

        /// <summary>
        /// The values of the URL buttons' dynamic part, in G4's <c>buttonParameters</c> shape (jelou-api.md §5.1,
        /// <c>HsmSendRequest</c>): one <c>{type:"URL", param, payload}</c> per value. Null when none.
        /// </summary>
        [JsonPropertyName("buttonParameters")]
        public IReadOnlyList<HsmButtonParameter>? ButtonParameters { get; init; }

        /// <summary>
        /// The same values as <see cref="ButtonParameters"/>, as the GitBook page documents them: an array of strings.
        /// Both are sent because the contract declares both and describes the item's <c>payload</c> only as "object",
        /// so neither shape alone is known to be the one the server reads.
        /// </summary>
        [JsonPropertyName("dynamicUrlParameter")]
        public IReadOnlyList<string>? DynamicUrlParameter { get; init; }

        /// <summary>The campaign.</summary>
        [JsonPropertyName("campaignId")]
        public string? CampaignId { get; init; }

        /// <summary>The recipient.</summary>
        [JsonIgnore]
        public string Destination => Destinations[0];
    }

    /// <summary>
    /// One item of <c>buttonParameters</c>: <c>{type:"URL", param, payload}</c> as HsmSendRequest declares it. The
    /// contract gives <c>param</c> as an integer and <c>payload</c> as an object without naming its keys; here
    /// <c>param</c> is the value's position among the URL buttons (from 0, as WhatsApp numbers buttons) and
    /// <c>payload</c> is WhatsApp's own URL button parameter, <c>{type:"text", text}</c>.
    /// </summary>
    public sealed class HsmButtonParameter
    {
        internal HsmButtonParameter(int param, string text)
        {
            Param = param;
            Payload = new HsmButtonPayload(text);
        }

        /// <summary>Always URL: the only button kind that takes a value.</summary>
        [JsonPropertyName("type")]
        public string Type => "URL";

        /// <summary>The button's position among the URL buttons, from 0.</summary>
        [JsonPropertyName("param")]
        public int Param { get; }

        /// <summary>The value.</summary>
        [JsonPropertyName("payload")]
        public HsmButtonPayload Payload { get; }
    }

    /// <summary>The <c>payload</c> of a <see cref="HsmButtonParameter"/>: the dynamic end of the button's URL.</summary>
    public sealed class HsmButtonPayload
    {
        internal HsmButtonPayload(string text) => Text = text;

        /// <summary>Always text, as WhatsApp types a URL button's parameter.</summary>
        [JsonPropertyName("type")]
        public string Type => "text";

        /// <summary>The dynamic end of the URL.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }
    }

    /// <summary>The template types the HSM endpoint documents.</summary>
    public static class TemplateTypes
    {
        /// <summary>Text only (the default).</summary>
        public const string Text = "text";

        /// <summary>An image header.</summary>
        public const string Image = "image";

        /// <summary>A document header.</summary>
        public const string Document = "document";

        /// <summary>A video header.</summary>
        public const string Video = "video";

        /// <summary>Every type, in the order help lists them.</summary>
        public static IReadOnlyList<string> All { get; } = new[] { Text, Image, Document, Video };
    }
}
