using System.Text.Json.Serialization;

namespace Jelou.Messages
{
    /// <summary>
    /// A message for POST /v1/bots/{botId}/messages. Each subclass is one documented body shape; the
    /// serializer writes exactly the documented fields, so every body satisfies the OpenAPI contract.
    /// </summary>
    public abstract class BotMessage
    {
        private protected BotMessage(string type, string userId)
        {
            Type = type;
            UserId = userId;
        }

        /// <summary>The wire value of the <c>type</c> field.</summary>
        [JsonPropertyName("type")]
        [JsonPropertyOrder(-2)]
        public string Type { get; }

        /// <summary>The recipient: for WhatsApp, the phone number with country code and no '+'.</summary>
        [JsonPropertyName("userId")]
        [JsonPropertyOrder(-1)]
        public string UserId { get; }
    }

    /// <summary>Plain text (<c>type: text</c>).</summary>
    public sealed class TextMessage : BotMessage
    {
        /// <summary>Creates a plain text message.</summary>
        public TextMessage(string userId, string text)
            : base(BotMessageTypes.Text, userId) => Text = text;


        /// <summary>The message body.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }
    }

    /// <summary>Text with a WhatsApp list of options (current flat shape, <c>type: text</c>).</summary>
    public sealed class OptionsMessage : BotMessage
    {
        /// <summary>Creates an options-list message.</summary>
        public OptionsMessage(string userId, string text, IReadOnlyList<ListOption> options)
            : base(BotMessageTypes.Text, userId)
        {
            Text = text;
            Options = options;
        }


        /// <summary>The message body.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }

        /// <summary>Optional title above the list.</summary>
        [JsonPropertyName("title")]
        public string? Title { get; init; }

        /// <summary>The button that opens the list.</summary>
        [JsonPropertyName("buttonText")]
        public ListButton? ButtonText { get; init; }

        /// <summary>One to ten options.</summary>
        [JsonPropertyName("options")]
        public IReadOnlyList<ListOption> Options { get; }
    }

    /// <summary>The button that opens an options list.</summary>
    public sealed class ListButton
    {
        /// <summary>Creates a list button with a label.</summary>
        public ListButton(string text) => Text = text;

        /// <summary>Always "text".</summary>
        [JsonPropertyName("type")]
        public string Type => "text";

        /// <summary>The label.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }
    }

    /// <summary>One entry of an options list.</summary>
    public sealed class ListOption
    {
        /// <summary>Creates an option.</summary>
        public ListOption(string title) => Title = title;

        /// <summary>Stable id returned on selection; Jelou generates one when omitted.</summary>
        [JsonPropertyName("id")]
        public string? Id { get; init; }

        /// <summary>Title, at most 24 characters.</summary>
        [JsonPropertyName("title")]
        public string Title { get; }

        /// <summary>Description, at most 72 characters.</summary>
        [JsonPropertyName("description")]
        public string? Description { get; init; }
    }

    /// <summary>Reply buttons (<c>type: quick_reply</c>).</summary>
    public sealed class QuickReplyMessage : BotMessage
    {
        /// <summary>Creates a quick-reply message.</summary>
        public QuickReplyMessage(string userId, string? text, IReadOnlyList<QuickReply> quickReplies)
            : base(BotMessageTypes.QuickReply, userId)
        {
            Text = text;
            QuickReplies = quickReplies;
        }


        /// <summary>The message body.</summary>
        [JsonPropertyName("text")]
        public string? Text { get; }

        /// <summary>Optional title, at most 20 characters.</summary>
        [JsonPropertyName("title")]
        public string? Title { get; init; }

        /// <summary>One to three buttons.</summary>
        [JsonPropertyName("quick_replies")]
        public IReadOnlyList<QuickReply> QuickReplies { get; }
    }

    /// <summary>One reply button.</summary>
    public sealed class QuickReply
    {
        /// <summary>Creates a reply button.</summary>
        public QuickReply(string title) => Title = title;

        /// <summary>Title, 1 to 20 characters, unique in the message.</summary>
        [JsonPropertyName("title")]
        public string Title { get; }
    }

    /// <summary>Image, audio, video, file or sticker: a public HTTPS URL to the file.</summary>
    public sealed class MediaMessage : BotMessage
    {
        /// <summary>Creates a media message of the given type (image, audio, video, file or sticker).</summary>
        public MediaMessage(string userId, string type, string mediaUrl)
            : base(type, userId)
        {
            MediaUrl = mediaUrl;
        }


        /// <summary>The public HTTPS URL of the file.</summary>
        [JsonPropertyName("mediaUrl")]
        public string MediaUrl { get; }

        /// <summary>Caption (image, video, file only).</summary>
        [JsonPropertyName("text")]
        public string? Text { get; init; }

        /// <summary>File name shown to the user (file only).</summary>
        [JsonPropertyName("filename")]
        public string? FileName { get; init; }
    }

    /// <summary>A map pin (<c>type: location</c>).</summary>
    public sealed class LocationMessage : BotMessage
    {
        /// <summary>Creates a location message.</summary>
        public LocationMessage(string userId, double latitude, double longitude)
            : base(BotMessageTypes.Location, userId) => Coordinates = new GeoCoordinates(latitude, longitude);


        /// <summary>The coordinates.</summary>
        [JsonPropertyName("coordinates")]
        public GeoCoordinates Coordinates { get; }
    }

    /// <summary>Decimal-degree coordinates; the wire key for longitude is <c>long</c>.</summary>
    public sealed class GeoCoordinates
    {
        /// <summary>Creates coordinates.</summary>
        public GeoCoordinates(double lat, double @long)
        {
            Lat = lat;
            Long = @long;
        }

        /// <summary>Latitude, -90 to 90.</summary>
        [JsonPropertyName("lat")]
        public double Lat { get; }

        /// <summary>Longitude, -180 to 180.</summary>
        [JsonPropertyName("long")]
        public double Long { get; }
    }

    /// <summary>Asks the user to share a location (<c>type: location_request</c>).</summary>
    public sealed class LocationRequestMessage : BotMessage
    {
        /// <summary>Creates a location request.</summary>
        public LocationRequestMessage(string userId, string text)
            : base(BotMessageTypes.LocationRequest, userId) => Text = text;


        /// <summary>Why the location is needed.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }
    }

    /// <summary>Contact cards (<c>type: contacts</c>).</summary>
    public sealed class ContactsMessage : BotMessage
    {
        /// <summary>Creates a contacts message.</summary>
        public ContactsMessage(string userId, IReadOnlyList<Contact> contacts)
            : base(BotMessageTypes.Contacts, userId) => Contacts = contacts;


        /// <summary>The cards.</summary>
        [JsonPropertyName("contacts")]
        public IReadOnlyList<Contact> Contacts { get; }
    }

    /// <summary>A URL button (<c>type: cta_url</c>).</summary>
    public sealed class CtaUrlMessage : BotMessage
    {
        /// <summary>Creates a URL-button message.</summary>
        public CtaUrlMessage(string userId, string title, string text, string caption, string url, string displayText)
            : base(BotMessageTypes.CtaUrl, userId)
        {
            Title = title;
            Text = text;
            Caption = caption;
            Parameters = new CtaUrlParameters(url, displayText);
        }


        /// <summary>Header.</summary>
        [JsonPropertyName("title")]
        public string Title { get; }

        /// <summary>Body.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }

        /// <summary>Footer.</summary>
        [JsonPropertyName("caption")]
        public string Caption { get; }

        /// <summary>The button.</summary>
        [JsonPropertyName("parameters")]
        public CtaUrlParameters Parameters { get; }
    }

    /// <summary>The URL and label of a <c>cta_url</c> button.</summary>
    public sealed class CtaUrlParameters
    {
        /// <summary>Creates the button parameters.</summary>
        public CtaUrlParameters(string url, string displayText)
        {
            Url = url;
            DisplayText = displayText;
        }

        /// <summary>Target URL.</summary>
        [JsonPropertyName("url")]
        public string Url { get; }

        /// <summary>Button label.</summary>
        [JsonPropertyName("display_text")]
        public string DisplayText { get; }
    }

    /// <summary>A call button (<c>type: voice_call</c>).</summary>
    public sealed class VoiceCallMessage : BotMessage
    {
        /// <summary>Creates a call-button message.</summary>
        public VoiceCallMessage(string userId, string text, string displayText)
            : base(BotMessageTypes.VoiceCall, userId)
        {
            Text = text;
            Parameters = new VoiceCallParameters(displayText);
        }


        /// <summary>Optional header.</summary>
        [JsonPropertyName("header")]
        public string? Header { get; init; }

        /// <summary>Body.</summary>
        [JsonPropertyName("text")]
        public string Text { get; }

        /// <summary>The button.</summary>
        [JsonPropertyName("parameters")]
        public VoiceCallParameters Parameters { get; }
    }

    /// <summary>The label of a <c>voice_call</c> button.</summary>
    public sealed class VoiceCallParameters
    {
        /// <summary>Creates the button parameters.</summary>
        public VoiceCallParameters(string displayText) => DisplayText = displayText;

        /// <summary>Button label.</summary>
        [JsonPropertyName("display_text")]
        public string DisplayText { get; }
    }
}
