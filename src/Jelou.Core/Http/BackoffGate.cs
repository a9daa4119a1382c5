namespace Jelou.Http
{
    /// <summary>
    /// When the server says "too many requests", every request through the same client waits, not only the
    /// one that was told: a batch slows down as a whole instead of hammering the API with the rest.
    /// </summary>
    internal sealed class BackoffGate
    {
        private readonly object pausing = new();
        private long resumeAtTicks;
        private string? reason;

        /// <summary>Holds every request until <paramref name="wait"/> has passed; <paramref name="why"/> is shown while it waits.</summary>
        public void PauseFor(TimeSpan wait, string why)
        {
            var target = DateTimeOffset.UtcNow.Add(wait).UtcTicks;

            // Rare (a 429 or 503), so a lock keeps the time and its reason together for whoever reads the pause.
            lock (pausing)
            {
                if (Interlocked.Read(ref resumeAtTicks) >= target)
                {
                    return;
                }

                Volatile.Write(ref reason, why);
                Interlocked.Exchange(ref resumeAtTicks, target);
            }
        }

        /// <summary>True when no pause is in force: a request can go at once.</summary>
        public bool IsOpen => Interlocked.Read(ref resumeAtTicks) <= DateTimeOffset.UtcNow.UtcTicks;

        /// <summary>The pause in force now, or null: when requests resume and why they wait.</summary>
        public (DateTimeOffset ResumesAt, string Reason)? Current
        {
            get
            {
                lock (pausing)
                {
                    var ticks = Interlocked.Read(ref resumeAtTicks);
                    return ticks > DateTimeOffset.UtcNow.UtcTicks ? (new DateTimeOffset(ticks, TimeSpan.Zero), reason ?? "the API asked to wait") : null;
                }
            }
        }

        // No allocation on the hot path: only a request that must wait pays for the async loop.
        public Task WaitAsync(CancellationToken cancellationToken) =>
            IsOpen ? Task.CompletedTask : WaitLoopAsync(cancellationToken);

        private async Task WaitLoopAsync(CancellationToken cancellationToken)
        {
            // Looped: a longer pause set by another 429 while this one waits holds this request too.
            TimeSpan wait;
            while ((wait = new DateTimeOffset(Interlocked.Read(ref resumeAtTicks), TimeSpan.Zero) - DateTimeOffset.UtcNow) > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
