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
    public static class RoomMessageBuilder
    {
        /// <summary>Builds the request, or returns false with every problem found.</summary>
        public static bool TryBuild(string? senderId, IReadOnlyList<RoomMessageFields> messages, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoomMessageRequest? request, out IReadOnlyList<ValidationProblem> problems)
        {
            var found = new List<ValidationProblem>();
            var adviceGiven = false;
            if (string.IsNullOrWhiteSpace(senderId))
            {
                found.Add(new ValidationProblem("senderId", "is empty; a room message needs the sender (Bot.id, Bot.socketId, Operator.id or a uuid)."));
            }
            else if (InputHygiene.CheckId(senderId!.Trim(), phone: false, out _, ref adviceGiven) is { } senderProblem)
            {
                // A sender is a bot, operator or uuid, never a phone number, so only the rules for every id apply.
                found.Add(new ValidationProblem("senderId", senderProblem));
            }

            if (messages is null || messages.Count == 0)
            {
                found.Add(new ValidationProblem("messages", "is empty; give -Text, -MediaUrl or -RoomMessage."));
            }

            var built = new List<RoomMessage>();
            for (var i = 0; i < (messages?.Count ?? 0); i++)
            {
                var m = messages![i];
                var field = $"messages[{i}]";
                Text(field + ".type", m.Type);
                Text(field + ".text", m.Text);
                Text(field + ".mediaUrl", m.MediaUrl);
                var text = string.IsNullOrWhiteSpace(m.Text) ? null : m.Text;
                var url = string.IsNullOrWhiteSpace(m.MediaUrl) ? null : m.MediaUrl!.Trim();
                var type = string.IsNullOrWhiteSpace(m.Type) ? Infer(url, text) : Canonical(m.Type!.Trim());
                if (type is null)
                {
                    found.Add(new ValidationProblem(field + ".type", string.IsNullOrWhiteSpace(m.Type)
                        ? "cannot be inferred: give text or a media URL."
                        : $"'{m.Type}' is not a room message type; use TEXT, IMAGE, VIDEO or DOCUMENT."));
                    continue;
                }

                if (type == RoomMessageTypes.Text)
                {
                    if (text is null)
                    {
                        found.Add(new ValidationProblem(field + ".text", "is empty; a TEXT message needs text."));
                    }

                    if (url is not null)
                    {
                        found.Add(new ValidationProblem(field + ".mediaUrl", "is not used by a TEXT message; use IMAGE, VIDEO or DOCUMENT to send a file."));
                    }
                }
                else if (url is null)
                {
                    found.Add(new ValidationProblem(field + ".mediaUrl", $"is empty; a {type} message needs a public HTTPS URL."));
                }
                else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    found.Add(new ValidationProblem(field + ".mediaUrl", $"'{url}' is not an absolute HTTPS URL; Jelou only fetches public HTTPS URLs."));
                }

                built.Add(new RoomMessage(type, text, url, m.Id));
            }

            problems = found;

            void Text(string name, string? value)
            {
                if (value is not null && InputHygiene.CheckText(value, ref adviceGiven) is { } problem)
                {
                    found.Add(new ValidationProblem(name, problem));
                }
            }
            request = found.Count == 0 ? new RoomMessageRequest(senderId!.Trim(), built) : null;
            return request is not null;
        }

        private static string? Canonical(string type) => type.ToUpperInvariant() switch
        {
            "TEXT" => RoomMessageTypes.Text,
            "IMAGE" => RoomMessageTypes.Image,
            "VIDEO" => RoomMessageTypes.Video,
            "DOCUMENT" or "FILE" => RoomMessageTypes.Document,
            _ => null,
        };

        private static string? Infer(string? url, string? text)
        {
            if (url is null)
            {
                return text is null ? null : RoomMessageTypes.Text;
            }

            var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
            return Path.GetExtension(path).ToUpperInvariant() switch
            {
                ".JPG" or ".JPEG" or ".PNG" or ".WEBP" or ".GIF" => RoomMessageTypes.Image,
                ".MP4" or ".3GP" or ".MOV" => RoomMessageTypes.Video,
                _ => RoomMessageTypes.Document,
            };
        }
    }
}
