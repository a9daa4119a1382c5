using Jelou.Messages;

namespace Jelou.Validation
{
    /// <summary>The fields of one room message as a cmdlet or CSV row gives them.</summary>
    public sealed class RoomMessageFields
    {
        /// <summary>TEXT, IMAGE, VIDEO or DOCUMENT (any case); inferred when empty.</summary>
        public string? Type { get; set; }

        /// <summary>Text, or caption for media.</summary>
        public string? Text { get; set; }

        /// <summary>Media URL.</summary>
        public string? MediaUrl { get; set; }

        /// <summary>Message uuid; generated when null.</summary>
        public Guid? Id { get; set; }

        /// <summary>The type and the text or URL, such as <c>IMAGE https://example.com/menu.png</c>, for a report or a log.</summary>
        public override string ToString() => string.Join(" ", new[] { Type, MediaUrl, Text is null ? null : "'" + Text + "'" }.Where(p => !string.IsNullOrEmpty(p)));
    }

    /// <summary>Validates and builds room requests.</summary>
    /// <remarks>The types and their rules are in <c>RoomMessageDescriptors</c>; the rules every builder shares in <c>RuleChecker</c>.</remarks>
    public static class RoomMessageBuilder
    {
        /// <summary>Builds the request, or returns false with every problem found.</summary>
        public static bool TryBuild(string? senderId, IReadOnlyList<RoomMessageFields> messages, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoomMessageRequest? request, out IReadOnlyList<ValidationProblem> problems)
        {
            // One checker for the request: the encoding advice is said once, however many messages show the problem.
            var check = new RuleChecker();
            if (string.IsNullOrWhiteSpace(senderId))
            {
                check.Add("senderId", "is empty; a room message needs the sender (Bot.id, Bot.socketId, Operator.id or a uuid).");
            }
            else
            {
                // A sender is a bot, operator or uuid, never a phone number, so only the rules for every id apply.
                check.Id("senderId", senderId!.Trim(), phone: false);
            }

            if (messages is null || messages.Count == 0)
            {
                check.Add("messages", "is empty; give -Text, -MediaUrl or -RoomMessage.");
            }

            var catalog = RoomMessageDescriptors.Catalog;
            var built = new List<RoomMessage>();
            for (var i = 0; i < (messages?.Count ?? 0); i++)
            {
                var m = messages![i];
                check.Prefix = $"messages[{i}].";
                check.Text("type", m.Type);
                check.Text("text", m.Text);
                check.Text("mediaUrl", m.MediaUrl);
                var f = new RoomMessageFields
                {
                    Type = string.IsNullOrWhiteSpace(m.Type) ? null : m.Type!.Trim(),
                    Text = string.IsNullOrWhiteSpace(m.Text) ? null : m.Text,
                    MediaUrl = string.IsNullOrWhiteSpace(m.MediaUrl) ? null : m.MediaUrl!.Trim(),
                    Id = m.Id,
                };

                var descriptor = f.Type is not null ? catalog.Find(f.Type) : Infer(f);
                if (descriptor is null)
                {
                    check.Add("type", f.Type is null
                        ? "cannot be inferred: give text or a media URL."
                        : $"'{m.Type}' is not a room message type; use {string.Join(", ", catalog.Names.Take(catalog.Names.Count - 1))} or {catalog.Names[catalog.Names.Count - 1]}.");
                    continue;
                }

                descriptor.Check(f, check);
                if (f.MediaUrl is not null && !descriptor.Carries(RoomMessageDescriptors.MediaUrl))
                {
                    // Only TEXT carries no URL; a file sent as text would be dropped.
                    check.Add("mediaUrl", $"is not used by a {descriptor.Type} message; use IMAGE, VIDEO or DOCUMENT to send a file.");
                }

                built.Add(descriptor.Create(f));
            }

            check.Prefix = string.Empty;
            problems = check.Problems;
            request = problems.Count == 0 ? new RoomMessageRequest(senderId!.Trim(), built) : null;
            return request is not null;
        }

        private static MessageDescriptor<RoomMessageFields, RoomMessage>? Infer(RoomMessageFields f)
        {
            if (f.MediaUrl is null)
            {
                return f.Text is null ? null : RoomMessageDescriptors.TextMessage;
            }

            return RoomMessageDescriptors.Catalog.ForUrl(f.MediaUrl) ?? RoomMessageDescriptors.Document;
        }
    }
}
