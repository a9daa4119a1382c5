using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using Jelou.Campaigns;
using Jelou.Http;
using Jelou.Templates;
using Jelou.Validation;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts a bulk WhatsApp template campaign from a CSV (POST /v1/hsm/file): a local file, pipeline rows, or a public file URL.</para>
    /// </summary>
    /// <remarks>
    /// Nothing is uploaded until the file and the template have passed every check: one call can message thousands of
    /// people, and a second upload is a second campaign, so it is retried only on the signals that nothing was sent.
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Start, "JelouCampaign", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(JelouCampaignResult))]
    public sealed class StartJelouCampaignCommand : JelouApiCmdlet, IDisposable
    {
        private const string PathSet = "Path";
        private const string UrlSet = "FileUrl";
        private const string PipelineSet = "Pipeline";

        // The recipient spellings Send-JelouTemplate binds -UserId from, so the same rows work for both.
        private static readonly string[] PhoneNames =
        {
            "UserId", "user_id", "User", "Phone", "phone_number", "PhoneNumber", "To", "Recipient", "Telefono", "Celular", "Numero", "Destination",
        };

        private static readonly Regex RowPrefix = new(@"^Row \d+: ", RegexOptions.CultureInvariant);

        private readonly CancellationTokenSource cancellation = new();
        private readonly List<PSObject> rows = new();
        private IReadOnlyList<CampaignParameter> map = Array.Empty<CampaignParameter>();
        private string? tempFile;

        /// <summary>The bot that sends the campaign.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("bot_id", "Bot")]
        [ValidateNotNullOrEmpty]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The campaign's name, as Get-JelouCampaign lists it.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Alias("Name", "campaign_name")]
        [ValidateNotNullOrEmpty]
        public string CampaignName { get; set; } = string.Empty;

        /// <summary>The approved template's name (its elementName).</summary>
        [Parameter(Mandatory = true, Position = 2)]
        [Alias("ElementName", "Template", "Plantilla")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string TemplateName { get; set; } = string.Empty;

        /// <summary>The local CSV to upload.</summary>
        [Parameter(Mandatory = true, Position = 3, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>A public HTTPS URL of the CSV, for the API to fetch.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UrlSet, ValueFromPipelineByPropertyName = true)]
        [Alias("file_url", "Url")]
        [ValidateNotNullOrEmpty]
        public string FileUrl { get; set; } = string.Empty;

        /// <summary>One recipient row (such as a row of Import-Csv); the rows are written to a temporary CSV and uploaded.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PipelineSet, ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Which CSV column fills each template placeholder: an ordered hashtable (1 = 'nombre') or an array of columns in placeholder order.</summary>
        [Parameter]
        [Alias("Params", "Map")]
        [PSDefaultValue(Help = "None (a template without placeholders)")]
        public object? ParameterMap { get; set; }

        /// <summary>The template type: text, image, document or video.</summary>
        [Parameter]
        [ValidateSet("text", "image", "document", "video", IgnoreCase = true)]
        [PSDefaultValue(Help = "None (the API's default, text)")]
        public string? Type { get; set; }

        /// <summary>The public HTTPS URL of the header's image, document or video, for a media template.</summary>
        [Parameter]
        [Alias("media_url")]
        [ValidateNotNullOrEmpty]
        public string? MediaUrl { get; set; }

        /// <summary>When to send the campaign; sent as ISO 8601 in UTC.</summary>
        [Parameter]
        [Alias("Schedule", "scheduled_at")]
        [PSDefaultValue(Help = "None (send at once)")]
        public DateTime ScheduledAt { get; set; }

        /// <summary>Skips the template pre-flight (the listing of the bot's templates), for a credential that may not list them.</summary>
        [Parameter]
        public SwitchParameter SkipTemplateCheck { get; set; }

        /// <inheritdoc />
        public void Dispose()
        {
            // Outside the pipeline nothing may be written, so a file that cannot be removed here goes unreported.
            RemoveTempFile(quiet: true);
            cancellation.Dispose();
        }

        /// <summary>Reads the parameter map once, before any row.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                map = ReadParameterMap(ParameterMap);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouCampaignParameterMapInvalid", ErrorCategory.InvalidArgument, ParameterMap));
            }
        }

        /// <summary>Uploads a -Path or -FileUrl campaign, or collects a pipeline row.</summary>
        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case PipelineSet:
                    if (InputObject?.BaseObject is FileSystemInfo file)
                    {
                        var error = new ArgumentException($"Start-JelouCampaign got the file '{file.FullName}' as a row. Give a file with -Path, or pipe its rows: Import-Csv '{file.FullName}' | Start-JelouCampaign ...");
                        ThrowTerminatingError(new ErrorRecord(error, "JelouCampaignFileAsRow", ErrorCategory.InvalidArgument, file));
                    }

                    if (InputObject is not null)
                    {
                        rows.Add(InputObject);
                    }

                    break;
                case UrlSet:
                    Start(null, null, "FileUrl");
                    break;
                default:
                    var path = GetUnresolvedProviderPathFromPSPath(Path);
                    byte[] bytes;
                    try
                    {
                        bytes = File.ReadAllBytes(path);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        ThrowTerminatingError(new ErrorRecord(ex, "JelouCampaignFileUnreadable", ex is FileNotFoundException or DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError, Path));
                        return;
                    }

                    Start(bytes, path, "Path");
                    break;
            }
        }

        /// <summary>Writes the pipeline rows to a temporary CSV, uploads it and removes it, whatever happens.</summary>
        protected override void EndProcessing()
        {
            if (ParameterSetName != PipelineSet)
            {
                return;
            }

            if (rows.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("No rows came down the pipeline, so there is no campaign to start."), "JelouCampaignNoRows", ErrorCategory.InvalidData, null));
            }

            try
            {
                var (header, cells) = Table();
                tempFile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jelou-campaign-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".csv");
                File.WriteAllBytes(tempFile, CampaignCsv.Write(header, cells));
                WriteVerbose($"Wrote {rows.Count.ToString(CultureInfo.InvariantCulture)} rows ({string.Join(", ", header)}) to the temporary file {tempFile}; it is removed after the upload.");
                Start(File.ReadAllBytes(tempFile), tempFile, "Pipeline");
            }
            finally
            {
                RemoveTempFile();
            }
        }

        /// <summary>Stops the upload (Ctrl+C); the temporary file is removed as the upload ends.</summary>
        protected override void StopProcessing() => cancellation.Cancel();

        /// <summary>
        /// -ParameterMap as placeholder positions and columns: a dictionary (an ordered hashtable) of position to column,
        /// the key a number, "2" or "{{2}}"; a list of columns, the first for {{1}}; or a single column for {{1}}.
        /// </summary>
        internal static IReadOnlyList<CampaignParameter> ReadParameterMap(object? value)
        {
            value = PowerShellValues.Unwrap(value);
            var list = new List<CampaignParameter>();
            switch (value)
            {
                case null:
                    return list;
                case string column:
                    list.Add(new CampaignParameter(1, column));
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        list.Add(new CampaignParameter(Position(entry.Key), Column(entry.Value, entry.Key)));
                    }

                    break;
                case IEnumerable items:
                    var position = 0;
                    foreach (var item in items)
                    {
                        position++;
                        list.Add(new CampaignParameter(position, Column(item, position)));
                    }

                    break;
                default:
                    throw new ArgumentException($"-ParameterMap takes an ordered hashtable of placeholder positions to CSV columns ([ordered]@{{ 1 = 'nombre'; 2 = 'monto' }}) or an array of columns in placeholder order ('nombre', 'monto'); it got a {value.GetType().Name}.");
            }

            if (list.GroupBy(p => p.Position).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new ArgumentException($"-ParameterMap gives {twice.First().Placeholder} twice ({string.Join(", ", twice.Select(p => "'" + p.Column + "'"))}); give each placeholder one column.");
            }

            return list.OrderBy(p => p.Position).ToList();
        }

        private static int Position(object key)
        {
            var text = Convert.ToString(PowerShellValues.Unwrap(key), CultureInfo.InvariantCulture)?.Trim() ?? string.Empty;
            if (text.StartsWith("{{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal))
            {
                text = text.Substring(2, text.Length - 4).Trim();
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position >= 1
                ? position
                : throw new ArgumentException($"-ParameterMap key '{key}' is not a placeholder position; use 1 for {{{{1}}}}, 2 for {{{{2}}}}, ...");
        }

        private static string Column(object? value, object at)
        {
            var text = PowerShellValues.Unwrap(value) is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
            return string.IsNullOrWhiteSpace(text)
                ? throw new ArgumentException($"-ParameterMap gives no column for placeholder {{{{{Convert.ToString(at, CultureInfo.InvariantCulture)}}}}}; give the CSV column's name.")
                : text!.Trim();
        }

        private void Start(byte[]? bytes, string? path, string source)
        {
            var problems = new List<CampaignFileProblem>();
            var general = new List<string>();
            CampaignFileCheck? check = null;
            Uri? fileUrl = null;
            if (bytes is not null)
            {
                check = CampaignCsv.Check(bytes, path!, map, fromPipeline: source == "Pipeline");
                foreach (var note in check.Notes)
                {
                    WriteVerbose(note);
                }

                problems.AddRange(check.Problems);
            }
            else
            {
                var rules = new RuleChecker();
                rules.HttpsUrl("FileUrl", FileUrl.Trim(), Limits.UrlLength, null);
                general.AddRange(rules.Problems.Select(p => "-" + p));
                if (rules.Problems.Count == 0)
                {
                    fileUrl = new Uri(FileUrl.Trim());
                    if (!fileUrl.AbsolutePath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                    {
                        general.Add($"-FileUrl '{fileUrl.AbsoluteUri}' does not name a .csv file; the API takes only .csv files.");
                    }
                }
            }

            DateTimeOffset? scheduledAt = null;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ScheduledAt)))
            {
                scheduledAt = CampaignDates.ToUtc(ScheduledAt);
                if (scheduledAt < DateTimeOffset.UtcNow.AddMinutes(-1))
                {
                    general.Add($"-ScheduledAt {CampaignDates.Format(scheduledAt.Value)} (UTC) is in the past; give a future time, or leave it out to send at once.");
                }
            }

            if (MediaUrl is not null)
            {
                var rules = new RuleChecker();
                rules.HttpsUrl("MediaUrl", MediaUrl.Trim(), Limits.MediaUrlLength, null);
                general.AddRange(rules.Problems.Select(p => "-" + p));
            }

            var client = CreateClient();
            var options = new SendRequestOptions { Retry = CreateRetrySettings() };
            if (!SkipTemplateCheck.IsPresent)
            {
                general.AddRange(CheckTemplate(client, options));
            }

            var target = $"bot {BotId}: " + (check is null ? "the file at " + fileUrl?.AbsoluteUri : $"{check.RowCount.ToString(CultureInfo.InvariantCulture)} recipients from {(source == "Pipeline" ? "the pipeline" : path)}");
            if (problems.Count > 0 || general.Count > 0)
            {
                var lines = general.Select(g => "  " + g).ToList();
                if (check is { Passed: false })
                {
                    lines.Add(check.Describe());
                }

                var count = problems.Count + general.Count;
                var message = $"Campaign '{CampaignName}' was not uploaded: {count.ToString(CultureInfo.InvariantCulture)} problem{(count == 1 ? string.Empty : "s")}{(check is null ? string.Empty : " in " + (source == "Pipeline" ? "the pipeline rows" : "'" + path + "'"))}. Fix them and start it again; nothing was sent.{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
                ThrowTerminatingError(new ErrorRecord(new JelouValidationException(message), "JelouCampaignInvalid", ErrorCategory.InvalidData, (object?)check ?? FileUrl));
            }

            var action = $"Start campaign '{CampaignName}' with template '{TemplateName}'" + (scheduledAt is { } when ? " at " + CampaignDates.Format(when) + " (UTC)" : string.Empty);
            if (!ShouldProcess(target, action))
            {
                return;
            }

            var request = new CampaignRequest(BotId, CampaignName, TemplateName)
            {
                Parameters = map,
                Type = Type?.ToLowerInvariant(),
                MediaUrl = MediaUrl?.Trim(),
                ScheduledAt = scheduledAt,
                FileUrl = fileUrl,
                File = check?.Content,
                FileName = source == "Pipeline" ? UploadName(CampaignName) : System.IO.Path.GetFileName(path ?? "campaign.csv"),
            };
            var result = client.StartCampaignAsync(request, options, cancellation.Token).GetAwaiter().GetResult();
            result.CampaignName = request.CampaignName;
            result.BotId = request.BotId;
            result.TemplateName = request.TemplateName;
            result.RowCount = check?.RowCount;
            result.ScheduledAt = scheduledAt?.UtcDateTime;
            result.Source = source;
            result.File = request.IsUpload ? request.FileName : fileUrl?.AbsoluteUri;
            result.Parameters = map;
            WriteObject(result);
            if (result.Failure is { } failure)
            {
                WriteError(ErrorRecords.ForFailure(failure, result.ErrorId ?? "JelouCampaignFailed", result, null));
            }
        }

        /// <summary>
        /// The template pre-flight: the template exists and is approved (a terminating error otherwise, as for
        /// Send-JelouTemplate), the map covers exactly its placeholders, and a media template has its media URL.
        /// </summary>
        private IEnumerable<string> CheckTemplate(Jelou.Http.JelouClient client, SendRequestOptions options)
        {
            var preflight = new TemplatePreflight(client, options);
            var row = new TemplateRow(1, BotId, TemplateName) { Type = Type, MediaUrl = MediaUrl };
            var check = preflight.CheckAsync(row, cancellation.Token).GetAwaiter().GetResult();
            foreach (var warning in check.Warnings)
            {
                WriteWarning(warning);
            }

            if (check.Failure is { } failure)
            {
                ThrowTerminatingError(new ErrorRecord(failure.ToException(), failure.ErrorId, failure.Reason is TemplateFailureReason.ListingForbidden ? ErrorCategory.PermissionDenied : ErrorCategory.ObjectNotFound, TemplateName));
            }

            var problems = new List<string>();
            var template = check.Template!;
            if (template.ParameterCount is { } count)
            {
                var positions = new HashSet<int>(map.Select(p => p.Position));
                var missing = Enumerable.Range(1, count).Where(p => !positions.Contains(p)).ToList();
                var extra = map.Where(p => p.Position > count).ToList();
                if (missing.Count > 0)
                {
                    problems.Add($"-ParameterMap gives no column for {string.Join(", ", missing.Select(p => "{{" + p.ToString(CultureInfo.InvariantCulture) + "}}"))}; template '{TemplateName}' has {TemplatePreflight.DescribeParameters(count)}. Map each to a CSV column, such as -ParameterMap ([ordered]@{{ 1 = 'nombre'; 2 = 'monto' }}).");
                }

                if (extra.Count > 0)
                {
                    problems.Add($"-ParameterMap maps {string.Join(", ", extra.Select(p => p.Placeholder))}, but template '{TemplateName}' has {TemplatePreflight.DescribeParameters(count)}; remove {(extra.Count == 1 ? "it" : "them")}.");
                }
            }

            // The pre-flight's own row rules, but the count: the map is checked above, and a campaign has no row values here.
            problems.AddRange(check.Problems.Where(p => p.Field is not ("Parameter" or "HeaderParameter")).Select(p => "-" + RowPrefix.Replace(p.Message, string.Empty)));
            return problems;
        }

        /// <summary>The pipeline rows as the documented CSV: the phone first, then each mapped column that some row has.</summary>
        private (IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<string?>> Cells) Table()
        {
            var first = Properties(rows[0]);
            var phone = first.Select(p => p.Name).FirstOrDefault(n => PhoneNames.Contains(n, StringComparer.OrdinalIgnoreCase)) ?? first.Select(p => p.Name).FirstOrDefault()
                ?? throw new ArgumentException("The first pipeline row has no properties; pipe objects with the phone number and the mapped columns, such as the rows of Import-Csv.");
            var header = new List<string> { CampaignCsv.IsValidColumnName(phone) ? phone : "phone" };
            var columns = new List<string>();
            foreach (var parameter in map)
            {
                if (!string.Equals(parameter.Column, phone, StringComparison.OrdinalIgnoreCase)
                    && !columns.Contains(parameter.Column, StringComparer.OrdinalIgnoreCase)
                    && rows.Any(r => Properties(r).Any(p => string.Equals(p.Name, parameter.Column, StringComparison.OrdinalIgnoreCase))))
                {
                    columns.Add(parameter.Column);
                }
            }

            header.AddRange(columns);
            var formatted = 0;
            var cells = new List<IReadOnlyList<string?>>(rows.Count);
            foreach (var row in rows)
            {
                var values = Properties(row);
                string? Value(string name) => values.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
                var number = Value(phone)?.Trim();
                if (number is { Length: > 0 })
                {
                    // The same change the other send cmdlets make: a phone number written with formatting becomes its digits.
                    var digits = new RuleChecker().Recipient("phone", number);
                    if (!string.Equals(digits, number, StringComparison.Ordinal) && digits.All(char.IsDigit))
                    {
                        formatted++;
                        number = digits;
                    }
                }

                var line = new List<string?> { number };
                line.AddRange(columns.Select(Value));
                cells.Add(line);
            }

            if (formatted > 0)
            {
                WriteVerbose($"{formatted.ToString(CultureInfo.InvariantCulture)} phone number{(formatted == 1 ? " was" : "s were")} written with formatting (+, spaces, dashes); the file has {(formatted == 1 ? "it" : "them")} as digits only.");
            }

            return (header, cells);
        }

        private static List<(string Name, string? Value)> Properties(PSObject row)
        {
            var list = new List<(string, string?)>();
            if (row.BaseObject is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    list.Add((Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, Text(entry.Value)));
                }

                return list;
            }

            foreach (var property in row.Properties)
            {
                if (property.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
                {
                    list.Add((property.Name, Text(property.Value)));
                }
            }

            return list;
        }

        private static string? Text(object? value) => PowerShellValues.Unwrap(value) is { } v ? LanguagePrimitives.ConvertTo<string>(v) : null;

        private static string UploadName(string campaign) => CampaignCsv.SuggestColumnName(campaign) + ".csv";

        private void RemoveTempFile(bool quiet = false)
        {
            var file = Interlocked.Exchange(ref tempFile, null);
            if (file is null)
            {
                return;
            }

            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && !quiet)
            {
                WriteWarning($"Could not remove the temporary file {file}: {ex.Message}");
            }
        }
    }
}
