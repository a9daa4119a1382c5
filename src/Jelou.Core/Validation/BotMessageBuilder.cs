using System.Globalization;
using System.Text.Json.Nodes;
using Jelou.Messages;

namespace Jelou.Validation
{
    /// <summary>
    /// Infers the message type from flat fields, checks every documented rule and builds the typed message.
    /// All problems of a row are reported together, so a user fixes a CSV row once.
    /// </summary>
    public static class BotMessageBuilder
    {
        private static readonly Dictionary<string, string> TypeAliases = new(StringComparer.OrdinalIgnoreCase)
        {
            ["text"] = BotMessageTypes.Text,
            ["options"] = BotMessageTypes.Options,
            ["list"] = BotMessageTypes.Options,
            ["quick_reply"] = BotMessageTypes.QuickReply,
            ["quickreply"] = BotMessageTypes.QuickReply,
            ["image"] = BotMessageTypes.Image,
            ["audio"] = BotMessageTypes.Audio,
            ["video"] = BotMessageTypes.Video,
            ["file"] = BotMessageTypes.File,
            ["document"] = BotMessageTypes.File,
            ["sticker"] = BotMessageTypes.Sticker,
            ["location"] = BotMessageTypes.Location,
            ["location_request"] = BotMessageTypes.LocationRequest,
            ["locationrequest"] = BotMessageTypes.LocationRequest,
            ["contacts"] = BotMessageTypes.Contacts,
            ["contact"] = BotMessageTypes.Contacts,
            ["cta_url"] = BotMessageTypes.CtaUrl,
            ["ctaurl"] = BotMessageTypes.CtaUrl,
            ["voice_call"] = BotMessageTypes.VoiceCall,
            ["voicecall"] = BotMessageTypes.VoiceCall,
        };

        private static readonly Dictionary<string, string> MediaExtensions = new(StringComparer.OrdinalIgnoreCase)
        {
            [".jpg"] = BotMessageTypes.Image,
            [".jpeg"] = BotMessageTypes.Image,
            [".png"] = BotMessageTypes.Image,
            [".webp"] = BotMessageTypes.Sticker,
            [".mp4"] = BotMessageTypes.Video,
            [".3gp"] = BotMessageTypes.Video,
            [".aac"] = BotMessageTypes.Audio,
            [".m4a"] = BotMessageTypes.Audio,
            [".mp3"] = BotMessageTypes.Audio,
            [".amr"] = BotMessageTypes.Audio,
            [".ogg"] = BotMessageTypes.Audio,
            [".opus"] = BotMessageTypes.Audio,
            [".pdf"] = BotMessageTypes.File,
            [".txt"] = BotMessageTypes.File,
            [".doc"] = BotMessageTypes.File,
            [".docx"] = BotMessageTypes.File,
            [".ppt"] = BotMessageTypes.File,
            [".pptx"] = BotMessageTypes.File,
            [".xls"] = BotMessageTypes.File,
            [".xlsx"] = BotMessageTypes.File,
        };

        /// <summary>Builds the message, or throws with every problem found.</summary>
        /// <exception cref="JelouValidationException">The fields break one or more rules.</exception>
        public static BotMessage Build(BotMessageFields fields)
        {
            if (TryBuild(fields, out var message, out var problems))
            {
                return message;
            }

            throw new JelouValidationException(problems);
        }

        /// <summary>Builds the message, or returns false with every problem found.</summary>
        public static bool TryBuild(BotMessageFields fields, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BotMessage? message, out IReadOnlyList<ValidationProblem> problems) =>
            TryBuild(fields, out message, out problems, out _);

        /// <summary>
        /// Builds the message, or returns false with every problem found; <paramref name="type"/> is the type the
        /// fields describe (such as "options"), also when they break a rule, so a report can name it.
        /// </summary>
        public static bool TryBuild(BotMessageFields fields, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BotMessage? message, out IReadOnlyList<ValidationProblem> problems, out string? type)
        {
            if (fields is null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var check = new Checker();
            message = BuildCore(Normalize(fields), check, out type);
            problems = check.Problems;
            if (problems.Count > 0)
            {
                message = null;
                return false;
            }

            return message is not null;
        }

        /// <summary>Resolves what type a set of fields describes, without validating the rest.</summary>
        public static string? InferType(BotMessageFields fields)
        {
            var check = new Checker();
            return ResolveType(Normalize(fields), check);
        }

        private static BotMessageFields Normalize(BotMessageFields f) => new()
        {
            // CSV cells are empty strings, not nulls: an empty cell means "not given".
            UserId = Blank(f.UserId)?.Trim(),
            Type = Blank(f.Type)?.Trim(),
            Text = Blank(f.Text),
            Title = Blank(f.Title),
            Header = Blank(f.Header),
            Caption = Blank(f.Caption),
            MediaUrl = Blank(f.MediaUrl)?.Trim(),
            FileName = Blank(f.FileName),
            Latitude = f.Latitude,
            Longitude = f.Longitude,
            QuickReplies = f.QuickReplies is { Count: > 0 } ? f.QuickReplies : null,
            Options = f.Options is { Count: > 0 } ? f.Options : null,
            ButtonText = Blank(f.ButtonText),
            Url = Blank(f.Url)?.Trim(),
            Contacts = f.Contacts is { Count: > 0 } ? f.Contacts : null,
            Payload = f.Payload,
        };

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        private static string? ResolveType(BotMessageFields f, Checker check)
        {
            if (f.Type is not null)
            {
                if (f.Payload is not null)
                {
                    // A raw payload may carry a type the module does not model (CAROUSEL, future types).
                    return f.Type;
                }

                if (TypeAliases.TryGetValue(f.Type, out var canonical))
                {
                    return canonical;
                }

                check.Add("type", $"'{f.Type}' is not a known message type; use one of {string.Join(", ", BotMessageTypes.All)}, or -Payload for other types.");
                return null;
            }

            if (f.Payload is not null)
            {
                return f.Payload["type"] is JsonValue v && v.TryGetValue(out string? t) ? t : null;
            }

            if (f.Options is not null)
            {
                return BotMessageTypes.Options;
            }

            if (f.QuickReplies is not null)
            {
                return BotMessageTypes.QuickReply;
            }

            if (f.Latitude is not null || f.Longitude is not null)
            {
                return BotMessageTypes.Location;
            }

            if (f.Contacts is not null)
            {
                return BotMessageTypes.Contacts;
            }

            if (f.Url is not null)
            {
                return BotMessageTypes.CtaUrl;
            }

            if (f.MediaUrl is not null)
            {
                var extension = MediaExtension(f.MediaUrl);
                if (extension is not null && MediaExtensions.TryGetValue(extension, out var mediaType))
                {
                    return mediaType;
                }

                check.Add("type", $"cannot tell the media type of '{f.MediaUrl}' from its extension; give -Type image, audio, video, file or sticker.");
                return null;
            }

            if (f.Text is not null)
            {
                return BotMessageTypes.Text;
            }

            check.Add("type", "no message content was given; give -Text, -MediaUrl, -Latitude/-Longitude, -Contact, -QuickReply, -Option, -Url or -Payload.");
            return null;
        }

        private static string? MediaExtension(string url)
        {
            var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
            var extension = Path.GetExtension(path);
            return string.IsNullOrEmpty(extension) ? null : extension;
        }

        private static BotMessage? BuildCore(BotMessageFields f, Checker check, out string? type)
        {
            if (f.UserId is null)
            {
                check.Add("userId", "is empty; every message needs the recipient (the phone number with country code, no '+').");
            }
            else
            {
                f.UserId = check.Recipient("userId", f.UserId);
            }

            CheckTextFields(f, check);
            type = ResolveType(f, check);
            if (f.Payload is not null)
            {
                return BuildRaw(f, type, check);
            }

            if (type is null)
            {
                return null;
            }

            var userId = f.UserId ?? string.Empty;
            switch (type)
            {
                case BotMessageTypes.Text:
                    check.Unused(f, type, nameof(f.Text));
                    check.Required("text", f.Text, Limits.TextLength);
                    return new TextMessage(userId, f.Text ?? string.Empty);

                case BotMessageTypes.Options:
                    check.Unused(f, type, nameof(f.Text), nameof(f.Title), nameof(f.ButtonText), nameof(f.Options));
                    check.Required("text", f.Text, Limits.BodyLength);
                    check.Optional("title", f.Title, Limits.HeaderLength);
                    check.Optional("buttonText", f.ButtonText, Limits.ListButtonLength);
                    CheckOptions(f.Options, check);
                    return new OptionsMessage(userId, f.Text ?? string.Empty, f.Options ?? Array.Empty<ListOption>())
                    {
                        Title = f.Title,
                        ButtonText = f.ButtonText is null ? null : new ListButton(f.ButtonText),
                    };

                case BotMessageTypes.QuickReply:
                    check.Unused(f, type, nameof(f.Text), nameof(f.Title), nameof(f.QuickReplies));
                    check.Required("text", f.Text, Limits.BodyLength);
                    check.Optional("title", f.Title, Limits.QuickReplyTitleLength);
                    CheckQuickReplies(f.QuickReplies, check);
                    return new QuickReplyMessage(userId, f.Text, (f.QuickReplies ?? Array.Empty<string>()).Select(t => new QuickReply(t)).ToList())
                    {
                        Title = f.Title,
                    };

                case BotMessageTypes.Image:
                case BotMessageTypes.Video:
                    // A "caption" column is the natural name for a media caption; the wire field is text.
                    check.Unused(f, type, nameof(f.MediaUrl), nameof(f.Text), nameof(f.Caption));
                    check.HttpsUrl("mediaUrl", f.MediaUrl, required: true);
                    check.OneCaption(f.Text, f.Caption);
                    check.Optional("text", f.Text ?? f.Caption, Limits.BodyLength);
                    return new MediaMessage(userId, type, f.MediaUrl ?? string.Empty) { Text = f.Text ?? f.Caption };

                case BotMessageTypes.File:
                    check.Unused(f, type, nameof(f.MediaUrl), nameof(f.Text), nameof(f.Caption), nameof(f.FileName));
                    check.HttpsUrl("mediaUrl", f.MediaUrl, required: true);
                    check.OneCaption(f.Text, f.Caption);
                    check.Optional("text", f.Text ?? f.Caption, Limits.BodyLength);
                    check.FileName(f.FileName);
                    return new MediaMessage(userId, type, f.MediaUrl ?? string.Empty) { Text = f.Text ?? f.Caption, FileName = f.FileName };

                case BotMessageTypes.Audio:
                case BotMessageTypes.Sticker:
                    check.Unused(f, type, nameof(f.MediaUrl));
                    check.HttpsUrl("mediaUrl", f.MediaUrl, required: true);
                    return new MediaMessage(userId, type, f.MediaUrl ?? string.Empty);

                case BotMessageTypes.Location:
                    check.Unused(f, type, nameof(f.Latitude), nameof(f.Longitude));
                    check.Coordinate("latitude", f.Latitude, 90);
                    check.Coordinate("longitude", f.Longitude, 180);
                    return new LocationMessage(userId, f.Latitude ?? 0, f.Longitude ?? 0);

                case BotMessageTypes.LocationRequest:
                    check.Unused(f, type, nameof(f.Text));
                    check.Required("text", f.Text, Limits.BodyLength);
                    return new LocationRequestMessage(userId, f.Text ?? string.Empty);

                case BotMessageTypes.Contacts:
                    check.Unused(f, type, nameof(f.Contacts));
                    CheckContacts(f.Contacts, check);
                    return new ContactsMessage(userId, f.Contacts ?? Array.Empty<Contact>());

                case BotMessageTypes.CtaUrl:
                    check.Unused(f, type, nameof(f.Title), nameof(f.Text), nameof(f.Caption), nameof(f.Url), nameof(f.ButtonText));
                    check.Required("title", f.Title, Limits.HeaderLength);
                    check.Required("text", f.Text, Limits.BodyLength);
                    check.Required("caption", f.Caption, Limits.HeaderLength);
                    check.HttpsUrl("url", f.Url, required: true, maxLength: Limits.UrlLength);
                    check.Required("buttonText", f.ButtonText, Limits.CtaDisplayTextLength);
                    return new CtaUrlMessage(userId, f.Title ?? string.Empty, f.Text ?? string.Empty, f.Caption ?? string.Empty, f.Url ?? string.Empty, f.ButtonText ?? string.Empty);

                case BotMessageTypes.VoiceCall:
                    check.Unused(f, type, nameof(f.Header), nameof(f.Text), nameof(f.ButtonText));
                    check.Optional("header", f.Header, Limits.HeaderLength);
                    check.Required("text", f.Text, Limits.BodyLength);
                    check.Required("buttonText", f.ButtonText, Limits.QuickReplyTitleLength);
                    return new VoiceCallMessage(userId, f.Text ?? string.Empty, f.ButtonText ?? string.Empty) { Header = f.Header };

                default:
                    check.Add("type", $"'{type}' is not a known message type; use one of {string.Join(", ", BotMessageTypes.All)}, or -Payload for other types.");
                    return null;
            }
        }

        private static BotMessage? BuildRaw(BotMessageFields f, string? type, Checker check)
        {
            check.Unused(f, "payload");
            var payload = (JsonObject)f.Payload!.DeepClone();
            if (f.Type is not null)
            {
                payload["type"] = f.Type;
            }
            else if (string.IsNullOrWhiteSpace(type))
            {
                check.Add("payload.type", "is missing; a raw payload needs a string 'type' (for example 'CAROUSEL'), or give -Type.");
            }

            var userId = f.UserId;
            if (payload["userId"] is JsonValue embedded && embedded.TryGetValue(out string? embeddedUserId) && !string.IsNullOrWhiteSpace(embeddedUserId))
            {
                // Checked here, not with the other payload strings: it is the recipient, and may be a formatted phone.
                var embeddedId = check.Recipient("payload.userId", embeddedUserId!.Trim());
                if (userId is not null && !string.Equals(userId, embeddedId, StringComparison.Ordinal))
                {
                    check.Add("payload.userId", $"is '{embeddedUserId}' but -UserId is '{userId}'; give the recipient once.");
                }

                userId ??= embeddedId;
                check.Remove("userId");
            }

            payload.Remove("userId");
            return check.Problems.Count == 0 ? new RawBotMessage(userId ?? string.Empty, payload) : null;
        }

        // Every string that would reach the customer, whatever the type: mis-decoded or invisible characters are never
        // sent. The recipient is checked on its own (see Checker.Recipient), and so is the payload's.
        private static void CheckTextFields(BotMessageFields f, Checker check)
        {
            check.Text("type", f.Type);
            check.Text("text", f.Text);
            check.Text("title", f.Title);
            check.Text("header", f.Header);
            check.Text("caption", f.Caption);
            check.Text("mediaUrl", f.MediaUrl);
            check.Text("fileName", f.FileName);
            check.Text("buttonText", f.ButtonText);
            check.Text("url", f.Url);
            for (var i = 0; i < (f.QuickReplies?.Count ?? 0); i++)
            {
                check.Text($"quick_replies[{i}].title", f.QuickReplies![i]);
            }

            for (var i = 0; i < (f.Options?.Count ?? 0); i++)
            {
                var option = f.Options![i];
                check.Text($"options[{i}].id", option?.Id);
                check.Text($"options[{i}].title", option?.Title);
                check.Text($"options[{i}].description", option?.Description);
            }

            for (var i = 0; i < (f.Contacts?.Count ?? 0); i++)
            {
                if (f.Contacts![i] is { } contact)
                {
                    check.Tree($"contacts[{i}]", System.Text.Json.JsonSerializer.SerializeToNode(contact, JelouJsonContext.Default.Contact));
                }
            }

            if (f.Payload is not null)
            {
                check.Tree("payload", f.Payload, skip: "userId");
            }
        }

        private static void CheckOptions(IReadOnlyList<ListOption>? options, Checker check)
        {
            if (options is null || options.Count < Limits.MinOptions || options.Count > Limits.MaxOptions)
            {
                check.Add("options", $"has {options?.Count ?? 0} entries; an options list needs {Limits.MinOptions} to {Limits.MaxOptions}.");
                return;
            }

            for (var i = 0; i < options.Count; i++)
            {
                var option = options[i];
                check.Required($"options[{i}].title", Blank(option.Title), Limits.OptionTitleLength);
                check.Optional($"options[{i}].description", option.Description, Limits.OptionDescriptionLength);
            }

            var ids = options.Where(o => !string.IsNullOrEmpty(o.Id)).GroupBy(o => o.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            foreach (var id in ids)
            {
                check.Add("options", $"the id '{id}' is used more than once; option ids must be unique.");
            }
        }

        private static void CheckQuickReplies(IReadOnlyList<string>? replies, Checker check)
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
                var title = Blank(replies[i]);
                check.Required(field, title, Limits.QuickReplyTitleLength);
                if (title is null)
                {
                    continue;
                }

                if (!seen.Add(title))
                {
                    check.Add(field, $"'{title}' appears more than once; button titles must be unique within a message.");
                }

                if (ContainsEmoji(title) || title.IndexOfAny(new[] { '*', '_', '~', '`' }) >= 0)
                {
                    check.Add(field, $"'{title}' contains an emoji or markdown; WhatsApp button titles must be plain text.");
                }
            }
        }

        private static void CheckContacts(IReadOnlyList<Contact>? contacts, Checker check)
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

        internal static bool ContainsEmoji(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                int cp = text[i];
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    cp = char.ConvertToUtf32(text[i], text[i + 1]);
                    i++;
                }

                if (cp >= 0x1F000 || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0xFE0F)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Counts what a user sees as characters: a surrogate pair (an emoji) is one.</summary>
        internal static int CharacterCount(string text) => new StringInfo(text).LengthInTextElements;

        private sealed class Checker
        {
            private static readonly Dictionary<string, string> FieldNames = new(StringComparer.Ordinal)
            {
                [nameof(BotMessageFields.Text)] = "text",
                [nameof(BotMessageFields.Title)] = "title",
                [nameof(BotMessageFields.Header)] = "header",
                [nameof(BotMessageFields.Caption)] = "caption",
                [nameof(BotMessageFields.MediaUrl)] = "mediaUrl",
                [nameof(BotMessageFields.FileName)] = "fileName",
                [nameof(BotMessageFields.Latitude)] = "latitude",
                [nameof(BotMessageFields.Longitude)] = "longitude",
                [nameof(BotMessageFields.QuickReplies)] = "quick_replies",
                [nameof(BotMessageFields.Options)] = "options",
                [nameof(BotMessageFields.ButtonText)] = "buttonText",
                [nameof(BotMessageFields.Url)] = "url",
                [nameof(BotMessageFields.Contacts)] = "contacts",
            };

            // Made on the first problem: a valid row, the usual case, needs no list.
            private List<ValidationProblem>? problems;

            // The fix for a file read with the wrong encoding is said once per row, however many fields show it.
            private bool encodingAdviceGiven;

            public IReadOnlyList<ValidationProblem> Problems => (IReadOnlyList<ValidationProblem>?)problems ?? Array.Empty<ValidationProblem>();

            public void Add(string field, string message) => (problems ??= new List<ValidationProblem>()).Add(new ValidationProblem(field, message));

            public void Remove(string field) => problems?.RemoveAll(p => p.Field == field);

            public void Text(string field, string? value)
            {
                if (value is not null && InputHygiene.CheckText(value, ref encodingAdviceGiven) is { } problem)
                {
                    Add(field, problem);
                }
            }

            public void Tree(string field, JsonNode? node, string? skip = null) =>
                InputHygiene.CheckTree(node, field, Add, ref encodingAdviceGiven, skip);

            /// <summary>The id to send: a formatted phone number as its digits, any other id as given.</summary>
            public string Recipient(string field, string id)
            {
                if (InputHygiene.CheckId(id, phone: true, out var normalized, ref encodingAdviceGiven) is { } problem)
                {
                    Add(field, problem);
                    return id;
                }

                return normalized;
            }

            public void Required(string field, string? value, int maxLength)
            {
                if (value is null)
                {
                    Add(field, "is empty; this message type requires it.");
                    return;
                }

                Optional(field, value, maxLength);
            }

            public void Optional(string field, string? value, int maxLength)
            {
                if (value is null)
                {
                    return;
                }

                // A string is never more characters than UTF-16 units, so the text-element count (which allocates)
                // is only needed when the units exceed the limit.
                if (value.Length <= maxLength)
                {
                    return;
                }

                var length = CharacterCount(value);
                if (length > maxLength)
                {
                    Add(field, $"'{Preview(value)}' is {length} characters long; the limit is {maxLength}.");
                }
            }

            public void HttpsUrl(string field, string? value, bool required, int maxLength = 2048)
            {
                if (value is null)
                {
                    if (required)
                    {
                        Add(field, "is empty; this message type requires a public HTTPS URL.");
                    }

                    return;
                }

                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    Add(field, $"'{Preview(value)}' is not an absolute URL; give a public HTTPS URL that points straight at the file.");
                }
                else if (uri.Scheme != Uri.UriSchemeHttps)
                {
                    Add(field, $"'{Preview(value)}' uses http; Jelou only fetches public HTTPS URLs.");
                }
                else if (value.Length > maxLength)
                {
                    Add(field, $"is {value.Length} characters long; the limit is {maxLength}.");
                }
            }

            public void OneCaption(string? text, string? caption)
            {
                if (text is not null && caption is not null)
                {
                    Add("caption", "and text were both given; a media message has one caption, so give only one of them.");
                }
            }

            public void FileName(string? value)
            {
                if (value is not null && value.IndexOfAny(new[] { '/', '\\' }) >= 0)
                {
                    Add("fileName", $"'{Preview(value)}' contains a path separator; give only the name the recipient sees, such as factura.pdf.");
                }
            }

            public void Coordinate(string field, double? value, double bound)
            {
                if (value is null)
                {
                    Add(field, "is empty; a location needs both latitude and longitude.");
                }
                else if (double.IsNaN(value.Value) || value.Value < -bound || value.Value > bound)
                {
                    Add(field, $"{value.Value.ToString(CultureInfo.InvariantCulture)} is out of range; it must be between -{bound} and {bound} decimal degrees.");
                }
            }

            public void Unused(BotMessageFields f, string type, params string[] allowed)
            {
                // Runs for every row of a batch, so it checks field by field without building lists.
                Reject(nameof(f.Text), f.Text is not null, type, allowed);
                Reject(nameof(f.Title), f.Title is not null, type, allowed);
                Reject(nameof(f.Header), f.Header is not null, type, allowed);
                Reject(nameof(f.Caption), f.Caption is not null, type, allowed);
                Reject(nameof(f.MediaUrl), f.MediaUrl is not null, type, allowed);
                Reject(nameof(f.FileName), f.FileName is not null, type, allowed);
                Reject(nameof(f.Latitude), f.Latitude is not null, type, allowed);
                Reject(nameof(f.Longitude), f.Longitude is not null, type, allowed);
                Reject(nameof(f.QuickReplies), f.QuickReplies is not null, type, allowed);
                Reject(nameof(f.Options), f.Options is not null, type, allowed);
                Reject(nameof(f.ButtonText), f.ButtonText is not null, type, allowed);
                Reject(nameof(f.Url), f.Url is not null, type, allowed);
                Reject(nameof(f.Contacts), f.Contacts is not null, type, allowed);
            }

            private void Reject(string name, bool given, string type, string[] allowed)
            {
                if (given && Array.IndexOf(allowed, name) < 0)
                {
                    // Sending a field the type ignores would silently drop content the user meant to send.
                    Add(FieldNames[name], type == "payload"
                        ? "cannot be combined with -Payload; put every field in the payload."
                        : $"is not used by type '{type}'; remove it or choose the type that carries it.");
                }
            }

            private static string Preview(string value) => value.Length <= 40 ? value : value.Substring(0, 37) + "...";
        }
    }
}
