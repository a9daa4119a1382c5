using System.Collections;
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
    /// <para type="synopsis">Sends one or more messages into a Jelou conversation room (widget or WhatsApp room) in one request.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "JelouRoomMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = FieldsSet)]
    [OutputType(typeof(JelouRoomMessageResult))]
    public sealed class SendJelouRoomMessageCommand : SendCommandBase
    {
        private const string FieldsSet = "Fields";
        private const string MessageSet = "Message";

        /// <summary>The room, such as G:&lt;botId&gt;:&lt;referenceId&gt;.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("room_id", "Room")]
        [AllowEmptyString]
        [NoScriptBlockText]
        public string RoomId { get; set; } = string.Empty;

        /// <summary>The sender: Bot.id, Bot.socketId, Operator.id or a uuid.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("sender_id", "Sender", "From")]
        [AllowEmptyString]
        [NoScriptBlockText]
        public string SenderId { get; set; } = string.Empty;

        /// <summary>Text messages; each string is one message, all sent in one request.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("Message", "Body", "Mensaje", "Texto")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string[]? Text { get; set; }

        /// <summary>TEXT, IMAGE, VIDEO or DOCUMENT; inferred when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("message_type", "MessageType", "Tipo")]
        [ArgumentCompleter(typeof(MessageTypeCompleter))]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        [PSDefaultValue(Help = "None (inferred)")]
        public string? Type { get; set; }

        /// <summary>Media URLs; each is one IMAGE, VIDEO or DOCUMENT message (captioned by -Text when there is one text).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("media_url", "Media")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string[]? MediaUrl { get; set; }

        /// <summary>A uuid for the message; generated when omitted (only with a single message).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        // Not "MessageId": that is the server's id in the report, and a report piped back in must not bind it here.
        [Alias("Uuid")]
        [PSDefaultValue(Help = "None (a new uuid)")]
        public Guid? Id { get; set; }

        /// <summary>Messages of mixed types: hashtables or objects with type, text, mediaUrl and optional id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MessageSet)]
        public object[] RoomMessage { get; set; } = Array.Empty<object>();

        /// <summary>The pipeline row itself, kept so each result and error carries it; a result of this cmdlet is resent.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private protected override string Activity => "Sending Jelou room messages";

        private protected override string JournalKind => "room";

        // Room ids differ per row, so a missing room fails that row only; bad credentials fail them all.
        private protected override Func<JelouApiException, bool> IsBatchFatal => e => e.Kind is JelouErrorKind.Authentication or JelouErrorKind.PermissionDenied;

        /// <summary>Validates the row, asks ShouldProcess and queues it.</summary>
        protected override void ProcessRecord()
        {
            // A result of this cmdlet piped back in: its Type column ("TEXT,IMAGE") cannot carry the messages, so
            // they come from its Content, with the same ids, unless the command line gives messages of its own.
            var previous = InputObject?.BaseObject as JelouRoomMessageResult;
            var result = new JelouRoomMessageResult
            {
                Row = NextPosition(),
                RoomId = RoomId?.Trim(),
                SenderId = SenderId?.Trim(),
                InputObject = previous is null ? InputObject : previous.InputObject,
            };

            RoomMessageRequest request;
            IReadOnlyList<Guid?> givenIds;
            try
            {
                if (DictionaryRow.UnboundKeys(InputObject, MyInvocation.MyCommand, GivenOnCommandLine) is { Count: > 0 } keys)
                {
                    throw new JelouValidationException(DictionaryRow.Problem(InputObject!, keys, "Send-JelouRoomMessage", "@{ roomId = 'G:123:abc'; text = 'Hola' }"));
                }

                var messageParameters = new[] { nameof(Text), nameof(MediaUrl), nameof(Type), nameof(Id), nameof(RoomMessage) };
                var fields = previous?.Content is { } sent && !messageParameters.Any(GivenOnCommandLine.Contains)
                    ? sent.Select(Copy).ToList()
                    : ParameterSetName == MessageSet ? ReadMessages() : ReadFields();
                result.MessageCount = fields.Count;
                result.Content = fields;
                if (string.IsNullOrWhiteSpace(RoomId))
                {
                    throw new JelouValidationException(new[] { new ValidationProblem("roomId", "is empty; give -RoomId or a roomId column.") });
                }

                if (!RoomMessageBuilder.TryBuild(SenderId, fields, out var built, out var problems))
                {
                    throw new JelouValidationException(problems);
                }

                request = built;
                givenIds = fields.Select(f => f.Id).ToList();

                // The messages as built, with the ids generated for this send, so a resend is the same request.
                result.Content = built.Messages.Select(m => new RoomMessageFields { Type = m.Type, Text = m.Text, MediaUrl = m.MediaUrl, Id = Guid.Parse(m.Id) }).ToList();
            }
            catch (Exception ex) when (ex is JelouValidationException or ArgumentException)
            {
                Skip(result, ex as JelouValidationException ?? new JelouValidationException(ex.Message, ex));
                return;
            }

            result.Type = string.Join(",", request.Messages.Select(m => m.Type).Distinct());
            result.MessageIds = request.Messages.Select(m => m.Id).ToList();
            var roomId = result.RoomId!;
            var first = request.Messages[0];
            var target = $"room {roomId} as {request.SenderId}";
            var action = $"Send {request.Messages.Count} message(s): {first.Type} '{Preview(first.Text ?? first.MediaUrl)}'";
            // Without a journal the body is not serialized twice on the hot path: the client does it once.
            JournalRow? record = null;
            if ((Journaling && !ShouldSendAfterJournal(result, "POST v1/rooms/" + roomId + "/message", roomId, CanonicalBody(request, givenIds), target, result.MessageIds, out record))
                || !ShouldSend(result, target, action))
            {
                return;
            }

            Submit(new BulkItem(result, (client, options, token) => client.SendRoomMessageAsync(roomId, request, options, token)) { JournalRow = record });
        }

        /// <summary>
        /// The body the client sends, with the ids generated for this send left empty: a re-import of the same CSV
        /// generates new ones, and must still be the same row for the journal. Ids the row gives stay in.
        /// </summary>
        private static byte[] CanonicalBody(RoomMessageRequest request, IReadOnlyList<Guid?> givenIds) =>
            BotMessageSerializer.Serialize(new RoomMessageRequest(
                request.SenderId,
                request.Messages.Select((m, i) => new RoomMessage(m.Type, m.Text, m.MediaUrl, i < givenIds.Count ? givenIds[i] ?? Guid.Empty : Guid.Empty)).ToList()));

        private List<RoomMessageFields> ReadFields()
        {
            var texts = (Text ?? Array.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
            var urls = (MediaUrl ?? Array.Empty<string>()).Where(u => !string.IsNullOrWhiteSpace(u)).ToList();
            var messages = new List<RoomMessageFields>();
            if (urls.Count > 0 && texts.Count <= 1)
            {
                // One text with media is the caption, as a user writing -MediaUrl x -Text 'caption' means.
                messages.AddRange(urls.Select(u => new RoomMessageFields { Type = Type, MediaUrl = u, Text = texts.FirstOrDefault() }));
            }
            else
            {
                messages.AddRange(texts.Select(t => new RoomMessageFields { Type = urls.Count == 0 ? Type : null, Text = t }));
                messages.AddRange(urls.Select(u => new RoomMessageFields { Type = null, MediaUrl = u }));
            }

            if (Id is { } id)
            {
                if (messages.Count != 1)
                {
                    throw new ArgumentException($"-Id names one message, but this call has {messages.Count}; give ids through -RoomMessage instead.");
                }

                messages[0].Id = id;
            }

            return messages;
        }

        private static RoomMessageFields Copy(RoomMessageFields f) => new() { Type = f.Type, Text = f.Text, MediaUrl = f.MediaUrl, Id = f.Id };

        private List<RoomMessageFields> ReadMessages()
        {
            var messages = new List<RoomMessageFields>();
            var values = RowScript.Expand(RoomMessage, InputObject, "-RoomMessage") ?? Array.Empty<object>();
            for (var i = 0; i < values.Length; i++)
            {
                var where = $"-RoomMessage[{i}]";
                if (PowerShellValues.Unwrap(values[i]) is not IDictionary map)
                {
                    throw new ArgumentException($"{where} must be a hashtable or object with type, text, mediaUrl and optional id.");
                }

                var fields = new Hashtable(map, StringComparer.OrdinalIgnoreCase);
                string? Field(string key) => PowerShellValues.Text(RowScript.Evaluate(fields[key], InputObject, $"{where}.{key}"), $"{where}.{key}");
                var rawId = Field("id");
                var id = rawId is null ? (Guid?)null : Guid.TryParse(rawId, out var parsed) ? parsed : throw new ArgumentException($"{where}.id '{rawId}' is not a uuid.");
                messages.Add(new RoomMessageFields
                {
                    Type = Field("type"),
                    Text = Field("text"),
                    MediaUrl = Field("mediaUrl"),
                    Id = id,
                });
            }

            return messages;
        }
    }
}
