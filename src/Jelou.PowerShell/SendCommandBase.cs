using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Credentials;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.PowerShell
{
    /// <summary>
    /// What both send cmdlets share: connection and retry parameters, the bulk engine, progress, and writing
    /// results and errors on the pipeline thread as sends complete.
    /// </summary>
    public abstract partial class SendCommandBase : JelouApiCmdlet, IDisposable
    {
        // A little under the engine's heartbeat (250 ms), so a heartbeat soon after a completion's update still refreshes.
        private const int ProgressIntervalMs = 200;
        private BulkSender? engine;
        private long position;
        private int nextProgress;
        private bool progressShown;
        private bool disposed;

        /// <summary>Requests in flight at once (default 8); 1 sends strictly one after another.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        [PSDefaultValue(Help = "8 (or the Set-JelouRequestContext default)")]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        /// <summary>At most this many messages per second.</summary>
        [Parameter]
        [ValidateRange(0.01, 10000)]
        [PSDefaultValue(Help = "None (no limit, or the Set-JelouRequestContext default)")]
        public double RateLimit { get; set; }

        /// <summary>The expected number of rows, for a percentage and time remaining in the progress bar.</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long TotalCount { get; set; }

        /// <summary>Also retry failures after which the message may have been delivered (500, 502, 504, timeouts). May send duplicates.</summary>
        [Parameter]
        public SwitchParameter RetryPossiblyDelivered { get; set; }

        /// <summary>The progress activity, such as "Sending Jelou bot messages".</summary>
        private protected abstract string Activity { get; }

        /// <summary>Which failures stop the whole batch.</summary>
        private protected abstract Func<JelouApiException, bool> IsBatchFatal { get; }

        /// <inheritdoc />
        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                EndRun();
                engine?.Dispose();
                GC.SuppressFinalize(this);
            }
        }

        /// <summary>Cancels requests in flight (Ctrl+C).</summary>
        protected override void StopProcessing()
        {
            NoteStopRequested();
            engine?.Cancel();
        }

        /// <summary>Waits for the rows still in flight, then reports totals.</summary>
        protected override void EndProcessing()
        {
            if (engine is null)
            {
                FinishJournal();
                return;
            }

            engine.Drain(Write);
            FlushLog();
            ThrowIfTerminated();
            ThrowIfStopped();
            WriteProgress(new ProgressRecord(1, Activity, engine.Progress.ToString()) { RecordType = ProgressRecordType.Completed });
            WriteVerbose("Done: " + engine.Progress + " in " + engine.Progress.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "s.");
            if (engine.PaceSummary is { } pace)
            {
                WriteVerbose(pace);
            }

            FinishJournal();
        }

        /// <summary>
        /// Ends the batch before its input does, for a cmdlet about to throw a terminating error of its own: waits for the
        /// rows in flight, writes their results and completes the journal, so the report accounts for every row read and
        /// no "stopped" warning follows. Returns the batch's counts (null when no row reached the engine).
        /// </summary>
        private protected BulkProgress? EndBatchEarly()
        {
            if (engine is not null)
            {
                engine.Drain(Write);
                FlushLog();
            }

            FinishJournal();
            return engine?.Progress;
        }

        /// <summary>Gives the next row its position in the input (from 1).</summary>
        private protected long NextPosition() => ++position;

        /// <summary>Reports a row that is not sent (Skipped, WhatIf).</summary>
        private protected void Report(JelouSendResult result, Exception? error) => Write(Engine.Record(result, error));

        /// <summary>
        /// The parameters the command line gives, noted before any row binds: a result piped back in is resent as it was,
        /// except for these.
        /// </summary>
        private protected ISet<string> GivenOnCommandLine { get; private set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Notes what the command line gives and opens the journal, before the first row is read.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            GivenOnCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            OpenJournal();
        }

        /// <summary>
        /// Returns the recipient sent to, saying in Verbose output when it differs from the one written: the only change the
        /// core makes to a recipient is a phone number written with formatting becoming its digits.
        /// </summary>
        private protected string NoteRecipient(long row, string? written, string sentTo)
        {
            if (written is { Length: > 0 } && !string.Equals(written, sentTo, StringComparison.Ordinal))
            {
                WriteVerbose($"Row {row}: userId '{written}' is a phone number written with formatting; sending to {sentTo}.");
            }

            return sentTo;
        }

        /// <summary>Queues a row; completed rows are written meanwhile.</summary>
        private protected void Submit(BulkItem item)
        {
            Engine.Submit(item, Write);
            FlushLog();
            ThrowIfTerminated();

            // Here too, so the bar is there from the first row, before any send completes.
            UpdateProgress();
            ThrowIfStopped();
        }

        /// <summary>
        /// Asks ShouldProcess; when it declines, fills in the result as WhatIf (a dry run) or Skipped (declined at
        /// the -Confirm prompt) and reports it.
        /// </summary>
        private protected bool ShouldSend(JelouSendResult result, string target, string action)
        {
            if (ShouldProcess(target, action))
            {
                return true;
            }

            if (IsWhatIf())
            {
                result.Status = SendStatus.WhatIf;
                Report(result, null);
            }
            else
            {
                result.Status = SendStatus.Skipped;
                result.Error = "Declined at the confirmation prompt.";
                result.ErrorId = "JelouDeclined";
                Report(result, null);
            }

            return false;
        }

        /// <summary>Reports a row that broke a rule: Skipped, with a non-terminating error naming the row.</summary>
        private protected void Skip(JelouSendResult result, Exception problem)
        {
            result.Status = SendStatus.Skipped;
            result.Error = problem.Message;
            result.ErrorId = JelouApiException.ErrorIdFor(JelouErrorKind.InvalidInput);
            Report(result, problem);
        }

        private protected static string Preview(string? text, int length = 40)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var flat = text!.Replace("\r", " ").Replace("\n", " ");
            return flat.Length <= length ? flat : flat.Substring(0, length - 1) + "…";
        }

        private BulkSender Engine => engine ??= CreateEngine();

        private BulkSender CreateEngine()
        {
            // A parameter given on the command wins over the session defaults of Set-JelouRequestContext (JelouApiCmdlet).
            var defaults = ModuleState.Defaults;
            var retry = CreateRetrySettings(Pick(nameof(RetryPossiblyDelivered), RetryPossiblyDelivered.IsPresent, defaults.RetryPossiblyDelivered));
            var rate = Pick<double?>(nameof(RateLimit), RateLimit, defaults.RateLimit);
            WatchTermination();
            return new BulkSender(CreateClient, new BulkOptions
            {
                ThrottleLimit = Pick(nameof(ThrottleLimit), ThrottleLimit, defaults.ThrottleLimit),
                RateLimit = rate > 0 ? rate : null,
                IsBatchFatal = IsBatchFatal,
                Retry = retry,
                Heartbeat = Heartbeat,
                Journal = journal,
            });
        }

        /// <summary>True for a dry run (-WhatIf, or $WhatIfPreference).</summary>
        private protected bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter whatIf)
            {
                return whatIf.IsPresent;
            }

            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        private void Write(BulkCompletion completion)
        {
            WriteObject(completion.Result);
            if (completion.Error is { } error)
            {
                var id = completion.Result.ErrorId ?? "JelouSendFailed";
                WriteError(ErrorRecords.ForFailure(error, id, completion.Result.InputObject ?? completion.Result, completion.Result.Row));
            }

            UpdateProgress();
        }

        /// <summary>The engine waits on this thread (for answers, for room, through a pause): refresh what the user sees.</summary>
        private void Heartbeat()
        {
            FlushLog();
            UpdateProgress();
        }

        private void UpdateProgress()
        {
            // Called for every row: a tick count is the cheapest clock to throttle on (wrap-around safe when subtracted).
            var now = Environment.TickCount;
            if (engine is null || (progressShown && unchecked(now - nextProgress) < 0))
            {
                return;
            }

            progressShown = true;
            nextProgress = unchecked(now + ProgressIntervalMs);
            var status = engine.Status(TotalCount);
            var record = new ProgressRecord(1, Activity, status.Description)
            {
                PercentComplete = status.PercentComplete,
                SecondsRemaining = status.SecondsRemaining,
            };
            if (status.CurrentOperation is { } operation)
            {
                record.CurrentOperation = operation;
            }

            WriteProgress(record);
        }

        private void FlushLog()
        {
            foreach (var line in engine?.TakeLog() ?? Enumerable.Empty<string>())
            {
                WriteVerbose(line);
            }
        }

        private void ThrowIfStopped()
        {
            if (engine?.StopError is not { } stop)
            {
                return;
            }

            // Rows still in flight are reported before the stop, so the report accounts for every row read.
            engine.Drain(Write);
            FlushLog();
            var message = $"Stopped the batch: {stop.Message} Rows read so far: {engine.Progress.Submitted} ({engine.Progress}). Rows after row {position} were not read. Fix the cause, then resend the rows whose Status is not Sent.";
            var record = new ErrorRecord(new JelouApiException(stop.Kind, message, stop.StatusCode, stop) { ErrorCode = stop.ErrorCode, ErrorKey = stop.ErrorKey }, "JelouBatchStopped", ErrorRecords.CategoryFor(stop.Kind), null);
            ThrowTerminatingError(record);
        }
    }
}
