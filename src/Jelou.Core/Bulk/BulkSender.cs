using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Bulk
{
    /// <summary>
    /// The engine both send cmdlets use: bounded concurrency, pacing, an early stop on account-level errors,
    /// and completions handed back on the caller's thread (PowerShell's pipeline thread), as they happen.
    /// Memory holds only the rows in flight.
    /// </summary>
    /// <remarks>
    /// <see cref="Submit"/>, <see cref="Record"/>, <see cref="TakeReady"/> and <see cref="Drain"/> must be called from
    /// one thread; the sends themselves run on the thread pool.
    /// </remarks>
    public sealed class BulkSender : IDisposable
    {
        private readonly Lazy<JelouClient> client;
        private readonly BulkOptions options;
        private readonly SendRequestOptions requestOptions;
        private readonly RateLimiter? pacer;
        private readonly CancellationTokenSource cancellation = new();
        private readonly ConcurrentQueue<BulkCompletion> ready = new();

        // The pipeline thread sleeps on this while every slot is busy. No spinning: a spinning wait takes CPU from
        // the very sends it waits for, which on a small machine costs more than the wake-up.
        private readonly ManualResetEventSlim readySignal = new(false, 0);
        private int waiting;
        private readonly ConcurrentQueue<string> log = new();
        private int inFlight;

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

            pacer = options.RateLimit is { } rate ? CreatePacer(rate) : null;
            requestOptions = new SendRequestOptions { Retry = options.Retry, Pacer = pacer, OnRetry = log.Enqueue };
        }

        /// <summary>Running totals.</summary>
        public BulkProgress Progress { get; } = new();

        /// <summary>The error that stopped the batch, once one has.</summary>
        public JelouApiException? StopError { get; private set; }

        /// <summary>True once the batch was cancelled or stopped.</summary>
        public bool IsStopped => StopError is not null || cancellation.IsCancellationRequested;

        /// <summary>Requests in flight now.</summary>
        public int InFlight => inFlight;

        /// <summary>
        /// Starts sending a row, first waiting for a free slot. Rows that finish meanwhile are passed to
        /// <paramref name="onCompleted"/> on this thread. After a stop, the row is reported NotAttempted without sending.
        /// </summary>
        public void Submit(BulkItem item, Action<BulkCompletion> onCompleted)
        {
            if (item is null)
            {
                throw new ArgumentNullException(nameof(item));
            }

            Progress.Submitted++;
            while (inFlight >= options.ThrottleLimit && !IsStopped)
            {
                Deliver(Take(), onCompleted);
            }

            TakeReady(onCompleted);
            if (IsStopped)
            {
                var skipped = NotAttempted(item.Result);
                Count(skipped.Result.Status);
                onCompleted(skipped);
                return;
            }

            // Created here, on the caller's thread, so a missing credential surfaces as the caller's exception.
            var sender = client.Value;
            inFlight++;
            _ = RunAsync(item, sender);
        }

        /// <summary>Reports a row that never goes to the server (Skipped, WhatIf), so totals and order metadata stay whole.</summary>
        public BulkCompletion Record(JelouSendResult result, Exception? error)
        {
            if (result is null)
            {
                throw new ArgumentNullException(nameof(result));
            }

            Progress.Submitted++;
            result.Timestamp = DateTimeOffset.Now;
            Count(result.Status);
            return new BulkCompletion(result, error);
        }

        /// <summary>Passes every row finished so far to <paramref name="onCompleted"/>, without waiting.</summary>
        public void TakeReady(Action<BulkCompletion> onCompleted)
        {
            while (ready.TryDequeue(out var completion))
            {
                Deliver(completion, onCompleted);
            }
        }

        /// <summary>Waits for every row in flight and passes each to <paramref name="onCompleted"/> as it finishes.</summary>
        public void Drain(Action<BulkCompletion> onCompleted)
        {
            while (inFlight > 0)
            {
                Deliver(Take(), onCompleted);
            }
        }

        /// <summary>Retry notices since the last call, for Verbose output on the pipeline thread.</summary>
        public IEnumerable<string> TakeLog()
        {
            while (log.TryDequeue(out var line))
            {
                yield return line;
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
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Cancel();
            pacer?.Dispose();
            cancellation.Dispose();
            readySignal.Dispose();
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

        private BulkCompletion Take()
        {
            while (true)
            {
                if (ready.TryDequeue(out var completion))
                {
                    return completion;
                }

                readySignal.Reset();

                // Announce the wait before looking again: a send that finishes now either sees the flag and signals,
                // or its completion is already in the queue.
                Interlocked.Exchange(ref waiting, 1);
                if (!ready.TryDequeue(out completion))
                {
                    readySignal.Wait();
                }

                Volatile.Write(ref waiting, 0);
                if (completion is not null)
                {
                    return completion;
                }
            }
        }

        private void Deliver(BulkCompletion completion, Action<BulkCompletion> onCompleted)
        {
            // Only completions from the ready queue come here, and each of them was one request in flight.
            inFlight--;
            Count(completion.Result.Status);
            if (completion.Error is JelouApiException api && StopError is null && !api.PossiblyDelivered && options.IsBatchFatal(api))
            {
                StopError = api;
            }

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

        private async Task RunAsync(BulkItem item, JelouClient sender)
        {
            var result = item.Result;
            Exception? error = null;
            try
            {
                var outcome = await item.Send(sender, requestOptions, cancellation.Token).ConfigureAwait(false);
                Apply(result, outcome);
                error = outcome.Error;
            }
            catch (Exception ex)
            {
                // A send must always produce a completion, or Drain would wait forever.
                result.Status = SendStatus.Failed;
                result.Error = sender.Redact(ex.Message);
                result.ErrorId = "JelouUnexpectedError";
                error = ex;
            }
            finally
            {
                result.Timestamp = DateTimeOffset.Now;
                ready.Enqueue(new BulkCompletion(result, error));

                // A full fence between publishing the completion and reading the flag pairs with Take's.
                Thread.MemoryBarrier();
                if (Volatile.Read(ref waiting) != 0)
                {
                    readySignal.Set();
                }
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
