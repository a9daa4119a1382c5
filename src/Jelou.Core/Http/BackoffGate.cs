namespace Jelou.Http
{
    /// <summary>
    /// When the server says "too many requests", every request through the same client waits, not only the
    /// one that was told: a batch slows down as a whole instead of hammering the API with the rest.
    /// </summary>
    internal sealed class BackoffGate
    {
        private long resumeAtTicks;

        public void PauseFor(TimeSpan wait)
        {
            var target = DateTimeOffset.UtcNow.Add(wait).UtcTicks;
            long current;
            do
            {
                current = Interlocked.Read(ref resumeAtTicks);
                if (current >= target)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref resumeAtTicks, target, current) != current);
        }

        /// <summary>True when no pause is in force: a request can go at once.</summary>
        public bool IsOpen => Interlocked.Read(ref resumeAtTicks) <= DateTimeOffset.UtcNow.UtcTicks;

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
