using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using Jelou.Campaigns;
using Jelou.Http;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists a bot's bulk campaigns and their status (GET /v1/campaigns); -Wait follows them until they are COMPLETED.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "JelouCampaign", SupportsPaging = true)]
    [OutputType(typeof(JelouCampaign))]
    public sealed class GetJelouCampaignCommand : JelouApiCmdlet, IDisposable
    {
        private const string Activity = "Waiting for Jelou campaigns";
        private readonly CancellationTokenSource cancellation = new();

        /// <summary>The bot whose campaigns to list.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [ValidateNotNullOrEmpty]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The campaign name; wildcards allowed, matched on our side.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("CampaignName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [PSDefaultValue(Help = "None (all)")]
        public string? Name { get; set; }

        /// <summary>Only campaigns of this template (elementName).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ElementName", "Template")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        [PSDefaultValue(Help = "None (every template)")]
        public string? TemplateName { get; set; }

        /// <summary>Only campaigns of this status.</summary>
        [Parameter]
        [ValidateSet("COMPLETED", "PENDING", "IN_PROGRESS", "SCHEDULED", IgnoreCase = true)]
        [PSDefaultValue(Help = "None (every status)")]
        public string? Status { get; set; }

        /// <summary>The start of the period (the API's startAt, on the campaign's creation).</summary>
        [Parameter]
        [Alias("StartAt")]
        [PSDefaultValue(Help = "Seven days before -To")]
        public DateTime From { get; set; }

        /// <summary>The end of the period (the API's endAt).</summary>
        [Parameter]
        [Alias("EndAt")]
        [PSDefaultValue(Help = "Now (plus ten minutes, for a server clock that runs ahead)")]
        public DateTime To { get; set; }

        /// <summary>Polls until every campaign listed is COMPLETED, with a progress bar, then writes them.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>With -Wait, the most seconds to wait; 0 waits until they are done or Ctrl+C.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        [PSDefaultValue(Help = "0 (no limit)")]
        public int WaitTimeoutSec { get; set; }

        /// <summary>With -Wait, the seconds between two listings.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        [PSDefaultValue(Help = "5")]
        public int PollIntervalSec { get; set; } = 5;

        /// <inheritdoc />
        public void Dispose() => cancellation.Dispose();

        /// <summary>Lists the campaigns, page by page, or waits for them.</summary>
        protected override void ProcessRecord()
        {
            var to = MyInvocation.BoundParameters.ContainsKey(nameof(To)) ? CampaignDates.ToUtc(To) : DateTimeOffset.UtcNow.AddMinutes(10);
            var from = MyInvocation.BoundParameters.ContainsKey(nameof(From)) ? CampaignDates.ToUtc(From) : to.AddDays(-7);
            if (from > to)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-From ({CampaignDates.Format(from)}) is after -To ({CampaignDates.Format(to)}); give a period that starts before it ends."), "JelouCampaignPeriodInvalid", ErrorCategory.InvalidArgument, From));
            }

            var client = CreateClient();
            var options = new SendRequestOptions { Retry = CreateRetrySettings() };
            var status = Status?.ToUpperInvariant();
            try
            {
                if (Wait.IsPresent)
                {
                    WaitFor(client, options, from, to, status);
                }
                else
                {
                    List(client, options, from, to, status);
                }
            }
            catch (JelouApiException error)
            {
                ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorRecords.CategoryFor(error.Kind), BotId));
            }
        }

        /// <summary>Stops the listing or the wait (Ctrl+C).</summary>
        protected override void StopProcessing() => cancellation.Cancel();

        /// <summary>A campaign with the fields the listing had but the type does not model as NoteProperties.</summary>
        internal static PSObject Shape(JelouCampaign campaign)
        {
            var shaped = new PSObject(campaign);
            foreach (var extra in campaign.AdditionalProperties)
            {
                if (shaped.Properties[extra.Key] is null)
                {
                    shaped.Properties.Add(new PSNoteProperty(extra.Key, Value(extra.Value)));
                }
            }

            return shaped;
        }

        /// <summary>A JSON value as PowerShell shows one: text, number, boolean, null, an array, or an object with properties.</summary>
        internal static object? Value(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number:
                    return value.TryGetInt64(out var whole) ? whole : value.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Array:
                    return value.EnumerateArray().Select(Value).ToArray();
                case JsonValueKind.Object:
                    var obj = new PSObject();
                    foreach (var property in value.EnumerateObject())
                    {
                        obj.Properties.Add(new PSNoteProperty(property.Name, Value(property.Value)));
                    }

                    return obj;
                default:
                    return null;
            }
        }

        private bool Wanted(JelouCampaign campaign, WildcardPattern? pattern, string? status) =>
            (pattern is null || (campaign.Name is { } name && pattern.IsMatch(name)))
            && (status is null || string.Equals(campaign.Status, status, StringComparison.OrdinalIgnoreCase))
            && (TemplateName is null || campaign.TemplateName is null || string.Equals(campaign.TemplateName, TemplateName, StringComparison.Ordinal));

        private WildcardPattern? Pattern() => Name is null ? null : WildcardPattern.Get(Name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);

        private void List(JelouClient client, SendRequestOptions options, DateTimeOffset from, DateTimeOffset to, string? status)
        {
            var pattern = Pattern();
            var paging = PagingParameters;
            var skip = paging?.Skip ?? 0;
            ulong? first = paging is null || paging.First == ulong.MaxValue ? null : paging.First;

            // -Skip and -First count the campaigns written, after -Name; the pager's window only stops it early.
            var window = new PageWindow(0, first is { } f && skip <= ulong.MaxValue - f ? skip + f : null);
            var pager = new Pager<JelouCampaign>(client, new CampaignListEndpoint(BotId, from, to, TemplateName, status), window, options);
            if (paging?.IncludeTotalCount == true)
            {
                var total = pager.ReadTotalAsync(cancellation.Token).GetAwaiter().GetResult();
                WriteObject(pattern is null && total is not null ? paging.NewTotalCount((ulong)total.Value, 1.0) : paging.NewTotalCount((ulong)(total ?? 0), 0.0));
            }

            ulong written = 0;
            while ((first is null || written < first) && pager.MoveNextAsync(cancellation.Token).GetAwaiter().GetResult())
            {
                if (!Wanted(pager.Current, pattern, status))
                {
                    continue;
                }

                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                WriteObject(Shape(pager.Current));
                written++;
            }
        }

        private List<JelouCampaign> ReadAll(JelouClient client, SendRequestOptions options, DateTimeOffset from, DateTimeOffset to, string? status)
        {
            var pager = new Pager<JelouCampaign>(client, new CampaignListEndpoint(BotId, from, to, TemplateName, status), new PageWindow(0, null), options);
            var all = new List<JelouCampaign>();
            while (pager.MoveNextAsync(cancellation.Token).GetAwaiter().GetResult())
            {
                all.Add(pager.Current);
            }

            return all;
        }

        /// <summary>
        /// The campaigns matched on the first listing are followed by id (by name when the listing gives no id) until each is
        /// COMPLETED. Later listings leave -Status out: a campaign that moves on must not drop out of what is followed.
        /// </summary>
        private void WaitFor(JelouClient client, SendRequestOptions options, DateTimeOffset from, DateTimeOffset to, string? status)
        {
            var pattern = Pattern();
            var paging = PagingParameters;
            IEnumerable<JelouCampaign> matched = ReadAll(client, options, from, to, status).Where(c => Wanted(c, pattern, status));
            if (paging is not null)
            {
                matched = matched.Skip((int)Math.Min(paging.Skip, int.MaxValue));
                if (paging.First != ulong.MaxValue)
                {
                    matched = matched.Take((int)Math.Min(paging.First, int.MaxValue));
                }
            }

            var followed = matched.ToList();
            if (followed.Count == 0)
            {
                WriteVerbose("No campaign matched, so there is nothing to wait for.");
                return;
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            var keys = followed.Select(Key).ToList();
            while (true)
            {
                var done = followed.Count(c => c.IsCompleted);
                var states = string.Join(", ", followed.Where(c => !c.IsCompleted).GroupBy(c => c.Status ?? "unknown").Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key));
                var description = $"{done.ToString(CultureInfo.InvariantCulture)} of {followed.Count.ToString(CultureInfo.InvariantCulture)} COMPLETED" + (states.Length > 0 ? " (" + states + ")" : string.Empty);
                WriteProgress(new ProgressRecord(1, Activity, description) { PercentComplete = done * 100 / followed.Count });
                if (done == followed.Count)
                {
                    WriteVerbose($"Every campaign followed is COMPLETED after {started.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s.");
                    break;
                }

                var waited = started.Elapsed;
                if (WaitTimeoutSec > 0 && waited >= TimeSpan.FromSeconds(WaitTimeoutSec))
                {
                    var pending = followed.Where(c => !c.IsCompleted).ToList();
                    var error = new TimeoutException($"Waited {WaitTimeoutSec.ToString(CultureInfo.InvariantCulture)}s (-WaitTimeoutSec) and {pending.Count.ToString(CultureInfo.InvariantCulture)} of {followed.Count.ToString(CultureInfo.InvariantCulture)} campaigns are not COMPLETED: {string.Join(", ", pending.Select(c => c.ToString()))}. They go on at Jelou; run Get-JelouCampaign again to follow them.");
                    WriteError(new ErrorRecord(error, "JelouCampaignWaitTimeout", ErrorCategory.OperationTimeout, pending));
                    break;
                }

                var sleep = TimeSpan.FromSeconds(PollIntervalSec);
                if (WaitTimeoutSec > 0 && TimeSpan.FromSeconds(WaitTimeoutSec) - waited < sleep)
                {
                    sleep = TimeSpan.FromSeconds(WaitTimeoutSec) - waited;
                }

                if (cancellation.Token.WaitHandle.WaitOne(sleep))
                {
                    throw new PipelineStoppedException();
                }

                var now = ReadAll(client, options, from, to, null).GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                followed = keys.Select((k, i) => now.TryGetValue(k, out var latest) ? latest : followed[i]).ToList();
            }

            WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            foreach (var campaign in followed)
            {
                WriteObject(Shape(campaign));
            }
        }

        private static string Key(JelouCampaign campaign) => campaign.Id is { } id ? "id:" + id : "name:" + campaign.Name;
    }
}
