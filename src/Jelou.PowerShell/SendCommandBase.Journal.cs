using System.Globalization;
using System.Management.Automation;
using Jelou.Bulk;
using Jelou.Journal;
using Jelou.Results;

namespace Jelou.PowerShell
{
    /// <summary>
    /// The send journal (-JournalPath) and what happens when a batch is stopped before its end (Ctrl+C, SIGTERM, a
    /// terminating error downstream or from -ErrorAction Stop): the journal is completed, and a warning on the host
    /// says what was sent and how to rerun.
    /// </summary>
    public abstract partial class SendCommandBase
    {
        private const int NotStopped = 0;
        private const int StoppedByPowerShell = 1;
        private const int StoppedBySigterm = 2;

        // How long a stop waits for the requests in flight to settle, so their outcomes reach the journal.
        private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

        // How long SIGTERM waits for the pipeline thread to finish the stop before the process ends anyway.
        private static readonly TimeSpan SigtermWait = TimeSpan.FromSeconds(10);

        private readonly ManualResetEventSlim stopDone = new(false);
        private SendJournal? journal;
        private RowKeys? rowKeys;
        private IDisposable? sigterm;
        private bool resendPossiblyDelivered;
        private bool finished;
        private int stopReason;
        private long replayedUnknown;

        /// <summary>
        /// A send journal: every request is recorded before it leaves and its outcome after, and a rerun with the same
        /// journal sends only the rows that were not sent.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [PSDefaultValue(Help = "None (or the Set-JelouRequestContext default)")]
        public string? JournalPath { get; set; }

        /// <summary>The kind of send a journal of this cmdlet holds, such as "bot"; a journal holds one kind.</summary>
        private protected abstract string JournalKind { get; }

        /// <summary>Opens the journal before the first row is read, so a bad one stops the command before anything is sent.</summary>
        private void OpenJournal()
        {
            var path = MyInvocation.BoundParameters.ContainsKey(nameof(JournalPath)) ? JournalPath : ModuleState.Defaults.JournalPath;
            if (string.IsNullOrEmpty(path) || IsWhatIf())
            {
                // A dry run sends nothing, so it records nothing.
                return;
            }

            var bound = MyInvocation.BoundParameters;
            resendPossiblyDelivered = bound.ContainsKey(nameof(RetryPossiblyDelivered)) ? RetryPossiblyDelivered.IsPresent : ModuleState.Defaults.RetryPossiblyDelivered;
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            var lines = new List<string>();
            try
            {
                journal = SendJournal.Open(full, JournalKind, MyInvocation.MyCommand.Name, lines.Add);
            }
            catch (JelouJournalException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouJournal" + ex.Problem, CategoryFor(ex.Problem), full));
            }

            rowKeys = new RowKeys();
            lines.ForEach(WriteVerbose);
        }

        /// <summary>Whether this command keeps a journal: only then does a row need its key and its canonical body.</summary>
        private protected bool Journaling => journal is not null && rowKeys is not null;

        /// <summary>
        /// With a journal: gives the row its key and returns true when it is to be sent, with the record to write
        /// before its request leaves. When an earlier run sent it (or may have), reports it from the journal instead
        /// and returns false. Without a journal: true, and no record.
        /// </summary>
        /// <param name="result">The row's result, filled in from the journal when it is not sent.</param>
        /// <param name="endpoint">Method and path of the request, such as <c>POST v1/bots/b1/messages</c>.</param>
        /// <param name="recipient">Who receives it (user id, room id).</param>
        /// <param name="body">The body the client sends, or its canonical stand-in (ids generated per send left out).</param>
        /// <param name="target">Who receives it, for a person reading the journal.</param>
        /// <param name="ids">Message ids chosen for this send, kept in the record.</param>
        /// <param name="record">The record for <see cref="BulkItem.JournalRow"/>; null without a journal.</param>
        private protected bool ShouldSendAfterJournal(JelouSendResult result, string endpoint, string recipient, byte[] body, string target, IReadOnlyList<string>? ids, out JournalRow? record)
        {
            record = null;
            if (journal is null || rowKeys is null)
            {
                return true;
            }

            var key = rowKeys.Next(endpoint, recipient, body);
            var earlier = journal.Find(key);
            if (earlier is null || (earlier.PossiblyDelivered ? resendPossiblyDelivered : earlier.Status != SendStatus.Sent))
            {
                record = new JournalRow(key, result.Row, target, ids);
                return true;
            }

            result.FromJournal = true;
            result.MessageId = earlier.MessageId;
            result.HttpStatus = earlier.HttpStatus;
            result.Timestamp = earlier.At;
            if (result is JelouRoomMessageResult room && earlier.Ids is { Count: > 0 } sentIds)
            {
                room.MessageIds = sentIds;
            }

            if (earlier.Status == SendStatus.Sent)
            {
                result.Status = SendStatus.Sent;
            }
            else
            {
                replayedUnknown++;
                result.Status = SendStatus.Unknown;
                result.PossiblyDelivered = true;
                result.ErrorId = "JelouDeliveryUnknown";
                result.Error = earlier.Status is null
                    ? $"Not sent again: an earlier run (its row {earlier.Row}) started this request and was stopped before an answer came, so it may have been delivered. Check, then rerun with -RetryPossiblyDelivered to send it again."
                    : $"Not sent again: an earlier run (its row {earlier.Row}) got no clear answer ({earlier.ErrorId}), so it may have been delivered. Check, then rerun with -RetryPossiblyDelivered to send it again.";
            }

            WriteVerbose($"Row {result.Row}: {(result.Status == SendStatus.Sent ? "already sent" : "possibly delivered")} by an earlier run (journal); not sent again.");
            Report(result, null);
            return false;
        }

        private static ErrorCategory CategoryFor(JournalProblem problem) => problem switch
        {
            JournalProblem.NotAJournal or JournalProblem.NewerVersion => ErrorCategory.InvalidData,
            JournalProblem.OtherKind => ErrorCategory.InvalidArgument,
            JournalProblem.Locked => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.ResourceUnavailable,
        };

        /// <summary>Ctrl+C or a stop of the pipeline: noted for the warning (StopProcessing runs on another thread).</summary>
        private void NoteStopRequested() => Interlocked.CompareExchange(ref stopReason, StoppedByPowerShell, NotStopped);

        /// <summary>From the first send on, SIGTERM stops the batch as Ctrl+C does, and the process ends once the journal is complete.</summary>
        private void WatchTermination() => sigterm ??= TerminationSignal.Register(OnSigterm);

        /// <summary>On the runtime's signal thread.</summary>
        private void OnSigterm()
        {
            if (Volatile.Read(ref finished))
            {
                return;
            }

            Interlocked.Exchange(ref stopReason, StoppedBySigterm);
            engine?.Cancel();

            // The pipeline thread sees the stop, reports what it can, warns and closes the journal; if it is busy
            // elsewhere (reading input), the journal is closed from here, with the rows in flight recorded Unknown.
            if (!stopDone.Wait(SigtermWait))
            {
                journal?.Close();
            }
        }

        /// <summary>After SIGTERM the batch ends with a terminating error, so nothing after it in the script runs.</summary>
        private void ThrowIfTerminated()
        {
            if (Volatile.Read(ref stopReason) == StoppedBySigterm)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new OperationCanceledException("Stopped by SIGTERM: the process is ending. Rows after row " + position.ToString(CultureInfo.InvariantCulture) + " were not read."),
                    "JelouBatchTerminated",
                    ErrorCategory.OperationStopped,
                    null));
            }
        }

        /// <summary>The batch ended normally: the journal is closed and the summary written.</summary>
        private void FinishJournal()
        {
            Volatile.Write(ref finished, true);
            if (journal is null)
            {
                return;
            }

            journal.Close();
            var progress = engine?.Progress;
            WriteVerbose($"Journal '{journal.Path}': {progress?.Sent ?? 0} sent now, {progress?.AlreadySent ?? 0} already sent by an earlier run, {replayedUnknown} left Unknown from an earlier run.");
            if (replayedUnknown > 0)
            {
                WriteWarning($"{replayedUnknown} row(s) may have been delivered by an earlier run that recorded no answer (journal '{journal.Path}'); they were not sent again and are reported with Status Unknown. Check them, then rerun with -RetryPossiblyDelivered to send them.");
            }
        }

        /// <summary>
        /// Called from Dispose. After a stop (the batch did not reach its end), cancels what is in flight, waits for it
        /// to settle, completes the journal and warns on the host: PowerShell no longer takes output or errors then.
        /// </summary>
        private void EndRun()
        {
            sigterm?.Dispose();
            try
            {
                if (!Volatile.Read(ref finished) && engine is not null && engine.Progress.Submitted > 0)
                {
                    var before = engine.Progress.Completed;
                    var flying = engine.Abandon(StopWait, _ => { });
                    var unwritten = engine.Progress.Completed - before;
                    var unrecorded = journal?.Close() ?? 0;
                    WarnStopped(engine.Progress, unwritten, Math.Max(flying, unrecorded));
                }
            }
            finally
            {
                journal?.Close();
                rowKeys?.Dispose();
                stopDone.Set();
            }

            if (Volatile.Read(ref stopReason) == StoppedBySigterm)
            {
                // The signal's handler ends the process as soon as it sees stopDone; the script must not go on meanwhile.
                Thread.Sleep(SigtermWait);
            }
        }

        private void WarnStopped(BulkProgress progress, long unwritten, long stillInFlight)
        {
            if (engine?.StopError is not null && unwritten == 0 && stillInFlight == 0)
            {
                // The batch stopped itself (bad credentials, a bot the account cannot use) and every row was reported;
                // its terminating error says what to do.
                return;
            }

            // PowerShell marks the pipeline as stopping before it calls StopProcessing on another thread; the pipeline
            // thread can get here in between, and the stop is still Ctrl+C, not a terminating error.
            if (IsPipelineStopping())
            {
                NoteStopRequested();
            }

            var how = Volatile.Read(ref stopReason) switch
            {
                StoppedBySigterm => "by SIGTERM",
                StoppedByPowerShell => "(Ctrl+C or a stop of the pipeline)",
                _ => "by a terminating error",
            };
            var possibly = progress.Unknown + stillInFlight;
            var text = new System.Text.StringBuilder();
            if (progress.Sent == 0 && progress.AlreadySent == 0 && possibly == 0 && unwritten == 0)
            {
                // Nothing reached the API and every row read was reported: there is nothing to check before a rerun.
                text.Append(MyInvocation.MyCommand.Name).Append(" was stopped ").Append(how).Append(" before the batch ended: nothing was sent; rows after row ")
                    .Append(position).Append(" were not read.");
                WriteHostWarning(text.ToString());
                return;
            }

            text.Append(MyInvocation.MyCommand.Name).Append(" was stopped ").Append(how).Append(" before the batch ended: ")
                .Append(progress.Sent).Append(" sent");
            if (progress.AlreadySent > 0)
            {
                text.Append(", ").Append(progress.AlreadySent).Append(" already sent by an earlier run");
            }

            text.Append(", ").Append(possibly).Append(" may have been delivered (no answer came), ")
                .Append(progress.NotAttempted).Append(" not sent, ").Append(progress.Failed).Append(" failed, ")
                .Append(progress.Skipped).Append(" skipped; rows after row ").Append(position).Append(" were not read.");
            if (unwritten > 0)
            {
                text.Append(' ').Append(unwritten).Append(" of these results could not be written to the output.");
            }

            if (journal is not null)
            {
                text.Append(" The journal '").Append(journal.Path).Append("' holds every row's fate: run the same command again with -JournalPath '")
                    .Append(journal.Path).Append("' and it sends only the rows that were not sent (add -RetryPossiblyDelivered to resend the ones that may have been delivered).");
            }
            else
            {
                text.Append(" Without -JournalPath nothing remembers which rows were sent, and rows missing from the report may have been sent: check before resending, and give -JournalPath so a rerun sends only what was not sent.");
            }

            WriteHostWarning(text.ToString());
        }

        private bool IsPipelineStopping()
        {
            try
            {
                return Stopping;
            }
            catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException)
            {
                // A command disposed outside a pipeline (a test host) has no runtime to ask.
                return false;
            }
        }

        private void WriteHostWarning(string text)
        {
            try
            {
                Host?.UI?.WriteWarningLine(text);
            }
            catch (Exception ex) when (ex is PipelineStoppedException or InvalidOperationException or NotSupportedException or IOException)
            {
                // A host without a console (a hosted runspace that is closing): the journal still holds it all.
            }
        }
    }
}
