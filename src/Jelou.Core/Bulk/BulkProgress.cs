using System.Diagnostics;

namespace Jelou.Bulk
{
    /// <summary>Running totals of a batch, for Write-Progress and the closing summary.</summary>
    public sealed class BulkProgress
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan sendingSince = TimeSpan.MinValue;

        /// <summary>Rows handed to the engine.</summary>
        public long Submitted { get; internal set; }

        /// <summary>Rows acknowledged by the server.</summary>
        public long Sent { get; internal set; }

        /// <summary>Rows not sent again because the journal shows an earlier run sent them.</summary>
        public long AlreadySent { get; internal set; }

        /// <summary>Rows that failed.</summary>
        public long Failed { get; internal set; }

        /// <summary>Rows skipped as invalid.</summary>
        public long Skipped { get; internal set; }

        /// <summary>Rows whose fate is unknown.</summary>
        public long Unknown { get; internal set; }

        /// <summary>Rows not attempted after a stop.</summary>
        public long NotAttempted { get; internal set; }

        /// <summary>Rows validated under -WhatIf.</summary>
        public long WhatIf { get; internal set; }

        /// <summary>Rows with a result.</summary>
        public long Completed => Sent + AlreadySent + Failed + Skipped + Unknown + NotAttempted + WhatIf;

        /// <summary>Time since the batch began.</summary>
        public TimeSpan Elapsed => clock.Elapsed;

        /// <summary>
        /// Rows the server answered (or that failed on the way) per second, since the first row went out; 0 until one has.
        /// Rows that never go to the server (Skipped, WhatIf) take no time and are left out: counting an instant skip
        /// against a clock that has barely started reported rates in the thousands while the first sends were still out.
        /// </summary>
        public double RatePerSecond
        {
            get
            {
                var sent = Sent + Failed + Unknown;
                if (sent == 0 || sendingSince == TimeSpan.MinValue)
                {
                    return 0;
                }

                var seconds = (clock.Elapsed - sendingSince).TotalSeconds;
                return seconds > 0 ? sent / seconds : 0;
            }
        }

        /// <summary>The first row is on its way: the rate is measured from now. Pipeline thread only.</summary>
        internal void MarkSending()
        {
            if (sendingSince == TimeSpan.MinValue)
            {
                sendingSince = clock.Elapsed;
            }
        }

        /// <summary>One line such as "120 sent, 2 failed, 1 skipped".</summary>
        public override string ToString()
        {
            var parts = new List<string> { Sent + " sent" };
            if (AlreadySent > 0)
            {
                parts.Add(AlreadySent + " already sent (journal)");
            }

            parts.Add(Failed + " failed");
            parts.Add(Skipped + " skipped");
            if (Unknown > 0)
            {
                parts.Add(Unknown + " unknown (may have been delivered)");
            }

            if (NotAttempted > 0)
            {
                parts.Add(NotAttempted + " not attempted");
            }

            if (WhatIf > 0)
            {
                parts.Add(WhatIf + " checked (WhatIf)");
            }

            return string.Join(", ", parts);
        }
    }
}
