using System.Collections;
using System.Globalization;
using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Credentials;
using Jelou.Http;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;
using Jelou.Templates;
using Jelou.Validation;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sends an approved WhatsApp template (HSM) through a Jelou bot: the way to reach a customer outside the 24-hour window.</para>
    /// </summary>
    /// <remarks>
    /// One request per row, with one destination, on the same bulk engine as the other sends. The body values come
    /// from -Parameter (a delay-bind script block for a mail merge) or, when it is not given, from the row's
    /// param1..paramN columns. Before a row is sent (or shown by -WhatIf) it is checked against its template, listed
    /// once per batch (<see cref="TemplatePreflight"/>), unless -SkipTemplateCheck is given.
    /// </remarks>
    [Cmdlet(VerbsCommunications.Send, "JelouTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(JelouTemplateResult))]
    public sealed class SendJelouTemplateCommand : SendCommandBase
    {
        // Cancelled by Ctrl+C, so a listing the pipeline thread waits for ends with the batch. Not disposed: nothing
        // here allocates its wait handle, and StopProcessing may run on another thread at any time.
        private readonly CancellationTokenSource stopping = new();
        private TemplatePreflight? preflight;
        private bool preflightSkipped;

        private protected override string JournalKind => "template";

        /// <summary>The bot that sends the template.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [AllowEmptyString]
        [NoScriptBlockText]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The recipient: the phone number with country code and no '+', such as 593999999999.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("user_id", "User", "Phone", "phone_number", "PhoneNumber", "To", "Recipient", "Telefono", "Celular", "Numero", "Destination")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? UserId { get; set; }

        /// <summary>The approved template's name (its elementName), such as recordatorio_pago.</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ElementName", "Template", "Plantilla", "element_name", "template_name")]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        [AllowEmptyString]
        [NoScriptBlockText]
        public string TemplateName { get; set; } = string.Empty;

        /// <summary>The template's language code, such as es, en or pt_BR.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Idioma", "Lang", "language_code")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? Language { get; set; }

        /// <summary>The body values for {{1}}..{{n}}, in order; a script block such as { $_.nombre, $_.monto } runs once per row.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Parameters", "Params", "Parametros")]
        [AllowNull]
        [AllowEmptyCollection]
        [NoScriptBlockText]
        [PSDefaultValue(Help = "None (the row's param1..paramN columns, in order)")]
        public string[]? Parameter { get; set; }

        /// <summary>The values of the template's header variables, in order.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("HeaderParameters", "header_parameters")]
        [AllowNull]
        [AllowEmptyCollection]
        [NoScriptBlockText]
        public string[]? HeaderParameter { get; set; }

        /// <summary>The dynamic part of each URL button's address, in button order.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ButtonParameters", "button_parameters", "DynamicUrlParameter")]
        [AllowNull]
        [AllowEmptyCollection]
        [NoScriptBlockText]
        public string[]? ButtonParameter { get; set; }

        /// <summary>The template type: text, image, document or video; inferred from -MediaUrl when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("template_type", "TemplateType", "Tipo")]
        [ArgumentCompleter(typeof(MessageTypeCompleter))]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        [PSDefaultValue(Help = "None (text, or inferred from -MediaUrl)")]
        public string? Type { get; set; }

        /// <summary>The public HTTPS URL of the header's image, document or video.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("media_url", "Media", "image_url", "file_url", "document_url", "video_url")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? MediaUrl { get; set; }

        /// <summary>The file name the recipient sees for a document.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("file_name")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? FileName { get; set; }

        /// <summary>The campaign the send belongs to, for Jelou's reports.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("campaign_id", "Campaign")]
        [AllowEmptyString]
        [AllowNull]
        [NoScriptBlockText]
        public string? CampaignId { get; set; }

        /// <summary>Sends without checking the rows against the template listing first: for a credential that may send templates but not list them.</summary>
        [Parameter]
        public SwitchParameter SkipTemplateCheck { get; set; }

        /// <summary>The pipeline row itself, kept so each result and error carries it; a result of this cmdlet is resent.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private protected override string Activity => "Sending Jelou templates";

        // A template the API says does not exist is kind NotFound: every further row would fail the same way.
        private protected override Func<JelouApiException, bool> IsBatchFatal => e => e.IsAccountLevel || e.ErrorId == HsmSendEndpoint.TemplateNotFoundId;

        /// <summary>Reads and validates the row, asks ShouldProcess and queues it.</summary>
        protected override void ProcessRecord()
        {
            // A result of this cmdlet piped back in: the template comes from its Content (its columns that bind by
            // name are a summary); the original row stays with it.
            var previous = InputObject?.BaseObject as JelouTemplateResult;
            var result = new JelouTemplateResult
            {
                Row = NextPosition(),
                BotId = BotId?.Trim(),
                UserId = UserId?.Trim(),
                TemplateName = TemplateName?.Trim(),
                Language = string.IsNullOrWhiteSpace(Language) ? null : Language!.Trim(),
                InputObject = previous is null ? InputObject : previous.InputObject,
            };

            TemplateMessage message;
            TemplateMessageFields fields;
            try
            {
                if (DictionaryRow.UnboundKeys(InputObject, MyInvocation.MyCommand, GivenOnCommandLine) is { Count: > 0 } keys)
                {
                    throw new JelouValidationException(DictionaryRow.Problem(InputObject!, keys, "Send-JelouTemplate", "@{ userId = '593987654321'; param1 = 'María' }"));
                }

                fields = previous?.Content is { } sent ? Resend(sent) : ReadFields();
                result.Content = fields;
                result.UserId = fields.UserId?.Trim();
                result.TemplateName = fields.TemplateName?.Trim();
                result.Language = string.IsNullOrWhiteSpace(fields.Language) ? null : fields.Language!.Trim();
                result.Parameters = ValueList(fields.Parameters);
                result.HeaderParameters = ValueList(fields.HeaderParameters);
                result.ButtonParameters = ValueList(fields.ButtonParameters);
                result.MediaUrl = Blank(fields.MediaUrl);
                result.FileName = Blank(fields.FileName);
                result.CampaignId = Blank(fields.CampaignId);

                var valid = TemplateMessageBuilder.TryBuild(fields, out var built, out var problems, out var type);
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
            catch (Exception ex) when (ex is JelouValidationException or ArgumentException)
            {
                Skip(result, ex as JelouValidationException ?? new JelouValidationException(ex.Message, ex));
                return;
            }

            result.UserId = NoteRecipient(result.Row, result.UserId, message.Destination);

            // Before ShouldSend, so -WhatIf runs the whole pre-flight: a dry run names every row that would fail.
            if (!PassesPreflight(result, fields, message))
            {
                return;
            }

            var botId = result.BotId!;
            var target = $"{message.Destination} via bot {botId}";
            var action = $"Send template '{message.ElementName}'" + (message.Parameters is { Count: > 0 } values ? $" ({Preview(string.Join(", ", values))})" : string.Empty);
            // The key comes from the body the client sends, so the same CSV row gives the same key on every run.
            // Without a journal the body is not serialized twice on the hot path: the client does it once.
            JournalRow? record = null;
            if ((Journaling && !ShouldSendAfterJournal(result, "POST v2/whatsapp/" + botId + "/hsm", message.Destination, BotMessageSerializer.Serialize(message), target, null, out record))
                || !ShouldSend(result, target, action))
            {
                return;
            }

            Submit(new BulkItem(result, (client, options, token) => client.SendTemplateAsync(botId, message, options, token)) { JournalRow = record });
        }

        /// <summary>Cancels a template listing in progress, then the requests in flight (Ctrl+C).</summary>
        protected override void StopProcessing()
        {
            stopping.Cancel();
            base.StopProcessing();
        }

        /// <summary>
        /// Checks the row against its template. False when the row breaks a template rule (it is reported Skipped); a
        /// template that is missing, not approved or cannot be listed ends the batch with a terminating error.
        /// </summary>
        private bool PassesPreflight(JelouTemplateResult result, TemplateMessageFields fields, TemplateMessage message)
        {
            if (SkipTemplateCheck.IsPresent || Preflight() is not { } checker)
            {
                return true;
            }

            var row = new TemplateRow(result.Row, result.BotId!, message.ElementName)
            {
                Language = message.Language,
                Parameters = message.Parameters ?? Array.Empty<string>(),
                HeaderParameters = message.HeaderParameters ?? Array.Empty<string>(),

                // The type the row asked for: given, or read from its media URL; the builder's default (text) is no request.
                Type = string.IsNullOrWhiteSpace(fields.Type) && string.IsNullOrWhiteSpace(fields.MediaUrl) ? null : message.Type,
                MediaUrl = message.MediaUrl,
            };

            TemplateRowCheck check;
            try
            {
                check = checker.CheckAsync(row, stopping.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            foreach (var warning in check.Warnings)
            {
                WriteWarning(warning);
            }

            if (check.Failure is { } failure)
            {
                StopForTemplate(result, failure);
            }

            if (check.Problems.Count == 0)
            {
                return true;
            }

            // The texts start "Row N: "; the error record adds that itself, and the result has its own Row column.
            var prefix = "Row " + result.Row.ToString(CultureInfo.InvariantCulture) + ": ";
            var text = string.Join(" ", check.Problems.Select(p => ErrorBodyParser.Sentence(p.Message.StartsWith(prefix, StringComparison.Ordinal) ? p.Message.Substring(prefix.Length) : p.Message)));
            Skip(result, new JelouValidationException(text));
            return false;
        }

        /// <summary>
        /// The batch's pre-flight, made at the first row that needs it. Null when a dry run has no credential to list
        /// templates with: the dry run still shows every row, and says once that the templates were not checked.
        /// </summary>
        private TemplatePreflight? Preflight()
        {
            if (preflight is not null || preflightSkipped)
            {
                return preflight;
            }

            if (IsWhatIf() && !CredentialAvailable())
            {
                preflightSkipped = true;
                WriteWarning("-WhatIf found no credential to list the templates with, so the rows were not checked against their templates (parameter counts, status, media). Give -Credential or -CredentialName, or store one with Set-JelouCredential, for a dry run that checks them.");
                return null;
            }

            // The same shared client the sends use; a missing credential is the same terminating error a send would give.
            preflight = new TemplatePreflight(CreateClient(), new SendRequestOptions { Retry = CreateRetrySettings() });
            return preflight;
        }

        private bool CredentialAvailable()
        {
            try
            {
                var given = Credential is null ? null : new JelouCredential(Credential.UserName, Credential.Password);
                CredentialResolver.CreateDefault().Resolve(given, CredentialName, BaseUri);
                return true;
            }
            catch (JelouCredentialException ex) when (ex.Reason == CredentialErrorReason.NotFound)
            {
                return SecretVault.TryGet(this, CredentialName ?? CredentialProfile.DefaultName) is not null;
            }
            catch (Exception ex) when (ex is JelouCredentialException or ArgumentException)
            {
                // A broken store or argument: the dry run says the templates were not checked rather than failing on it.
                return false;
            }
        }

        /// <summary>
        /// Ends the batch for a template every row would fail on: the rows already handed to the API are reported, this
        /// row is reported Skipped with the reason, and a terminating error names the template and says what was sent.
        /// </summary>
        private void StopForTemplate(JelouTemplateResult result, TemplateBatchFailure failure)
        {
            var row = result.Row.ToString(CultureInfo.InvariantCulture);
            var progress = EndBatchEarly();
            var sent = progress?.Sent ?? 0;
            var unknown = progress?.Unknown ?? 0;
            var text = failure.Message + (sent + unknown + (progress?.Failed ?? 0) == 0
                ? " Nothing was sent."
                : $" Before row {row}, {sent.ToString(CultureInfo.InvariantCulture)} row(s) were sent and {unknown.ToString(CultureInfo.InvariantCulture)} may have been (their results are above); row {row} and the rows after it were not sent.");
            var id = "Jelou" + failure.ErrorId;
            result.Status = SendStatus.Skipped;
            result.Error = text;
            result.ErrorId = id;
            Report(result, null);
            var category = failure.Reason switch
            {
                TemplateFailureReason.NotFound => ErrorCategory.ObjectNotFound,
                TemplateFailureReason.NotApproved => ErrorCategory.InvalidOperation,
                TemplateFailureReason.LanguageAmbiguous => ErrorCategory.InvalidArgument,
                TemplateFailureReason.ListingForbidden => ErrorCategory.PermissionDenied,
                _ => failure.Error is { } error ? ErrorRecords.CategoryFor(error.Kind) : ErrorCategory.NotSpecified,
            };
            ThrowTerminatingError(new ErrorRecord(new TemplateCheckException(failure, text), id, category, result.InputObject ?? result));
        }

        private TemplateMessageFields ReadFields() => new()
        {
            UserId = UserId,
            TemplateName = TemplateName,
            Language = Language,
            Type = Type,
            Parameters = FromReport(Parameter, nameof(Parameter)) ?? ParameterColumns(InputObject),
            HeaderParameters = FromReport(HeaderParameter, nameof(HeaderParameter)),
            ButtonParameters = FromReport(ButtonParameter, nameof(ButtonParameter)),
            MediaUrl = MediaUrl,
            FileName = FileName,
            CampaignId = CampaignId,
        };

        // Never null once the row was read, so a report written with Export-Csv says "[]" for "none" rather than an empty
        // cell, which would read back as one empty value.
        private static TemplateValueList ValueList(IReadOnlyList<string?>? values) => new(values ?? Array.Empty<string?>());

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        /// <summary>
        /// The values of a list parameter, read back from a CSV report: a row whose column (the parameter's name or an
        /// alias, such as Parameters) is one text in the form <see cref="TemplateValueList.ToString"/> writes, JSON array
        /// text, gives that list. Any other binding is kept as it is, so a plain cell stays one value and the command
        /// line and script blocks are never re-read.
        /// </summary>
        /// <exception cref="JelouValidationException">The cell starts as such a list but is not one, as after an edit by hand.</exception>
        private IReadOnlyList<string?>? FromReport(string[]? bound, string name)
        {
            if (bound is not { Length: 1 } || GivenOnCommandLine.Contains(name) || !TemplateValueList.IsListText(bound[0]) || InputObject is null)
            {
                return bound;
            }

            var parameter = MyInvocation.MyCommand.Parameters[name];
            var column = InputObject.Properties.FirstOrDefault(p =>
                (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || parameter.Aliases.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                && PowerShellValues.Unwrap(p.Value) is string text && string.Equals(text, bound[0], StringComparison.Ordinal));
            if (column is null)
            {
                // A list holding one such text (not a cell), or a value that came another way: sent as given.
                return bound;
            }

            if (TemplateValueList.TryParse(bound[0], out var values, out var problem))
            {
                return values;
            }

            throw new JelouValidationException(new[]
            {
                new ValidationProblem(column.Name, $"is '{Preview(bound[0])}': it starts as a report writes a list of values (JSON array text) but {problem}. Write the values as a JSON array of strings in quotes, such as [\"José\",\"1.234,56\"], or give them with -{name}."),
            });
        }

        // The fields of a result being resent: the ones it was sent with, except what the command line gives.
        private TemplateMessageFields Resend(TemplateMessageFields sent)
        {
            var merged = sent.Clone();
            var given = ReadFields();
            bool Given(string name) => GivenOnCommandLine.Contains(name);
            if (Given(nameof(UserId)))
            {
                merged.UserId = given.UserId;
            }

            if (Given(nameof(TemplateName)))
            {
                merged.TemplateName = given.TemplateName;
            }

            if (Given(nameof(Language)))
            {
                merged.Language = given.Language;
            }

            if (Given(nameof(Type)))
            {
                merged.Type = given.Type;
            }

            if (Given(nameof(Parameter)))
            {
                merged.Parameters = given.Parameters;
            }

            if (Given(nameof(HeaderParameter)))
            {
                merged.HeaderParameters = given.HeaderParameters;
            }

            if (Given(nameof(ButtonParameter)))
            {
                merged.ButtonParameters = given.ButtonParameters;
            }

            if (Given(nameof(MediaUrl)))
            {
                merged.MediaUrl = given.MediaUrl;
            }

            if (Given(nameof(FileName)))
            {
                merged.FileName = given.FileName;
            }

            if (Given(nameof(CampaignId)))
            {
                merged.CampaignId = given.CampaignId;
            }

            return merged;
        }

        /// <summary>
        /// The row's param1, param2, ... columns (any case), in number order; null when it has none. A gap in the
        /// numbering is an error, never closed up: values would land in the wrong placeholders.
        /// </summary>
        internal static IReadOnlyList<string?>? ParameterColumns(PSObject? row)
        {
            if (row is null || row.BaseObject is JelouSendResult)
            {
                return null;
            }

            SortedDictionary<int, string?>? found = null;
            void Consider(string name, object? value)
            {
                if (name.Length > 5 && name.StartsWith("param", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(name.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
                {
                    (found ??= new SortedDictionary<int, string?>())[number] = value is null ? null : LanguagePrimitives.ConvertTo<string>(value is PSObject p ? p.BaseObject : value);
                }
            }

            if (row.BaseObject is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    Consider(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, entry.Value);
                }
            }
            else
            {
                foreach (var property in row.Properties)
                {
                    if (property.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
                    {
                        Consider(property.Name, property.Value);
                    }
                }
            }

            if (found is null)
            {
                return null;
            }

            var last = found.Keys.Max();
            for (var i = 1; i <= last; i++)
            {
                if (!found.ContainsKey(i))
                {
                    throw new JelouValidationException(new[] { new ValidationProblem("param" + i.ToString(CultureInfo.InvariantCulture), $"is missing, but the row has a param{last.ToString(CultureInfo.InvariantCulture)} column; number the columns param1, param2, ... without a gap, one per {{{{n}}}} of the template.") });
                }
            }

            return found.Values.ToArray();
        }
    }
}
