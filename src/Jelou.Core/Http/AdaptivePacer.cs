using System.Diagnostics;
using System.Globalization;

namespace Jelou.Http
{
    /// <summary>
    /// The send rate of one batch: unpaced until the server answers 429, then held at a rate that is cut on throttling
    /// and grown back without it, under an optional hard ceiling (-RateLimit). Shared by every send of the batch.
    /// </summary>
    /// <remarks>
    /// The control law follows AWS SDKs' adaptive retry mode (a client-side bucket, a multiplicative cut to a share of the
    /// rate the server accepted, growth back along a CUBIC curve), with three changes:
    /// <list type="bullet">
    /// <item>One cut per burst of 429s, as TCP cuts once per window: each send carries the epoch (the number of cuts so far)
    /// its turn was granted in, and only a 429 to a send granted in the current epoch cuts. Sends already granted at the
    /// old rate say nothing about the new one.</item>
    /// <item>The curve is scale-free: it returns to the last good rate <see cref="RecoverySeconds"/> after a cut, whether
    /// that rate is 5/s or 5,000/s (AWS's constant takes 5 s at 200/s and 17 s at 5,000/s).</item>
    /// <item>Pacing stops once the rate is well above what ThrottleLimit sends anyway (ThrottleLimit / round trip), so a
    /// batch that was limited once pays nothing when the limit lifts.</item>
    /// </list>
    /// Turns are spaced evenly (one every 1/rate, a bucket of one token that refills continuously), never in bursts:
    /// a provider's bucket of burst B never sees more than the rate. System.Threading.RateLimiting's limiters are not used
    /// here because their rate is fixed when they are made, and this one changes on every cut and every step of recovery.
    /// <para>
    /// The pacer also owns the batch's ThrottleLimit slots, and they count attempts, not rows: an attempt takes one before
    /// it waits for the batch's pause and its turn, and gives it back once its answer is read (<see cref="Turn"/>). A row
    /// waiting out a Retry-After between attempts holds none. When a row kept its slot through its wait, each random 429
    /// with Retry-After 1 at 20 ms a request cost a slot fifty requests' worth of time: 5 % of 429s held a batch of 32 to a
    /// quarter of its rate, with the server accepting everything else. The slots live here, not in the bulk engine,
    /// because only the attempt knows when it is on the wire; the engine starts a row when a slot is free and may keep
    /// more rows started than ThrottleLimit while some wait (see <c>BulkSender</c>).
    /// </para>
    /// </remarks>
    internal sealed class AdaptivePacer
    {
        /// <summary>
        /// A 429 asking for this wait or longer pauses the whole batch, as a 503 does: a token bucket that refills at the
        /// rate asks for a second at most; a longer wait says the account is closed for now, not that it is sent too fast.
        /// </summary>
        internal static readonly TimeSpan LongRetryAfter = TimeSpan.FromSeconds(2);

        /// <summary>
        /// The multiplicative decrease: the rate after a cut, as a share of the rate the server accepted. AWS and CUBIC use
        /// 0.7; against a bucket of 200/s that held the batch at 155/s, where 0.8 held it at 190/s with 4 % of requests 429.
        /// </summary>
        internal const double Beta = 0.8;

        /// <summary>Seconds from a cut until the rate is back at the rate the server accepted before it.</summary>
        internal const double RecoverySeconds = 2.0;

        private const int Samples = 16;

        /// <summary>The share of 429s among recent answers above which the rate is cut.</summary>
        private const double RefusedShare = 0.06;

        /// <summary>How unlikely by chance the share of 429s must be for the first cut of a batch the server has not limited yet.</summary>
        private const double FirstCutAlpha = 0.001;

        /// <summary>The same once the server limits the batch: about two standard deviations, the rule the pace was tuned with.</summary>
        private const double LimitedAlpha = 0.05;

        /// <summary>Answers needed in the window before their share is trusted: a lone 429 says nothing about the rate.</summary>
        private const int MinimumAnswers = 20;
        private static readonly long SampleEvery = Stopwatch.Frequency / 10;
        private static readonly long MeasureOver = Stopwatch.Frequency;
        private static readonly long MinimumSpan = Stopwatch.Frequency / 20;

        // Half a second: long enough to hold several answers at tens per second, short enough that a rate still rising
        // after the last cut is not averaged down with the slower rate before it.
        private static readonly long CutWindow = Stopwatch.Frequency / 2;

        // Timers fire a millisecond or more late even on an idle machine; a turn taken that late is still a turn (at most
        // a couple of sends close up, which a provider's bucket of any burst absorbs), where giving it up cost a quarter
        // of the rate at 190/s.
        private static readonly long LateTolerance = Stopwatch.Frequency / 100;

        private static readonly long RestWindow = 2 * (long)(LongRetryAfter.TotalSeconds * Stopwatch.Frequency);

        private readonly object changing = new();
        private readonly SemaphoreSlim slots;
        private readonly Action? slotFreed;
        private readonly double ceiling;
        private readonly int throttleLimit;
        private readonly Action<string>? log;
        private readonly long[] sampleAt = new long[Samples];
        private readonly long[] sampleCount = new long[Samples];
        private readonly long[] sampleAnswers = new long[Samples];
        private readonly long started;

        private long accepted;
        private long throttled;
        private long nextSample;
        private int sampleNext;
        private long nextSlot;
        private int epoch;
        private int cuts;
        private int limited;
        private long cutAt;
        private double lastGood;
        private double reported;
        private long reportedAt;
        private long limitedSince;
        private long acceptedWhenLimited;
        private double limitedSeconds;
        private long acceptedWhileLimited;
        private double roundTrip;
        private long lastWaitAt;
        private int refusedSinceFreed;
        private long lastRefusedAt;

        /// <summary>
        /// Creates a pacer; <paramref name="ceiling"/> (messages per second) is never exceeded, and at most
        /// <paramref name="throttleLimit"/> attempts hold a slot at once. <paramref name="slotFreed"/> is called on the
        /// thread that gives a slot back after a 429, when a row goes to wait out its Retry-After and another may start.
        /// </summary>
        public AdaptivePacer(double? ceiling, int throttleLimit, Action<string>? log, Action? slotFreed = null)
        {
            if (ceiling is { } c && (double.IsNaN(c) || c <= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(ceiling), c, "RateLimit must be greater than 0 messages per second.");
            }

            this.ceiling = ceiling ?? double.PositiveInfinity;
            this.throttleLimit = Math.Max(1, throttleLimit);
            this.log = log;
            this.slotFreed = slotFreed;

            // Never disposed: an attempt may give its slot back after the batch is over, and a SemaphoreSlim whose
            // AvailableWaitHandle is never read holds nothing that needs disposing.
            slots = new SemaphoreSlim(this.throttleLimit, this.throttleLimit);
            started = Stopwatch.GetTimestamp();
            sampleAt[0] = started;
            sampleNext = 1;
            nextSample = started + SampleEvery;
            nextSlot = started;
        }

        /// <summary>True when an attempt may take a slot now without waiting.</summary>
        public bool HasFreeSlot => slots.CurrentCount > 0;

        /// <summary>
        /// True when the server answered 429 within the last twice <see cref="LongRetryAfter"/>: rows may be waiting out a
        /// Retry-After without a slot (a wait that long pauses the batch instead, slots held), and come back within that
        /// time, twice over for one refused again.
        /// </summary>
        /// <remarks>
        /// Zero means never: a start of long.MinValue made the subtraction overflow to a negative number, so a batch never
        /// answered 429 read as refused a moment ago and started up to four rows per slot.
        /// </remarks>
        public bool RefusedRecently => Volatile.Read(ref lastRefusedAt) is var at && at != 0 && Stopwatch.GetTimestamp() - at < RestWindow;

        /// <summary>True when sends must take a turn: the server throttled the batch, or -RateLimit is set.</summary>
        public bool IsPacing => Volatile.Read(ref limited) != 0 || HasCeiling;

        /// <summary>True when -RateLimit set a ceiling.</summary>
        public bool HasCeiling => !double.IsPositiveInfinity(ceiling);

        /// <summary>True while the server's 429s set the pace.</summary>
        public bool IsLimited => Volatile.Read(ref limited) != 0;

        /// <summary>The number of cuts so far; a send remembers it with its turn.</summary>
        public int Epoch => Volatile.Read(ref epoch);

        /// <summary>2xx answers so far, for "has the server accepted anything since this row's last attempt".</summary>
        public long Accepted => Interlocked.Read(ref accepted);

        /// <summary>Messages per second the pacer holds now; infinity when it holds nothing.</summary>
        public double Rate => CurrentRate(Stopwatch.GetTimestamp());

        /// <summary>True when -RateLimit, not the server, is what holds the batch back now, and some send waited for it recently.</summary>
        public bool HeldByCeiling
        {
            get
            {
                var now = Stopwatch.GetTimestamp();
                return HasCeiling && now - Volatile.Read(ref lastWaitAt) < MeasureOver && AdaptiveRate(now) >= ceiling;
            }
        }

        /// <summary>One sentence for the end of the batch: the rate the server allowed while it limited the batch; null if it never did.</summary>
        public string? Summary()
        {
            lock (changing)
            {
                if (cuts == 0)
                {
                    return null;
                }

                var seconds = limitedSeconds;
                var count = acceptedWhileLimited;
                if (limited != 0)
                {
                    seconds += Seconds(Stopwatch.GetTimestamp() - limitedSince);
                    count += Interlocked.Read(ref accepted) - acceptedWhenLimited;
                }

                var allowed = seconds > 0 ? count / seconds : lastGood;
                return "The server limited the rate: it allowed about " + PerSecond(allowed) + " (" + Interlocked.Read(ref throttled).ToString(CultureInfo.InvariantCulture)
                    + " answers 429 Too Many Requests, " + cuts.ToString(CultureInfo.InvariantCulture) + " pace reduction(s)). "
                    + "To avoid the 429s next time, add -RateLimit " + Math.Max(0.01, Math.Floor(allowed * 0.95 * 100) / 100).ToString("0.##", CultureInfo.InvariantCulture) + ".";
            }
        }

        /// <summary>
        /// The fast path of an attempt: takes a slot when one is free and the batch is not paced, without waiting. False
        /// when the attempt must wait (<see cref="EnterAsync"/>); then nothing was taken.
        /// </summary>
        public bool TryEnter(out Turn turn)
        {
            if (!IsPacing && slots.Wait(0))
            {
                turn = new Turn(this, Epoch);
                return true;
            }

            turn = default;
            return false;
        }

        /// <summary>
        /// Takes a slot, then waits for the batch's pause (<paramref name="pause"/>) to end and for this attempt's turn.
        /// The pause is waited for with the slot held, so a paused batch does not start more rows behind it. A wait that
        /// ends in an exception gives the slot back.
        /// </summary>
        internal async ValueTask<Turn> EnterAsync(BackoffGate pause, CancellationToken cancellationToken)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await pause.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new Turn(this, await WaitTurnAsync(cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                Leave();
                throw;
            }
        }

        /// <summary>
        /// Waits for this send's turn when the batch is paced, and returns the epoch the turn was granted in. Turns are one
        /// every 1/rate, whatever the number of sends waiting; a cancelled wait gives its turn up.
        /// </summary>
        private ValueTask<int> WaitTurnAsync(CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            var rate = CurrentRate(now);
            var granted = Epoch;
            if (double.IsPositiveInfinity(rate))
            {
                return new ValueTask<int>(granted);
            }

            var slot = Reserve(now, rate);
            if (slot <= now)
            {
                return new ValueTask<int>(granted);
            }

            Volatile.Write(ref lastWaitAt, now);
            return WaitAsync(slot, granted, cancellationToken);
        }

        /// <summary>A 2xx: counted for the accepted rate; its round trip (from <paramref name="sentAt"/>, a timestamp) tells when pacing is no longer the limit.</summary>
        public void OnAccepted(long sentAt)
        {
            Interlocked.Increment(ref accepted);
            var now = Stopwatch.GetTimestamp();
            if (now >= Volatile.Read(ref nextSample))
            {
                Sample(now);
            }

            if (Volatile.Read(ref limited) != 0 && sentAt != 0)
            {
                Recover(now, Seconds(now - sentAt));
            }
        }

        /// <summary>A 429 to a send whose turn was granted in <paramref name="grantedIn"/>: the first of a burst cuts the rate.</summary>
        public void OnThrottled(int grantedIn)
        {
            Interlocked.Increment(ref throttled);
            Volatile.Write(ref lastRefusedAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref refusedSinceFreed, 1);
            if (grantedIn != Volatile.Read(ref epoch))
            {
                return;
            }

            string line;
            lock (changing)
            {
                if (grantedIn != epoch)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                Sample(now);
                var (measured, answers, refused, counted) = MeasuredRates(now);

                // A 429 now and then, while the server accepts nearly everything, is not a rate the batch exceeds: cutting
                // for it would walk the rate down for nothing (one cut per 429 at 5 % random 429s ends near 5/s). The
                // server's limit shows as a share of refusals that grows with the rate; cut once it is clearly above 6 %.
                // Beyond all doubt for the first cut, when nothing yet says the server limits the rate at all; once it has,
                // a share that is merely unlikely by chance is the limit showing again as the pace probes above it.
                if (counted < MinimumAnswers || !ClearlyAbove((long)Math.Round(refused * counted), counted, limited != 0))
                {
                    return;
                }

                var current = AdaptiveRate(now);

                // What the server accepted; when it accepted nothing, the rate it was asked for, so repeated cuts still
                // close in on a rate instead of dropping to one message a second.
                var good = Math.Min(current, measured > 0 ? measured : answers);
                if (double.IsPositiveInfinity(good) || good <= 0)
                {
                    good = 1;
                }

                var wasLimited = limited != 0;
                if (!wasLimited)
                {
                    limitedSince = now;
                    acceptedWhenLimited = Interlocked.Read(ref accepted);
                }

                lastGood = good;
                cutAt = now;
                cuts++;
                Volatile.Write(ref limited, 1);
                Volatile.Write(ref epoch, epoch + 1);
                var rate = Math.Min(ceiling, good * Beta);
                reported = rate;
                reportedAt = now;
                line = "Pace: the server answered 429 Too Many Requests at about " + PerSecond(good) + " accepted; "
                    + (wasLimited ? "slowed to " : "pacing the batch at ") + PerSecond(rate) + ", rising again while the server accepts.";
            }

            log?.Invoke(line);
        }

        /// <summary>
        /// True when <paramref name="refused"/> 429s among <paramref name="answers"/> are clearly more than
        /// <see cref="RefusedShare"/>: a server refusing that share at random would show as many with a probability below
        /// <see cref="FirstCutAlpha"/>, or <see cref="LimitedAlpha"/> when the server already <paramref name="limits"/> the batch.
        /// </summary>
        /// <remarks>
        /// The exact binomial tail, not "two standard deviations above": with few answers the tail is skewed, and two
        /// deviations let chance through. At 5 % random 429s, 35 answers (the first answers of a batch, or its end, when
        /// only rows coming back from a Retry-After are sent) hold five 429s 3 % of the time; tested at every 429, that
        /// cut the pace of about one batch in ten, and a cut in the first half second, measured against the few answers
        /// then, held a batch of 5,000 rows at half its rate. At 0.001 none of 20 such batches was cut; but applied to
        /// every cut it let the pace probe further above a real limit (15 % refused at 100 answers instead of 11 %), and a
        /// bucket of 200/s answered 5.1 % of requests 429 instead of 4.3 %. Hence two thresholds. Above 1,000 answers the
        /// normal approximation is exact enough, and the tail's first term would underflow.
        /// </remarks>
        internal static bool ClearlyAbove(long refused, long answers, bool limits)
        {
            if (answers <= 0 || refused <= RefusedShare * answers)
            {
                return false;
            }

            if (answers > 1000)
            {
                // z of 3.09 leaves 0.1 % above it, 1.645 leaves 5 %.
                var z = limits ? 1.645 : 3.09;
                return refused >= (RefusedShare * answers) + (z * Math.Sqrt(answers * RefusedShare * (1 - RefusedShare)));
            }

            // P(X < refused) for X ~ Binomial(answers, RefusedShare), term by term: C(n, i) p^i (1 - p)^(n - i).
            var term = Math.Pow(1 - RefusedShare, answers);
            var below = 0.0;
            for (long i = 0; i < refused; i++)
            {
                below += term;
                term *= (answers - i) / (double)(i + 1) * (RefusedShare / (1 - RefusedShare));
            }

            return 1 - below < (limits ? LimitedAlpha : FirstCutAlpha);
        }

        /// <summary>Gives an attempt's slot back; after a 429 the engine is told, as its row now waits without one.</summary>
        private void Leave()
        {
            slots.Release();
            if (Volatile.Read(ref refusedSinceFreed) != 0 && Interlocked.Exchange(ref refusedSinceFreed, 0) != 0)
            {
                slotFreed?.Invoke();
            }
        }

        /// <summary>The rate now: the recovery curve under the ceiling.</summary>
        private double CurrentRate(long now) => Math.Min(ceiling, AdaptiveRate(now));

        private double AdaptiveRate(long now)
        {
            if (Volatile.Read(ref limited) == 0)
            {
                return double.PositiveInfinity;
            }

            // CUBIC around the last good rate W: W (1 - (1 - Beta) (1 - t/K)^3), concave up to W at t = K, then convex
            // above it, probing for more.
            double good, since;
            lock (changing)
            {
                good = lastGood;
                since = Seconds(now - cutAt);
            }

            var x = 1 - (since / RecoverySeconds);
            return good * (1 - ((1 - Beta) * x * x * x));
        }

        private void Recover(long now, double sample)
        {
            string? line = null;
            lock (changing)
            {
                if (limited == 0)
                {
                    return;
                }

                roundTrip = roundTrip <= 0 ? sample : (0.9 * roundTrip) + (0.1 * sample);
                var rate = AdaptiveRate(now);

                // ThrottleLimit sends in flight send at most ThrottleLimit per round trip; well above that, pacing holds nothing back.
                var natural = roundTrip > 0 ? throttleLimit / roundTrip : double.PositiveInfinity;
                if (rate > 1.5 * natural)
                {
                    limitedSeconds += Seconds(now - limitedSince);
                    acceptedWhileLimited += Interlocked.Read(ref accepted) - acceptedWhenLimited;
                    Volatile.Write(ref limited, 0);
                    line = "Pace: no 429 for " + Seconds(now - cutAt).ToString("0.0", CultureInfo.InvariantCulture) + "s; no longer limited by the server"
                        + (HasCeiling ? ", held by -RateLimit " + PerSecond(ceiling) + " only." : ": full speed.");
                }
                else if (Math.Min(rate, ceiling) >= reported * 1.2 && now - reportedAt >= MeasureOver)
                {
                    // Rising: shown in steps, not for every send. A step below 1 / Beta (1.25), so a pace that only wins
                    // back its last cut is still told, rather than shown or not by rounding.
                    reported = Math.Min(rate, ceiling);
                    reportedAt = now;
                    line = "Pace: no 429 for " + Seconds(now - cutAt).ToString("0.0", CultureInfo.InvariantCulture) + "s; raised to " + PerSecond(reported) + ".";
                }
            }

            if (line is not null)
            {
                log?.Invoke(line);
            }
        }

        /// <summary>Records the accepted count about every 100 ms, so the accepted rate over the last second can be read.</summary>
        private void Sample(long now)
        {
            lock (sampleAt)
            {
                if (now < nextSample && sampleNext != 0)
                {
                    return;
                }

                sampleAt[sampleNext % Samples] = now;
                sampleCount[sampleNext % Samples] = Interlocked.Read(ref accepted);
                sampleAnswers[sampleNext % Samples] = Interlocked.Read(ref accepted) + Interlocked.Read(ref throttled);
                sampleNext++;
                Volatile.Write(ref nextSample, now + SampleEvery);
            }
        }

        /// <summary>2xx answers, and all answers, per second over about the last half second (at least 50 ms, so the first answers do not read as thousands per second).</summary>
        private (double Accepted, double Answers, double Refused, long Counted) MeasuredRates(long now)
        {
            lock (sampleAt)
            {
                var count = Interlocked.Read(ref accepted);
                var answers = count + Interlocked.Read(ref throttled);
                var oldest = Math.Max(0, sampleNext - Samples);
                for (var i = oldest; i < sampleNext; i++)
                {
                    var at = sampleAt[i % Samples];
                    if (now - at <= CutWindow || i == sampleNext - 1)
                    {
                        var span = Seconds(Math.Max(now - at, MinimumSpan));
                        var ok = count - sampleCount[i % Samples];
                        var all = answers - sampleAnswers[i % Samples];
                        return (ok / span, all / span, all > 0 ? (all - ok) / (double)all : 0, all);
                    }
                }

                return (0, 0, 0, 0);
            }
        }

        /// <summary>The next free turn at <paramref name="rate"/>, from <paramref name="now"/> at the earliest.</summary>
        private long Reserve(long now, double rate)
        {
            var interval = (long)(Stopwatch.Frequency / rate);
            while (true)
            {
                var next = Volatile.Read(ref nextSlot);

                // No credit for idle time: a bucket of one token, so a pause never turns into a burst.
                var slot = next > now ? next : now;
                if (Interlocked.CompareExchange(ref nextSlot, slot + interval, next) == next)
                {
                    return slot;
                }
            }
        }

        private async ValueTask<int> WaitAsync(long slot, int granted, CancellationToken cancellationToken)
        {
            while (true)
            {
                var now = Stopwatch.GetTimestamp();

                // Rounded up: a turn is never taken early, so the ceiling holds over any window.
                var milliseconds = (int)Math.Min(int.MaxValue, Math.Ceiling((slot - now) * 1000.0 / Stopwatch.Frequency));
                if (milliseconds > 0)
                {
                    await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
                }

                // Woken more than a turn (or 10 ms) late (a busy machine fires timers late, and then together): that turn is gone.
                // Taking it anyway would send every late waiter at once, the burst a provider's bucket refuses.
                now = Stopwatch.GetTimestamp();
                var rate = CurrentRate(now);
                if (double.IsPositiveInfinity(rate) || now - slot <= Math.Max((long)(Stopwatch.Frequency / rate), LateTolerance))
                {
                    return granted;
                }

                slot = Reserve(now, rate);
                if (slot <= now)
                {
                    return granted;
                }
            }
        }

        private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

        /// <summary>
        /// One attempt's slot and the epoch its turn was granted in. Disposing it gives the slot back: the attempt disposes
        /// it once its answer is read. The default value holds nothing.
        /// </summary>
        internal readonly struct Turn : IDisposable
        {
            private readonly AdaptivePacer? owner;

            internal Turn(AdaptivePacer owner, int epoch)
            {
                this.owner = owner;
                Epoch = epoch;
            }

            /// <summary>The number of cuts when the turn was granted, for <see cref="OnThrottled"/>.</summary>
            public int Epoch { get; }

            /// <inheritdoc />
            public void Dispose() => owner?.Leave();
        }

        private static string PerSecond(double rate) =>
            (rate >= 10 ? Math.Round(rate).ToString("0", CultureInfo.InvariantCulture) : rate.ToString("0.##", CultureInfo.InvariantCulture)) + "/s";
    }
}
