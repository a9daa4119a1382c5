using System.Globalization;
using Jelou.Messages;
using BotMessageDescriptor = Jelou.Validation.MessageDescriptor<Jelou.Messages.BotMessageFields, Jelou.Messages.BotMessage>;

namespace Jelou.Validation
{
    /// <summary>
    /// The bot message types of POST /v1/bots/{botId}/messages (jelou-api.md §2), one descriptor each: names, fields,
    /// required fields and rules. See MessageDescriptor.cs for how to add a type or a field.
    /// </summary>
    internal static class BotMessageDescriptors
    {
        private const string UrlMissing = "is empty; this message type requires a public HTTPS URL.";

        private static readonly FieldRule<BotMessageFields> MediaUrl =
            FieldRule<BotMessageFields>.HttpsUrl(BotFields.MediaUrl, f => f.MediaUrl, "mediaUrl", required: true, Limits.MediaUrlLength, UrlMissing);

        // A "caption" column is the natural name for a media caption; the wire field is text, so one of them is sent.
        private static readonly FieldRule<BotMessageFields> CaptionAsText = FieldRule<BotMessageFields>.Custom(BotFields.Caption, "text", required: false, (f, c) =>
        {
            if (f.Text is not null && f.Caption is not null)
            {
                c.Add("caption", "and text were both given; a media message has one caption, so give only one of them.");
            }

            c.Optional("text", f.Text ?? f.Caption, Limits.BodyLength);
        }, Limits.BodyLength);

        public static readonly BotMessageDescriptor Text = new(
            BotMessageTypes.Text,
            "text",
            "TextMessage",
            Names(),
            Names(),
            new[] { FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.TextLength) },
            f => new TextMessage(f.UserId ?? string.Empty, f.Text ?? string.Empty));

        public static readonly BotMessageDescriptor Options = new(
            BotMessageTypes.Options,
            "text",
            "OptionsMessage",
            Names("list"),
            Names(),
            new[]
            {
                FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.BodyLength),
                FieldRule<BotMessageFields>.Text(BotFields.Title, f => f.Title, "title", required: false, Limits.HeaderLength),
                FieldRule<BotMessageFields>.Text(BotFields.ButtonText, f => f.ButtonText, "buttonText.text", required: false, Limits.ListButtonLength),
                FieldRule<BotMessageFields>.Custom(BotFields.Options, "options", required: true, (f, c) => CheckOptions(f.Options, c)),
            },
            f => new OptionsMessage(f.UserId ?? string.Empty, f.Text ?? string.Empty, f.Options ?? Array.Empty<ListOption>())
            {
                Title = f.Title,
                ButtonText = f.ButtonText is null ? null : new ListButton(f.ButtonText),
            });

        public static readonly BotMessageDescriptor QuickReply = new(
            BotMessageTypes.QuickReply,
            "quick_reply",
            "QuickReplyMessage",
            Names("quickreply"),
            Names(),
            new[]
            {
                // Stricter than the schema: jelou-api.md §2.4 leaves it open whether text is required, and every example has it.
                FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.BodyLength),
                FieldRule<BotMessageFields>.Text(BotFields.Title, f => f.Title, "title", required: false, Limits.QuickReplyTitleLength),
                FieldRule<BotMessageFields>.Custom(BotFields.QuickReplies, "quick_replies", required: true, (f, c) => CheckQuickReplies(f.QuickReplies, c)),
            },
            f => new QuickReplyMessage(f.UserId ?? string.Empty, f.Text, (f.QuickReplies ?? Array.Empty<string>()).Select(t => new QuickReply(t)).ToList()) { Title = f.Title });

        public static readonly BotMessageDescriptor Image = CaptionedMedia(BotMessageTypes.Image, "ImageMessage", Names(".jpg", ".jpeg", ".png"));

        public static readonly BotMessageDescriptor Audio = Media(BotMessageTypes.Audio, "AudioMessage", Names(".aac", ".m4a", ".mp3", ".amr", ".ogg", ".opus"));

        public static readonly BotMessageDescriptor Video = CaptionedMedia(BotMessageTypes.Video, "VideoMessage", Names(".mp4", ".3gp"));

        public static readonly BotMessageDescriptor File = new(
            BotMessageTypes.File,
            "file",
            "FileMessage",
            Names("document"),
            Names(".pdf", ".txt", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx"),
            new[]
            {
                MediaUrl,
                FieldRule<BotMessageFields>.Carried(BotFields.Text, "text"),
                CaptionAsText,
                FieldRule<BotMessageFields>.Custom(BotFields.FileName, "filename", required: false, (f, c) => c.FileName("fileName", f.FileName)),
            },
            f => new MediaMessage(f.UserId ?? string.Empty, BotMessageTypes.File, f.MediaUrl ?? string.Empty) { Text = f.Text ?? f.Caption, FileName = f.FileName });

        public static readonly BotMessageDescriptor Sticker = Media(BotMessageTypes.Sticker, "StickerMessage", Names(".webp"));

        public static readonly BotMessageDescriptor Location = new(
            BotMessageTypes.Location,
            "location",
            "LocationMessage",
            Names(),
            Names(),
            new[]
            {
                FieldRule<BotMessageFields>.Custom(BotFields.Latitude, "coordinates.lat", required: true, (f, c) => Coordinate(c, "latitude", f.Latitude, 90)),
                FieldRule<BotMessageFields>.Custom(BotFields.Longitude, "coordinates.long", required: true, (f, c) => Coordinate(c, "longitude", f.Longitude, 180)),
            },
            f => new LocationMessage(f.UserId ?? string.Empty, f.Latitude ?? 0, f.Longitude ?? 0));

        public static readonly BotMessageDescriptor LocationRequest = new(
            BotMessageTypes.LocationRequest,
            "location_request",
            "LocationRequestMessage",
            Names("locationrequest"),
            Names(),
            new[] { FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.BodyLength) },
            f => new LocationRequestMessage(f.UserId ?? string.Empty, f.Text ?? string.Empty));

        public static readonly BotMessageDescriptor Contacts = new(
            BotMessageTypes.Contacts,
            "contacts",
            "ContactsMessage",
            Names("contact"),
            Names(),
            new[] { FieldRule<BotMessageFields>.Custom(BotFields.Contacts, "contacts", required: true, (f, c) => CheckContacts(f.Contacts, c)) },
            f => new ContactsMessage(f.UserId ?? string.Empty, f.Contacts ?? Array.Empty<Contact>()));

        public static readonly BotMessageDescriptor CtaUrl = new(
            BotMessageTypes.CtaUrl,
            "cta_url",
            "CtaUrlMessage",
            Names("ctaurl"),
            Names(),
            new[]
            {
                FieldRule<BotMessageFields>.Text(BotFields.Title, f => f.Title, "title", required: true, Limits.HeaderLength),
                FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.BodyLength),
                FieldRule<BotMessageFields>.Text(BotFields.Caption, f => f.Caption, "caption", required: true, Limits.HeaderLength),
                FieldRule<BotMessageFields>.HttpsUrl(BotFields.Url, f => f.Url, "parameters.url", required: true, Limits.UrlLength, UrlMissing),
                FieldRule<BotMessageFields>.Text(BotFields.ButtonText, f => f.ButtonText, "parameters.display_text", required: true, Limits.CtaDisplayTextLength),
            },
            f => new CtaUrlMessage(f.UserId ?? string.Empty, f.Title ?? string.Empty, f.Text ?? string.Empty, f.Caption ?? string.Empty, f.Url ?? string.Empty, f.ButtonText ?? string.Empty));

        public static readonly BotMessageDescriptor VoiceCall = new(
            BotMessageTypes.VoiceCall,
            "voice_call",
            "VoiceCallMessage",
            Names("voicecall"),
            Names(),
            new[]
            {
                FieldRule<BotMessageFields>.Text(BotFields.Header, f => f.Header, "header", required: false, Limits.HeaderLength),
                FieldRule<BotMessageFields>.Text(BotFields.Text, f => f.Text, "text", required: true, Limits.BodyLength),
                FieldRule<BotMessageFields>.Text(BotFields.ButtonText, f => f.ButtonText, "parameters.display_text", required: true, Limits.QuickReplyTitleLength),
            },
            f => new VoiceCallMessage(f.UserId ?? string.Empty, f.Text ?? string.Empty, f.ButtonText ?? string.Empty) { Header = f.Header });

        /// <summary>Every type, in the order help lists them (<see cref="BotMessageTypes.All"/>).</summary>
        public static MessageCatalog<BotMessageFields, BotMessage> Catalog { get; } = new(
            Text, Options, QuickReply, Image, Audio, Video, File, Sticker, Location, LocationRequest, Contacts, CtaUrl, VoiceCall);

        private static string[] Names(params string[] names) => names;

        private static BotMessageDescriptor Media(string type, string schema, string[] extensions) =>
            new(type, type, schema, Names(), extensions, new[] { MediaUrl }, f => new MediaMessage(f.UserId ?? string.Empty, type, f.MediaUrl ?? string.Empty));

        private static BotMessageDescriptor CaptionedMedia(string type, string schema, string[] extensions) =>
            new(
                type,
                type,
                schema,
                Names(),
                extensions,
                new[] { MediaUrl, FieldRule<BotMessageFields>.Carried(BotFields.Text, "text"), CaptionAsText },
                f => new MediaMessage(f.UserId ?? string.Empty, type, f.MediaUrl ?? string.Empty) { Text = f.Text ?? f.Caption });

        private static void Coordinate(RuleChecker check, string field, double? value, double bound)
        {
            if (value is null)
            {
                check.Add(field, "is empty; a location needs both latitude and longitude.");
            }
            else if (double.IsNaN(value.Value) || value.Value < -bound || value.Value > bound)
            {
                check.Add(field, $"{value.Value.ToString(CultureInfo.InvariantCulture)} is out of range; it must be between -{bound} and {bound} decimal degrees.");
            }
        }

        private static void CheckOptions(IReadOnlyList<ListOption>? options, RuleChecker check)
        {
            if (options is null || options.Count < Limits.MinOptions || options.Count > Limits.MaxOptions)
            {
                check.Add("options", $"has {options?.Count ?? 0} entries; an options list needs {Limits.MinOptions} to {Limits.MaxOptions}.");
                return;
            }

            for (var i = 0; i < options.Count; i++)
            {
                var option = options[i];
                check.Required($"options[{i}].title", string.IsNullOrWhiteSpace(option.Title) ? null : option.Title, Limits.OptionTitleLength);
                check.Optional($"options[{i}].description", option.Description, Limits.OptionDescriptionLength);
            }

            var ids = options.Where(o => !string.IsNullOrEmpty(o.Id)).GroupBy(o => o.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            foreach (var id in ids)
            {
                check.Add("options", $"the id '{id}' is used more than once; option ids must be unique.");
            }
        }

        private static void CheckQuickReplies(IReadOnlyList<string>? replies, RuleChecker check)
        {
            if (replies is null || replies.Count < 1 || replies.Count > Limits.MaxQuickReplies)
            {
                check.Add("quick_replies", $"has {replies?.Count ?? 0} buttons; quick replies need 1 to {Limits.MaxQuickReplies}.");
                return;
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < replies.Count; i++)
            {
                var field = $"quick_replies[{i}].title";
                var title = string.IsNullOrWhiteSpace(replies[i]) ? null : replies[i];
                check.Required(field, title, Limits.QuickReplyTitleLength);
                if (title is null)
                {
                    continue;
                }

                if (!seen.Add(title))
                {
                    check.Add(field, $"'{title}' appears more than once; button titles must be unique within a message.");
                }

                if (RuleChecker.ContainsEmoji(title) || title.IndexOfAny(new[] { '*', '_', '~', '`' }) >= 0)
                {
                    check.Add(field, $"'{title}' contains an emoji or markdown; WhatsApp button titles must be plain text.");
                }
            }
        }

        private static void CheckContacts(IReadOnlyList<Contact>? contacts, RuleChecker check)
        {
            if (contacts is null || contacts.Count == 0)
            {
                check.Add("contacts", "is empty; give at least one contact card.");
                return;
            }

            for (var i = 0; i < contacts.Count; i++)
            {
                var contact = contacts[i];
                if (contact is null)
                {
                    check.Add($"contacts[{i}]", "is null.");
                    continue;
                }

                if (contact.Name is null && (contact.Phones is null || contact.Phones.Count == 0))
                {
                    check.Add($"contacts[{i}]", "has neither a name nor a phone; a card needs at least one of them to be useful.");
                }

                for (var p = 0; p < (contact.Phones?.Count ?? 0); p++)
                {
                    var phone = contact.Phones![p];
                    var digits = phone?.Phone?.Replace(" ", string.Empty).Replace("-", string.Empty);
                    if (digits is not null && !(digits.Length >= 8 && digits.Length <= 16 && digits[0] == '+' && digits.Skip(1).All(char.IsDigit)))
                    {
                        check.Add($"contacts[{i}].phones[{p}].phone", $"'{phone!.Phone}' is not E.164; write it as '+' followed by the country code and number, for example +593999999999.");
                    }

                    if (phone?.WaId is { } waId && !waId.All(char.IsDigit))
                    {
                        check.Add($"contacts[{i}].phones[{p}].wa_id", $"'{waId}' must be digits only, without '+'.");
                    }
                }
            }
        }
    }
}
