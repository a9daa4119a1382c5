using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Http;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;
using Jelou.Validation;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends a WhatsApp message through a Jelou bot: text, options, quick replies, media, location, contacts, URL and call buttons, or a raw payload.</para>
    /// </summary>
    /// <remarks>
    /// One parameter set on purpose: a CSV row carries columns for several message types (a "type" column, empty
    /// cells for unused fields), and per-type parameter sets would make such rows fail to bind. The type is taken
    /// from -Type or inferred from the fields that are present, and every row is validated in the core.
    /// </remarks>
    [Cmdlet(VerbsCommunications.Send, "JelouBotMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(JelouBotMessageResult))]
    public sealed class SendJelouBotMessageCommand : SendCommandBase
    {
        /// <summary>The bot that sends the message.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [AllowEmptyString]
        [NoScriptBlockText]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The recipient: the phone number with country code and no '+', such as 593999999999.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("user_id", "User", "Phone", "phone_number", "PhoneNumber", "To", "Recipient", "Telefono", "Celular", "Numero")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? UserId { get; set; }

        /// <summary>The message text, or the caption of an image, video or file.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("Message", "Body", "Mensaje", "Texto")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Text { get; set; }

        /// <summary>The message type; inferred when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("message_type", "MessageType", "Tipo")]
        [ArgumentCompleter(typeof(MessageTypeCompleter))]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        [PSDefaultValue(Help = "None (inferred)")]
        public string? Type { get; set; }

        /// <summary>The public HTTPS URL of an image, audio, video, file or sticker.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("media_url", "Media", "MediaLink", "image_url", "file_url", "Attachment")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? MediaUrl { get; set; }

        /// <summary>The file name the recipient sees for a file.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("file_name")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? FileName { get; set; }

        /// <summary>The title of an options list or quick replies, or the header of a URL button.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Title { get; set; }

        /// <summary>The header of a call button.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Header { get; set; }

        /// <summary>The footer of a URL button, or a media caption.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Footer")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Caption { get; set; }

        /// <summary>Latitude of a location, in decimal degrees.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Lat")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Latitude { get; set; }

        /// <summary>Longitude of a location, in decimal degrees.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Long", "Lng", "Lon")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Longitude { get; set; }

        /// <summary>Reply button titles (1 to 3).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("quick_replies", "QuickReplies")]
        [AllowNull]
        [NoScriptBlockText]
        public string[]? QuickReply { get; set; }

        /// <summary>Options of a list (1 to 10): titles, or hashtables with id, title and description.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Options")]
        [AllowNull]
        public object[]? Option { get; set; }

        /// <summary>The label of the list button, URL button or call button.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("button_text", "display_text", "DisplayText")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? ButtonText { get; set; }

        /// <summary>The target of a URL button.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Link", "button_url")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Url { get; set; }

        /// <summary>Contact cards: hashtables with name, phones, emails and addresses.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Contacts")]
        [AllowNull]
        public object[]? Contact { get; set; }

        /// <summary>A raw message body (hashtable, object or JSON string) for types the module does not model; userId is added.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public object? Payload { get; set; }

        /// <summary>The pipeline row itself, kept so each result and error carries it; a result of this cmdlet is resent.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private protected override string Activity => "Sending Jelou bot messages";

        private protected override string JournalKind => "bot";

        private protected override Func<JelouApiException, bool> IsBatchFatal => e => e.IsAccountLevel;

        /// <summary>Validates the row, asks ShouldProcess and queues it.</summary>
        protected override void ProcessRecord()
        {
            // A result of this cmdlet piped back in. Its columns that bind by name (Type, Text, ...) cannot carry
            // quick replies or a location, so the message comes from its Content; the original row stays with it.
            var previous = InputObject?.BaseObject as JelouBotMessageResult;
            var result = new JelouBotMessageResult
            {
                Row = NextPosition(),
                BotId = BotId?.Trim(),
                UserId = UserId?.Trim(),
                Text = Text,
                MediaUrl = MediaUrl,
                FileName = FileName,
                InputObject = previous is null ? InputObject : previous.InputObject,
            };

            BotMessage message;
            try
            {
                if (DictionaryRow.UnboundKeys(InputObject, MyInvocation.MyCommand, GivenOnCommandLine) is { Count: > 0 } keys)
                {
                    throw new JelouValidationException(DictionaryRow.Problem(InputObject!, keys, "Send-JelouBotMessage", "@{ userId = '593987654321'; text = 'Hola' }"));
                }

                var fields = previous?.Content is { } sent ? Resend(sent) : ReadFields();
                result.Content = fields;
                result.UserId = fields.UserId?.Trim();
                result.Text = fields.Text;
                result.MediaUrl = fields.MediaUrl;
                result.FileName = fields.FileName;

                // One pass resolves the type and validates: the type is wanted in the report even for a bad row,
                // and the bot id problem joins the row's other problems.
                var valid = BotMessageBuilder.TryBuild(fields, out var built, out var problems, out var type);
                result.Type = type;
                if (string.IsNullOrWhiteSpace(BotId))
                {
                    problems = new[] { new ValidationProblem("botId", "is empty; give -BotId or a botId column.") }.Concat(problems).ToList();
                    valid = false;
                }

                if (!valid || built is null)
                {
                    throw new JelouValidationException(problems);
                }

                message = built;
            }
            catch (Exception ex) when (ex is JelouValidationException or ArgumentException or System.Text.Json.JsonException)
            {
                Skip(result, ex as JelouValidationException ?? new JelouValidationException(ex.Message, ex));
                return;
            }

            result.UserId = NoteRecipient(result.Row, result.UserId, message.UserId);
            var botId = result.BotId!;
            var target = $"{message.UserId} via bot {botId}";
            var action = $"Send {result.Type} message" + (string.IsNullOrEmpty(result.Text) ? string.Empty : $" '{Preview(result.Text)}'");
            // The key comes from the body the client sends, so the same CSV row gives the same key on every run.
            // Without a journal the body is not serialized twice on the hot path: the client does it once.
            JournalRow? record = null;
            if ((Journaling && !ShouldSendAfterJournal(result, "POST v1/bots/" + botId + "/messages", message.UserId, BotMessageSerializer.Serialize(message), target, null, out record))
                || !ShouldSend(result, target, action))
            {
                return;
            }

            Submit(new BulkItem(result, (client, options, token) => client.SendBotMessageAsync(botId, message, options, token)) { JournalRow = record });
        }

        // Coordinates bind as text: an empty CSV cell must mean "no location", never 0, and a value written with
        // the wrong decimal separator must be reported, not guessed.
        private static double? Coordinate(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            throw new JelouValidationException(new[] { new ValidationProblem(field, $"'{value}' is not a number in decimal degrees; write it with a dot, such as -2.1894.") });
        }

        private BotMessageFields ReadFields() => new()
        {
            UserId = UserId,
            Type = Type,
            Text = Text,
            Title = Title,
            Header = Header,
            Caption = Caption,
            MediaUrl = MediaUrl,
            FileName = FileName,
            Latitude = Coordinate("latitude", Latitude),
            Longitude = Coordinate("longitude", Longitude),
            QuickReplies = QuickReply?.Where(q => !string.IsNullOrWhiteSpace(q)).ToList(),
            Options = PowerShellValues.ToOptions(Option, InputObject),
            ButtonText = ButtonText,
            Url = Url,
            Contacts = PowerShellValues.ToContacts(Contact, InputObject),
            Payload = PowerShellValues.ToPayload(Payload, InputObject),
        };

        // The fields of a result being resent: the ones it was sent with, except what the command line gives.
        // Values bound by name from the result itself are left out: they are a summary of the same message.
        private BotMessageFields Resend(BotMessageFields sent) => BotFields.Merge(ReadFields(), sent, GivenOnCommandLine.Contains);
    }
}
