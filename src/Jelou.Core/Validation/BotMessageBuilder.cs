using System.Text.Json.Nodes;
using Jelou.Messages;
using BotMessageDescriptor = Jelou.Validation.MessageDescriptor<Jelou.Messages.BotMessageFields, Jelou.Messages.BotMessage>;

namespace Jelou.Validation
{
    /// <summary>
    /// Infers the message type from flat fields, checks every documented rule and builds the typed message.
    /// All problems of a row are reported together, so a user fixes a CSV row once.
    /// </summary>
    /// <remarks>The types and their rules are in <c>BotMessageDescriptors</c>; the rules every builder shares in <c>RuleChecker</c>.</remarks>
    public static class BotMessageBuilder
    {
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

            var check = new RuleChecker();
            message = BuildCore(BotFields.Normalize(fields), check, out type);
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
            var descriptor = ResolveType(BotFields.Normalize(fields), new RuleChecker(), out var payloadType);
            return descriptor?.Type ?? payloadType;
        }

        private static MessageCatalog<BotMessageFields, BotMessage> Catalog => BotMessageDescriptors.Catalog;

        // The descriptor of the type the fields describe; for a raw payload, null with the payload's type name instead.
        private static BotMessageDescriptor? ResolveType(BotMessageFields f, RuleChecker check, out string? payloadType)
        {
            payloadType = null;
            if (f.Payload is not null)
            {
                // A raw payload may carry a type the module does not model (CAROUSEL, future types).
                payloadType = f.Type ?? (f.Payload["type"] is JsonValue v && v.TryGetValue(out string? t) ? t : null);
                return null;
            }

            if (f.Type is not null)
            {
                if (Catalog.Find(f.Type) is { } named)
                {
                    return named;
                }

                check.Add("type", UnknownType(f.Type));
                return null;
            }

            // Which content wins when a row has several: the most specific type first, plain text last.
            if (f.Options is not null)
            {
                return BotMessageDescriptors.Options;
            }

            if (f.QuickReplies is not null)
            {
                return BotMessageDescriptors.QuickReply;
            }

            if (f.Latitude is not null || f.Longitude is not null)
            {
                return BotMessageDescriptors.Location;
            }

            if (f.Contacts is not null)
            {
                return BotMessageDescriptors.Contacts;
            }

            if (f.Url is not null)
            {
                return BotMessageDescriptors.CtaUrl;
            }

            if (f.MediaUrl is not null)
            {
                if (Catalog.ForUrl(f.MediaUrl) is { } media)
                {
                    return media;
                }

                check.Add("type", $"cannot tell the media type of '{f.MediaUrl}' from its extension; give -Type image, audio, video, file or sticker.");
                return null;
            }

            if (f.Text is not null)
            {
                return BotMessageDescriptors.Text;
            }

            check.Add("type", "no message content was given; give -Text, -MediaUrl, -Latitude/-Longitude, -Contact, -QuickReply, -Option, -Url or -Payload.");
            return null;
        }

        private static string UnknownType(string type) =>
            $"'{type}' is not a known message type; use one of {string.Join(", ", BotMessageTypes.All)}, or -Payload for other types.";

        private static BotMessage? BuildCore(BotMessageFields f, RuleChecker check, out string? type)
        {
            if (f.UserId is null)
            {
                check.Add("userId", "is empty; every message needs the recipient (the phone number with country code, no '+').");
            }
            else
            {
                f.UserId = check.Recipient("userId", f.UserId);
            }

            // Every string that would reach the customer, whatever the type: mis-decoded or invisible characters are
            // never sent. The recipient is checked on its own (above), and so is the payload's (BuildRaw).
            BotFields.CheckText(f, check);

            var descriptor = ResolveType(f, check, out var payloadType);
            type = descriptor?.Type ?? payloadType;
            if (f.Payload is not null)
            {
                return BuildRaw(f, type, check);
            }

            if (descriptor is null)
            {
                return null;
            }

            Unused(f, descriptor, check);
            descriptor.Check(f, check);
            return descriptor.Create(f);
        }

        // Sending a field the type ignores would silently drop content the user meant to send.
        private static void Unused(BotMessageFields f, BotMessageDescriptor? descriptor, RuleChecker check)
        {
            var fields = BotFields.ContentFields;
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.IsGiven(f) && (descriptor is null || !descriptor.Carries(field)))
                {
                    check.Add(field.Name, descriptor is null
                        ? "cannot be combined with -Payload; put every field in the payload."
                        : $"is not used by type '{descriptor.Type}'; remove it or choose the type that carries it.");
                }
            }
        }

        private static BotMessage? BuildRaw(BotMessageFields f, string? type, RuleChecker check)
        {
            Unused(f, null, check);
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
    }
}
