using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Jelou.Http;
using Jelou.Journal;
using Jelou.Results;

namespace Jelou.Bulk
{
    /// <summary>
    /// The engine both send cmdlets use: bounded concurrency, pacing, an early stop on account-level errors,
    /// and completions handed back on the caller's thread (PowerShell's pipeline thread), as they happen.
    /// Memory holds only the rows started (in flight, or waiting out a Retry-After: at most four per slot) and a short
    /// queue of rows not started yet (four per slot).
    /// </summary>
    /// <remarks>
    /// <see cref="Submit"/>, <see cref="Record"/>, <see cref="TakeReady"/> and <see cref="Drain"/> must be called from
    /// one thread. The caller's thread validates rows and queues them; a send that finishes starts the next queued row
    /// on its own thread-pool thread, so the requests in flight never wait for the pipeline thread to wake up.
    /// While the caller's thread waits, it wakes every <see cref="BulkOptions.HeartbeatInterval"/>, and at once for a
    /// retry notice, to hand over finished rows and call <see cref="BulkOptions.Heartbeat"/> (progress, Verbose).
    /// <para>
    /// ThrottleLimit bounds requests in flight, not rows started: the slots are the pacer's (<see cref="AdaptivePacer"/>),
    /// taken by each attempt and given back once its answer is read, so a row that waits out a Retry-After between
    /// attempts leaves its slot to the next row instead of idling it for the whole wait. ThrottleLimit rows are started as
    /// before; while the server answers 429, a free slot starts one more, up to four rows per slot, so memory stays flat.
    /// The slots are the pacer's and not this engine's because only the attempt knows when it is on the wire; the rows
    /// started are this engine's, as it alone knows when a row is over. With ThrottleLimit 1 only one row is ever started,
    /// so rows still go out strictly one after another and in input order.
    /// </para>
    /// </remarks>
    public sealed class BulkSender : IDisposable
    {
        private const int NotWaiting = 0;
        private const int WaitingForRoom = 1;
        private const int WaitingForCompletion = 2;

        // The thread that is starting rows for this engine now; a send that completes at once then returns to that
        // loop instead of starting the next row from deeper in the same stack.
        [ThreadStatic]
        private static BulkSender? pumping;

        private readonly Lazy<JelouClient> client;
        private readonly BulkOptions options;
        private readonly SendRequestOptions requestOptions;
        private readonly AdaptivePacer pace;
        private readonly CancellationTokenSource cancellation = new();
        private readonly ConcurrentQueue<BulkItem> queued = new();

        // With a journal: the next queued rows, their start records written before their turn; null without one.
        private readonly RecordAhead? ahead;
        private readonly ConcurrentQueue<BulkCompletion> ready = new();
        private readonly ConcurrentQueue<string> log = new();
        private readonly Action? heartbeat;
        private readonly int heartbeatMs;

        // The pipeline thread sleeps on this while the queue is full or, at the end, while sends are in flight.
        // No spinning: a spinning wait takes CPU from the very sends it waits for.
        private readonly ManualResetEventSlim signal = new(false, 0);
        private readonly int queueLimit;
        private readonly int lowWater;
        private readonly int startLimit;
        private JelouClient? sender;
        private JelouApiException? stopError;
        private int queuedCount;
        private int active;
        private int waitMode;
        private int outstanding;
        private int nextBeat;
        private int noticed;
        private volatile bool halted;

        /// <summary>Creates an engine over a client.</summary>
        public BulkSender(JelouClient client, BulkOptions options)
            : this(() => client ?? throw new ArgumentNullException(nameof(client)), options)
        {
        }

        /// <summary>
        /// Creates an engine that makes its client on the first send, so a dry run (-WhatIf) or a batch of invalid
        /// rows needs no credential.
        /// </summary>
        public BulkSender(Func<JelouClient> clientFactory, BulkOptions options)
        {
            if (clientFactory is null)
            {
                throw new ArgumentNullException(nameof(clientFactory));
            }

            client = new Lazy<JelouClient>(clientFactory, LazyThreadSafetyMode.ExecutionAndPublication);
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.ThrottleLimit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.ThrottleLimit, "ThrottleLimit must be at least 1.");
            }

            // Four rows wait for each slot: a finished send always finds the next row ready, and the pipeline thread
            // refills the queue in batches (at half empty) instead of waking for every send. At 0 ms latency a queue
            // of one row per slot woke it every 25 rows, and those wake-ups cost more CPU than the sends' own code.
            queueLimit = 4 * options.ThrottleLimit;
            lowWater = queueLimit / 2;

            // Rows started: those in flight and, up to three per slot, rows waiting out a Retry-After. With 5 % of requests
            // answered 429 with Retry-After 1 at 20 ms a request, about two rows per slot wait at any time.
            startLimit = options.ThrottleLimit == 1 ? 1 : 4 * options.ThrottleLimit;

            // On by default: the pace finds and holds the rate the server accepts, under -RateLimit as a hard ceiling. A
            // slot freed by a row that goes to wait out a 429 starts the next row at once.
            pace = new AdaptivePacer(options.RateLimit, options.ThrottleLimit, line => Notice(0, line), Pump);
            requestOptions = new SendRequestOptions { Retry = options.Retry, Pace = pace, OnRowRetry = Notice, ThrottleLimit = options.ThrottleLimit };
            ahead = options.Journal is { } journal ? new RecordAhead(journal, queued, options.ThrottleLimit) : null;
            heartbeat = options.Heartbeat;
            heartbeatMs = (int)Math.Max(1, Math.Min(int.MaxValue / 2, options.HeartbeatInterval.TotalMilliseconds));
        }

        /// <summary>Running totals.</summary>
        public BulkProgress Progress { get; } = new();

        /// <summary>The error that stopped the batch, once one has.</summary>
        public JelouApiException? StopError => Volatile.Read(ref stopError);

        /// <summary>True once the batch was cancelled or stopped.</summary>
        public bool IsStopped => halted || StopError is not null || cancellation.IsCancellationRequested;

        /// <summary>Rows whose journal start record was written ahead of their turn and that have not started (tests).</summary>
        internal int RecordedAhead => ahead?.Count ?? 0;

        /// <summary>Rows submitted whose result has not been handed back yet (queued, in flight or finished).</summary>
        public int InFlight => outstanding;

        /// <summary>
        /// Queues a row for sending. Rows that finish meanwhile are passed to <paramref name="onCompleted"/> on this
        /// thread; when the queue is full, this waits until it is half empty. After a stop, the row is reported
        /// NotAttempted without sending.
        /// </summary>
        public void Submit(BulkItem item, Action<BulkCompletion> onCompleted)
        {
            if (item is null)
            {
                throw new ArgumentNullException(nameof(item));
            }

            Progress.Submitted++;
            TakeReady(onCompleted);
            if (IsStopped)
            {
                Report(NotAttempted(item.Result), onCompleted, outstandingRow: false);
                return;
            }

            // Created here, on the caller's thread, so a missing credential surfaces as the caller's exception.
            sender ??= client.Value;
            Progress.MarkSending();
            outstanding++;
            queued.Enqueue(item);
            Interlocked.Increment(ref queuedCount);
            ahead?.TopUp();
            Pump();
            if (Volatile.Read(ref queuedCount) >= queueLimit)
            {
                WaitFor(WaitingForRoom, () => Volatile.Read(ref queuedCount) <= lowWater || IsStopped, onCompleted);
            }

            TakeReady(onCompleted);
            if (IsStopped)
            {
                ReportQueued(onCompleted);
            }
        }

        /// <summary>Reports a row that never goes to the server (Skipped, WhatIf), so totals and order metadata stay whole.</summary>
        public BulkCompletion Record(JelouSendResult result, Exception? error)
        {
            if (result is null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            Progress.Submitted++;
            if (result.FromJournal)
            {
                // Reported from the journal: its timestamp is when the earlier run learned the outcome.
                if (result.Status == SendStatus.Sent)
                {
                    Progress.AlreadySent++;
                }
                else
                {
                    Count(result.Status);
                }

                return new BulkCompletion(result, error);
            }

            result.Timestamp = DateTimeOffset.Now;
            Count(result.Status);
            return new BulkCompletion(result, error);
        }

        /// <summary>Passes every row finished so far to <paramref name="onCompleted"/>, without waiting.</summary>
        public void TakeReady(Action<BulkCompletion> onCompleted)
        {
            while (ready.TryDequeue(out var completion))
            {
                Report(completion, onCompleted, outstandingRow: true);
            }
        }

        /// <summary>
        /// Waits for every row queued or in flight and passes each to <paramref name="onCompleted"/> as it finishes.
        /// After a stop, rows still queued are reported NotAttempted.
        /// </summary>
        public void Drain(Action<BulkCompletion> onCompleted)
        {
            while (outstanding > 0)
            {
                TakeReady(onCompleted);
                if (IsStopped)
                {
                    ReportQueued(onCompleted);
                }

                if (outstanding > 0)
                {
                    // Rows still queued with a slot free would otherwise wait for a send that never comes.
                    Pump();
                    // outstanding == 0 too: a heartbeat inside the wait hands over finished rows itself, and when it takes
                    // the last one the ready queue stays empty and nothing would end the wait.
                    WaitFor(WaitingForCompletion, () => outstanding == 0 || !ready.IsEmpty || (IsStopped && !QueueIsEmpty), onCompleted);
                }
            }
        }

        /// <summary>
        /// A sentence for the end of the batch when the server limited its rate: the rate it allowed, and the -RateLimit
        /// that would avoid its 429s next time; null when it never limited the batch.
        /// </summary>
        public string? PaceSummary => pace.Summary();

        /// <summary>Retry notices since the last call, for Verbose output on the pipeline thread.</summary>
        public IEnumerable<string> TakeLog() => log.IsEmpty ? Array.Empty<string>() : DrainLog();

        /// <summary>
        /// What progress shows now: counts, sends in flight, the rate, and a client-wide pause with its reason and end;
        /// percentage and time remaining when <paramref name="totalCount"/> is known (above 0). Pipeline thread only.
        /// </summary>
        internal BulkStatus Status(long totalCount)
        {
            var progress = Progress;
            var pause = sender?.Pause;
            var text = new StringBuilder();
            string? operation = null;
            var pausedSeconds = 0;
            if (pause is { } p)
            {
                var until = p.ResumesAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                pausedSeconds = (int)Math.Ceiling(Math.Max(0, (p.ResumesAt - DateTimeOffset.UtcNow).TotalSeconds));
                text.Append("Paused for ").Append(pausedSeconds.ToString(CultureInfo.InvariantCulture)).Append("s (").Append(p.Reason).Append("), until ").Append(until).Append(". ");
                operation = "The whole batch waits until " + until + ", then goes on: the API answered " + p.Reason + ".";
            }

            text.Append(progress);
            var flying = Volatile.Read(ref active);
            if (flying > 0)
            {
                text.Append("; ").Append(flying.ToString(CultureInfo.InvariantCulture)).Append(" in flight");
            }

            var rate = progress.RatePerSecond;
            if (rate > 0)
            {
                text.Append("; ").Append(rate.ToString(rate >= 10 ? "0" : "0.0", CultureInfo.CurrentCulture)).Append("/s");
            }

            if (pace.IsLimited)
            {
                var held = pace.Rate;
                text.Append("; limited by the server: ").Append(held.ToString(held >= 10 ? "0" : "0.##", CultureInfo.CurrentCulture)).Append("/s");
            }
            else if (pace.HeldByCeiling && options.RateLimit is { } limit)
            {
                text.Append("; held to ").Append(limit.ToString("0.##", CultureInfo.CurrentCulture)).Append("/s by -RateLimit");
            }

            var percent = -1;
            var secondsLeft = -1;
            if (totalCount > 0)
            {
                percent = (int)Math.Min(100, progress.Completed * 100 / totalCount);
                if (rate > 0 && totalCount > progress.Completed)
                {
                    secondsLeft = (int)Math.Min(int.MaxValue, pausedSeconds + ((totalCount - progress.Completed) / rate));
                }
            }

            return new BulkStatus(text.ToString(), operation, percent, secondsLeft);
        }

        /// <summary>
        /// For when PowerShell stopped the pipeline (Ctrl+C, a terminating error downstream or from -ErrorAction Stop)
        /// and no more can be written to it: starts no more rows, waits up to <paramref name="wait"/> for the requests
        /// in flight to be answered (their outcomes reach the journal meanwhile), cancels those still waiting, and
        /// passes every row not handed over yet to <paramref name="onCompleted"/>, which must not write to PowerShell.
        /// Returns how many requests are still in flight at the end. After Ctrl+C the requests are cancelled already.
        /// </summary>
        public int Abandon(TimeSpan wait, Action<BulkCompletion> onCompleted)
        {
            // Requests that left are answered rather than cancelled where there is time: an answer is Sent or Failed,
            // a cancelled request is Unknown.
            halted = true;
            var clock = Stopwatch.StartNew();
            WaitForActive(wait, clock);
            Cancel();
            WaitForActive(wait + TimeSpan.FromSeconds(1), clock);
            TakeReady(onCompleted);
            ReportQueued(onCompleted);
            return Volatile.Read(ref active);
        }

        private void WaitForActive(TimeSpan until, Stopwatch clock)
        {
            while (Volatile.Read(ref active) > 0 && clock.Elapsed < until)
            {
                signal.Reset();
                if (Volatile.Read(ref active) > 0)
                {
                    // A send that completes after a stop wakes this thread (Complete); the cap is only a safety net.
                    signal.Wait(TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(50, (until - clock.Elapsed).TotalMilliseconds))));
                }
            }
        }

        /// <summary>Stops the batch: cancels requests in flight and sends nothing more (Ctrl+C).</summary>
        public void Cancel()
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Cancel after Dispose: the batch is already over.
            }

            Wake();
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Cancel();
            cancellation.Dispose();
            signal.Dispose();
        }

        internal static RateLimiter CreatePacer(double perSecond)
        {
            if (double.IsNaN(perSecond) || perSecond <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "RateLimit must be greater than 0 messages per second.");
            }

            // Slow rates get one token per interval (smooth spacing); fast rates refill every 100 ms so timer
            // resolution does not cap the rate.
            var (tokens, period) = perSecond <= 10
                ? (1, TimeSpan.FromSeconds(1 / perSecond))
                : ((int)Math.Ceiling(perSecond / 10), TimeSpan.FromMilliseconds(100));
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokens,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }

        private static BulkCompletion NotAttempted(JelouSendResult result)
        {
            result.Status = SendStatus.NotAttempted;
            result.Error ??= "Not sent: the batch stopped before this row.";
            result.ErrorId ??= "JelouNotAttempted";
            return new BulkCompletion(result, null);
        }

        // Called once per row by the cmdlets; the usual empty log costs no enumerator.
        private IEnumerable<string> DrainLog()
        {
            while (log.TryDequeue(out var line))
            {
                yield return line;
            }
        }

        /// <summary>Starts queued rows while a slot is free, fewer than the limit are started, and the batch goes on.</summary>
        private void Pump()
        {
            if (pumping == this)
            {
                return;
            }

            var outer = pumping;
            pumping = this;
            try
            {
                while (!IsStopped)
                {
                    // ThrottleLimit rows started, as ever; beyond that only while the server answers 429, when some started
                    // rows may be waiting out a Retry-After without a slot, and only for a free slot. Without 429s nothing
                    // changes: a row is started once another has finished, so none starts while a finished row that stops
                    // the batch (an account-level error) is still being classified. A started row takes its slot in its
                    // first attempt, before the send returns to this loop, so the next look sees it taken; two threads that
                    // both saw the last slot free make the second row wait for one in its attempt, which the pacer's count bounds.
                    var taken = Volatile.Read(ref active);
                    if (taken >= options.ThrottleLimit && (taken >= startLimit || !pace.HasFreeSlot || !pace.RefusedRecently))
                    {
                        return;
                    }

                    if (Interlocked.CompareExchange(ref active, taken + 1, taken) != taken)
                    {
                        continue;
                    }

                    if (!TryTake(out var item))
                    {
                        Interlocked.Decrement(ref active);

                        // A row queued while this thread held the slot saw no room; look once more so it is not left behind.
                        if (QueueIsEmpty)
                        {
                            return;
                        }

                        continue;
                    }

                    if (Interlocked.Decrement(ref queuedCount) <= lowWater)
                    {
                        WakeIf(WaitingForRoom);
                    }

                    if (IsStopped)
                    {
                        // The batch stopped while this thread took the row: it is reported, never sent.
                        var never = NotAttempted(item.Result);
                        RecordOutcome(item);
                        Complete(never);
                        return;
                    }

                    _ = RunAsync(item);
                }
            }
            finally
            {
                pumping = outer;
            }
        }

        private async Task RunAsync(BulkItem item)
        {
            var result = item.Result;
            Exception? error = null;
            try
            {
                try
                {
                    if (item.JournalRow is { } row && options.Journal is { } journal)
                    {
                        // Written ahead, the record is durable by now as a rule. Otherwise this returns to Pump while it
                        // waits for its fsync, so the rows started meanwhile share it.
                        await (item.Recorded ?? journal.StartedAsync(row)).ConfigureAwait(false);
                    }

                    if (item.JournalRow is not null && IsStopped)
                    {
                        // The batch stopped while its record waited for the disk: the request never leaves.
                        result.Status = SendStatus.NotAttempted;
                        result.Error ??= "Not sent: the batch stopped before this row.";
                        result.ErrorId ??= "JelouNotAttempted";
                    }
                    else
                    {
                        var outcome = await Start(item).ConfigureAwait(false);
                        Apply(result, outcome);
                        error = outcome.Error;
                    }
                }
                catch (JelouJournalException ex)
                {
                    // Nothing leaves without its record on disk. No later row could be recorded either: the batch stops.
                    result.Status = SendStatus.NotAttempted;
                    result.ErrorId = "JelouJournalFailed";
                    result.Error = ex.Message;
                    error = ex;
                    Interlocked.CompareExchange(ref stopError, new JelouApiException(JelouErrorKind.Unexpected, ex.Message, null, ex), null);
                }
                catch (Exception ex)
                {
                    result.Status = SendStatus.Failed;
                    result.ErrorId = "JelouUnexpectedError";
                    error = ex;
                    result.Error = sender!.Redact(ex.Message);
                }

                result.Timestamp = DateTimeOffset.Now;
                if (error is JelouApiException api && !api.PossiblyDelivered && options.IsBatchFatal(api))
                {
                    // Set before this send's slot is freed, so no later row starts once the account is known to be refused.
                    Interlocked.CompareExchange(ref stopError, api, null);
                }
            }
            finally
            {
                // Whatever happens above, the row is reported, its slot freed and the next row started, or Drain would
                // wait forever.
                RecordOutcome(item);
                Complete(new BulkCompletion(result, error));
                Pump();
            }
        }

        /// <summary>Journal hook: the row's outcome, as soon as it is known, on the thread that finished the send.</summary>
        private void RecordOutcome(BulkItem item)
        {
            if (item.JournalRow is { } row)
            {
                options.Journal?.Completed(row, item.Result);
            }
        }

        /// <summary>
        /// Calls the row's send with its row number in <see cref="JelouClient.SendingRow"/>, which the client reads as the
        /// send begins, so its retry notices name the row. A thread-static set and reset costs the shared options
        /// nothing; an options object or delegate per row would be an allocation on every send.
        /// </summary>
        private Task<SendOutcome> Start(BulkItem item)
        {
            var outer = JelouClient.SendingRow;
            JelouClient.SendingRow = item.Result.Row;
            try
            {
                return item.Send(sender!, requestOptions, cancellation.Token);
            }
            finally
            {
                JelouClient.SendingRow = outer;
            }
        }

        /// <summary>Hands a finished row to the pipeline thread and frees its slot.</summary>
        private void Complete(BulkCompletion completion)
        {
            ready.Enqueue(completion);
            Interlocked.Decrement(ref active);

            // The full fence of the decrement orders the enqueue before reading the pipeline thread's wait state.
            if (IsStopped)
            {
                Wake();
            }
            else
            {
                WakeIf(WaitingForCompletion);
            }
        }

        /// <summary>
        /// Sleeps on the pipeline thread until <paramref name="done"/> holds; senders wake it when it may. With a
        /// heartbeat it also wakes on a timer and for retry notices, since only this thread may write to PowerShell.
        /// </summary>
        private void WaitFor(int mode, Func<bool> done, Action<BulkCompletion> onCompleted)
        {
            while (!done())
            {
                signal.Reset();

                // Announce the wait before looking again: a sender that changes the state now either sees the mode
                // and wakes this thread, or its change is visible to the check below.
                Interlocked.Exchange(ref waitMode, mode);
                if (!done() && (heartbeat is null || Volatile.Read(ref noticed) == 0))
                {
                    // Clamped: a tick count wraps after 24.9 days, and a beat long overdue is due at once.
                    signal.Wait(heartbeat is null ? Timeout.Infinite : Math.Min(heartbeatMs, Math.Max(1, unchecked(nextBeat - Environment.TickCount))));
                }

                Volatile.Write(ref waitMode, NotWaiting);
                Beat(onCompleted);
            }
        }

        /// <summary>Calls the heartbeat when it is due or a retry notice waits, after handing over the rows finished so far.</summary>
        private void Beat(Action<BulkCompletion> onCompleted)
        {
            if (heartbeat is null)
            {
                return;
            }

            var now = Environment.TickCount;
            if (Interlocked.Exchange(ref noticed, 0) == 0 && unchecked(now - nextBeat) < 0)
            {
                return;
            }

            nextBeat = unchecked(now + heartbeatMs);

            // While it waits for room in the queue this thread takes no results, so a burst of them would otherwise be
            // shown only once the queue is half empty again.
            TakeReady(onCompleted);
            heartbeat();
        }

        /// <summary>A retry was decided on a send's thread: queued for Verbose with its row, and the pipeline thread woken to write it.</summary>
        private void Notice(long row, string sentence)
        {
            // Row 0: a send whose delegate awaited something before it called the client, so the row is not known.
            log.Enqueue(row <= 0 || sentence.Length == 0
                ? sentence
                : "Row " + row.ToString(CultureInfo.InvariantCulture) + ": " + char.ToLowerInvariant(sentence[0]) + sentence.Substring(1));
            Volatile.Write(ref noticed, 1);

            // Unconditional, and rare: a wait that begins after this sees the flag instead.
            Wake();
        }

        /// <summary>Wakes the pipeline thread if it waits for <paramref name="mode"/>; only the first of many senders does.</summary>
        private void WakeIf(int mode)
        {
            if (Volatile.Read(ref waitMode) == mode && Interlocked.CompareExchange(ref waitMode, NotWaiting, mode) == mode)
            {
                Wake();
            }
        }

        private void Wake()
        {
            try
            {
                signal.Set();
            }
            catch (ObjectDisposedException)
            {
                // A send that finished after the batch was disposed has nobody to wake.
            }
        }

        private bool QueueIsEmpty => ahead?.IsEmpty ?? queued.IsEmpty;

        private bool TryTake(out BulkItem item) => ahead is null ? queued.TryDequeue(out item!) : ahead.TryTake(out item);

        /// <summary>
        /// After a stop: every row still queued is reported NotAttempted, first those recorded ahead (the journal then
        /// says they never left, so a rerun sends them), then the rest, in input order.
        /// </summary>
        private void ReportQueued(Action<BulkCompletion> onCompleted)
        {
            foreach (var item in ahead?.TakeRecorded() ?? new List<BulkItem>())
            {
                Interlocked.Decrement(ref queuedCount);
                var never = NotAttempted(item.Result);
                RecordOutcome(item);
                Report(never, onCompleted, outstandingRow: true);
            }

            while (queued.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref queuedCount);
                Report(NotAttempted(item.Result), onCompleted, outstandingRow: true);
            }
        }

        private void Report(BulkCompletion completion, Action<BulkCompletion> onCompleted, bool outstandingRow)
        {
            // Completions from the ready queue and rows taken back from the send queue were counted as outstanding.
            if (outstandingRow)
            {
                outstanding--;
            }

            Count(completion.Result.Status);
            onCompleted(completion);
        }

        private void Count(SendStatus status)
        {
            switch (status)
            {
                case SendStatus.Sent: Progress.Sent++; break;
                case SendStatus.Failed: Progress.Failed++; break;
                case SendStatus.Skipped: Progress.Skipped++; break;
                case SendStatus.Unknown: Progress.Unknown++; break;
                case SendStatus.NotAttempted: Progress.NotAttempted++; break;
                case SendStatus.WhatIf: Progress.WhatIf++; break;
            }
        }

        internal static void Apply(JelouSendResult result, SendOutcome outcome)
        {
            result.Attempts = outcome.Attempts;
            result.Duration = outcome.Duration;
            result.HttpStatus = outcome.HttpStatus;
            result.MessageId = outcome.MessageId;
            if (outcome.Error is not { } error)
            {
                result.Status = SendStatus.Sent;
                return;
            }

            result.PossiblyDelivered = error.PossiblyDelivered;
            result.Status = error.PossiblyDelivered
                ? SendStatus.Unknown
                : error.Kind == JelouErrorKind.Cancelled ? SendStatus.NotAttempted : SendStatus.Failed;
            result.Error = error.Message;
            result.ErrorId = error.ErrorId;
            result.ErrorCode = error.ErrorCode ?? error.ErrorKey;
        }
    }
}
