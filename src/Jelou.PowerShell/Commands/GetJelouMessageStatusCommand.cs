using System.Globalization;
using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Http;
using Jelou.Notifications;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the delivery status of sent WhatsApp templates (HSM): created, delivered, read, replied or failed.</para>
    /// </summary>
    /// <remarks>
    /// Two ways in. A listing (-CampaignId, -TemplateName, -From, -To) streams GET /v1/external/bots/{botId}/notifications
    /// page by page, with -First and -Skip. A lookup (-MessageId, usually bound from a Send-JelouTemplate report) asks
    /// for each id, up to -ThrottleLimit at a time, and writes each status with the input's Position, Row and the input
    /// itself, so it joins back to the report.
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "JelouMessageStatus", SupportsPaging = true, DefaultParameterSetName = ListSet)]
    [OutputType(typeof(JelouMessageStatus))]
    public sealed class GetJelouMessageStatusCommand : JelouApiCmdlet, IDisposable
    {
        private const string ListSet = "List";
        private const string LookupSet = "MessageId";
        private const string NotFoundId = "JelouMessageStatusNotFound";

        private readonly CancellationTokenSource cancellation = new();
        private readonly List<Task<Lookup>> inFlight = new();
        private JelouClient? client;
        private SendRequestOptions? options;
        private int throttle;
        private long position;
        private long lookedUp;
        private long found;
        private long passedOver;
        private bool checkedPaging;

        /// <summary>The bot the templates were sent through.</summary>
        // Declared per set, so that the listing's set exists in the metadata (and the generated syntax) as well.
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = LookupSet, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [ValidateNotNullOrEmpty]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The message ids to look up, as Send-JelouTemplate reported them; a report's MessageId column binds to it.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = LookupSet, ValueFromPipelineByPropertyName = true)]
        [Alias("message_id")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[]? MessageId { get; set; }

        /// <summary>Only the messages of this campaign.</summary>
        [Parameter]
        [Alias("campaign_id")]
        [ValidateNotNullOrEmpty]
        public string? CampaignId { get; set; }

        /// <summary>Only the messages of this template (its elementName).</summary>
        [Parameter]
        [Alias("ElementName", "element_name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string? TemplateName { get; set; }

        /// <summary>Only messages from this time on (the API's from; a time without a zone is local).</summary>
        [Parameter]
        [PSDefaultValue(Help = "None (no lower bound)")]
        public DateTime? From { get; set; }

        /// <summary>Only messages up to this time (the API's to; a time without a zone is local).</summary>
        [Parameter]
        [PSDefaultValue(Help = "None (no upper bound)")]
        public DateTime? To { get; set; }

        /// <summary>Lookups in flight at once (default 8).</summary>
        [Parameter(ParameterSetName = LookupSet)]
        [ValidateRange(1, 256)]
        [PSDefaultValue(Help = "8 (or the Set-JelouRequestContext default)")]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        /// <summary>The pipeline row itself, kept on each status it gives.</summary>
        [Parameter(ParameterSetName = LookupSet, ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <inheritdoc />
        public void Dispose() => cancellation.Dispose();

        /// <summary>Checks -From and -To before anything is asked.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (From is { } from && To is { } to && Utc(from) > Utc(to))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-From ({Utc(from):o}) is after -To ({Utc(to):o}): no message can be in between. Swap them."),
                    "JelouInvalidTimeRange", ErrorCategory.InvalidArgument, From));
            }
        }

        /// <summary>Lists, or starts the lookups of this input's message ids.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == ListSet)
            {
                var endpoint = new NotificationListEndpoint(BotId.Trim(), Filter(null));
                WritePaged(Client(), endpoint, Options(), cancellation.Token, status =>
                {
                    status.BotId ??= BotId.Trim();
                    return status;
                });
                return;
            }

            RefusePagingOnce();
            var ids = (MessageId ?? Array.Empty<string>()).Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).ToArray();
            var row = ReportRow(InputObject);
            if (ids.Length == 0)
            {
                // Failed, Skipped and NotAttempted rows of a send report were never sent: they have no id and no status.
                position++;
                passedOver++;
                WriteVerbose(Describe(position, row) + " has no MessageId" + SendStatus(InputObject) + ": it was not sent (or its answer never came), so Jelou has no delivery status for it. Passed over.");
                return;
            }

            var piped = InputObject is not null;
            if (piped)
            {
                position++;
            }

            foreach (var id in ids)
            {
                if (!piped)
                {
                    position++;
                }

                while (inFlight.Count >= Throttle())
                {
                    WriteFinished(block: true);
                }

                inFlight.Add(LookUpAsync(new Request(id, BotId.Trim(), position, row, InputObject)));
                lookedUp++;
            }

            WriteFinished(block: false);
        }

        /// <summary>Waits for the lookups still in flight.</summary>
        protected override void EndProcessing()
        {
            while (inFlight.Count > 0)
            {
                WriteFinished(block: true);
            }

            if (ParameterSetName == LookupSet)
            {
                WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Looked up {0} message id(s): {1} with a status, {2} without; {3} input(s) had no MessageId.", lookedUp, found, lookedUp - found, passedOver));
            }
        }

        /// <summary>Stops the listing or the lookups (Ctrl+C).</summary>
        protected override void StopProcessing() => cancellation.Cancel();

        private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();

        // The report's own row number: a Send-JelouTemplate result's Row, or the Row column of its CSV.
        private static long? ReportRow(PSObject? input) =>
            input?.Properties["Row"]?.Value is { } value && LanguagePrimitives.TryConvertTo(value, CultureInfo.InvariantCulture, out long row) ? row : null;

        private static string SendStatus(PSObject? input) =>
            input?.Properties["Status"]?.Value is { } status && status.ToString() is { Length: > 0 } text ? " (its send Status is " + text + ")" : string.Empty;

        private static string Describe(long position, long? row) =>
            "Input " + position.ToString(CultureInfo.InvariantCulture) + (row is { } r && r != position ? " (report row " + r.ToString(CultureInfo.InvariantCulture) + ")" : string.Empty);

        private NotificationFilter Filter(string? messageId) => new()
        {
            MessageId = messageId,
            CampaignId = CampaignId,
            TemplateName = TemplateName,
            From = From is { } from ? new DateTimeOffset(Utc(from), TimeSpan.Zero) : null,
            To = To is { } to ? new DateTimeOffset(Utc(to), TimeSpan.Zero) : null,
        };

        private JelouClient Client() => client ??= CreateClient();

        private SendRequestOptions Options() => options ??= new SendRequestOptions { Retry = CreateRetrySettings() };

        private int Throttle()
        {
            if (throttle == 0)
            {
                throttle = Pick(nameof(ThrottleLimit), ThrottleLimit, ModuleState.Defaults.ThrottleLimit);
            }

            return throttle;
        }

        // -First and -Skip page one listing; a lookup per id has none to page.
        private void RefusePagingOnce()
        {
            if (checkedPaging)
            {
                return;
            }

            checkedPaging = true;
            var paging = PagingParameters;
            if (paging is not null && (paging.First != ulong.MaxValue || paging.Skip != 0 || paging.IncludeTotalCount))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-First, -Skip and -IncludeTotalCount page a listing (-CampaignId, -TemplateName, -From, -To). With -MessageId each id is looked up on its own: pipe the output to Select-Object -First instead."),
                    "JelouPagingWithMessageId", ErrorCategory.InvalidArgument, null));
            }
        }

        private Task<Lookup> LookUpAsync(Request request)
        {
            var jelou = Client();
            var retry = Options();
            var filter = Filter(null);
            var token = cancellation.Token;
            return Task.Run(async () =>
            {
                try
                {
                    var statuses = await MessageStatusLookup.FindAsync(jelou, request.BotId, request.MessageId, filter, retry, token).ConfigureAwait(false);
                    return new Lookup(request, statuses, null);
                }
                catch (JelouApiException error)
                {
                    return new Lookup(request, Array.Empty<JelouMessageStatus>(), error);
                }
            }, token);
        }

        private void WriteFinished(bool block)
        {
            if (inFlight.Count == 0)
            {
                return;
            }

            if (block)
            {
                try
                {
                    Task.WaitAny(inFlight.ToArray<Task>(), cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: PowerShell ends the pipeline; nothing more is written.
                    inFlight.Clear();
                    return;
                }
            }

            for (var i = 0; i < inFlight.Count;)
            {
                var task = inFlight[i];
                if (!task.IsCompleted)
                {
                    i++;
                    continue;
                }

                inFlight.RemoveAt(i);
                if (task.Status == TaskStatus.RanToCompletion)
                {
                    Write(task.Result);
                }
            }
        }

        private void Write(Lookup lookup)
        {
            var request = lookup.Request;
            var target = (object?)request.Input ?? request.MessageId;
            if (lookup.Error is { } error)
            {
                if (error.IsAccountLevel)
                {
                    // Bad credentials or an unknown bot: every other lookup would fail the same way.
                    cancellation.Cancel();
                    ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorRecords.CategoryFor(error.Kind), request.BotId));
                }

                var record = new ErrorRecord(error, error.ErrorId, ErrorRecords.CategoryFor(error.Kind), target)
                {
                    ErrorDetails = new ErrorDetails(Describe(request.Position, request.Row) + ", message '" + request.MessageId + "': " + error.Message),
                };
                WriteError(record);
                return;
            }

            if (lookup.Statuses.Count == 0)
            {
                var message = Describe(request.Position, request.Row) + ": Jelou has no delivery status for message '" + request.MessageId + "' of bot '" + request.BotId
                    + "'. Check that the message was sent through this bot (and within -From/-To, -CampaignId and -TemplateName when given), or ask again later.";
                WriteError(new ErrorRecord(new ItemNotFoundException(message), NotFoundId, ErrorCategory.ObjectNotFound, target));
                return;
            }

            found++;
            foreach (var status in lookup.Statuses)
            {
                status.Position = request.Position;
                status.Row = request.Row;
                status.BotId ??= request.BotId;
                status.InputObject = request.Input;
                WriteObject(status);
            }
        }

        private sealed class Request
        {
            public Request(string messageId, string botId, long position, long? row, PSObject? input)
            {
                MessageId = messageId;
                BotId = botId;
                Position = position;
                Row = row;
                Input = input;
            }

            public string MessageId { get; }

            public string BotId { get; }

            public long Position { get; }

            public long? Row { get; }

            public PSObject? Input { get; }
        }

        private sealed class Lookup
        {
            public Lookup(Request request, IReadOnlyList<JelouMessageStatus> statuses, JelouApiException? error)
            {
                Request = request;
                Statuses = statuses;
                Error = error;
            }

            public Request Request { get; }

            public IReadOnlyList<JelouMessageStatus> Statuses { get; }

            public JelouApiException? Error { get; }
        }
    }
}
