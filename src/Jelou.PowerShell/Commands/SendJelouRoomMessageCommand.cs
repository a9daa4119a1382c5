using System.Collections;
using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Http;
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
        public string RoomId { get; set; } = string.Empty;

        /// <summary>The sender: Bot.id, Bot.socketId, Operator.id or a uuid.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("sender_id", "Sender", "From")]
        [AllowEmptyString]
        public string SenderId { get; set; } = string.Empty;

        /// <summary>Text messages; each string is one message, all sent in one request.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("Message", "Body", "Mensaje", "Texto")]
        [AllowEmptyString]
        [AllowNull]
        public string[]? Text { get; set; }

        /// <summary>TEXT, IMAGE, VIDEO or DOCUMENT; inferred when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("message_type", "MessageType", "Tipo")]
        [ArgumentCompleter(typeof(MessageTypeCompleter))]
        [AllowEmptyString]
        [AllowNull]
        public string? Type { get; set; }

        /// <summary>Media URLs; each is one IMAGE, VIDEO or DOCUMENT message (captioned by -Text when there is one text).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        [Alias("media_url", "Media")]
        [AllowEmptyString]
        [AllowNull]
        public string[]? MediaUrl { get; set; }

        /// <summary>A uuid for the message; generated when omitted (only with a single message).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = FieldsSet)]
        // Not "MessageId": that is the server's id in the report, and a report piped back in must not bind it here.
        [Alias("Uuid")]
        public Guid? Id { get; set; }

        /// <summary>Messages of mixed types: hashtables or objects with type, text, mediaUrl and optional id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MessageSet)]
        public object[] RoomMessage { get; set; } = Array.Empty<object>();

        /// <summary>The pipeline row itself, kept so each result and error carries it.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private protected override string Activity => "Sending Jelou room messages";

        // Room ids differ per row, so a missing room fails that row only; bad credentials fail them all.
        private protected override Func<JelouApiException, bool> IsBatchFatal => e => e.Kind is JelouErrorKind.Authentication or JelouErrorKind.PermissionDenied;

        /// <summary>Validates the row, asks ShouldProcess and queues it.</summary>
        protected override void ProcessRecord()
        {
            var result = new JelouRoomMessageResult
            {
                Row = NextPosition(),
                RoomId = RoomId?.Trim(),
                SenderId = SenderId?.Trim(),
                InputObject = InputObject,
            };

            RoomMessageRequest request;
            try
            {
                var fields = ParameterSetName == MessageSet ? ReadMessages() : ReadFields();
                result.MessageCount = fields.Count;
                if (string.IsNullOrWhiteSpace(RoomId))
                {
                    throw new JelouValidationException(new[] { new ValidationProblem("roomId", "is empty; give -RoomId or a roomId column.") });
                }

                if (!RoomMessageBuilder.TryBuild(SenderId, fields, out var built, out var problems))
                {
                    throw new JelouValidationException(problems);
                }

                request = built;
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
            if (!ShouldSend(result, target, action))
            {
                return;
            }

            Submit(new BulkItem(result, (client, options, token) => client.SendRoomMessageAsync(roomId, request, options, token)));
        }

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

        private List<RoomMessageFields> ReadMessages()
        {
            var messages = new List<RoomMessageFields>();
            for (var i = 0; i < RoomMessage.Length; i++)
            {
                if (PowerShellValues.Unwrap(RoomMessage[i]) is not IDictionary map)
                {
                    throw new ArgumentException($"-RoomMessage[{i}] must be a hashtable or object with type, text, mediaUrl and optional id.");
                }

                var fields = new Hashtable(map, StringComparer.OrdinalIgnoreCase);
                var id = fields["id"] is { } rawId ? Guid.TryParse(PowerShellValues.Unwrap(rawId)?.ToString(), out var parsed) ? parsed : throw new ArgumentException($"-RoomMessage[{i}].id '{rawId}' is not a uuid.") : (Guid?)null;
                messages.Add(new RoomMessageFields
                {
                    Type = PowerShellValues.Unwrap(fields["type"])?.ToString(),
                    Text = PowerShellValues.Unwrap(fields["text"])?.ToString(),
                    MediaUrl = PowerShellValues.Unwrap(fields["mediaUrl"])?.ToString(),
                    Id = id,
                });
            }

            return messages;
        }
    }
}
