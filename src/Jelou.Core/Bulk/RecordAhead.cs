using System.Collections.Concurrent;
using Jelou.Journal;

namespace Jelou.Bulk
{
    /// <summary>
    /// Writes the journal's start records of the next queued rows before their turn, so their fsync runs while the rows
    /// ahead of them are on the wire instead of while they hold a slot.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without it, a row that took its turn first waited for the fsync of its start record: at 0 ms latency with 32
    /// slots the batch ran at about half the journal-off rate. Recorded ahead, a row as a rule finds its record durable
    /// when its turn comes, and the fsyncs can wait for company (<see cref="SendJournal.GroupTarget"/>): fewer, larger
    /// fsyncs cost less processor time per row.
    /// </para>
    /// <para>
    /// The rows recorded ahead are the next ones in input order and no more than the disk needs: the window grows by one
    /// each time a row's turn comes before its record is durable, and shrinks by one after a run of rows that all found
    /// theirs durable, within 1 and twice ThrottleLimit. Against an API slower than the disk's fsync (any real one) it
    /// stays at one or two rows. That bound is the price: a row recorded ahead that had not left when the process was
    /// killed (<c>kill -9</c>, a crash, a power cut) reads Unknown (possibly delivered) to the rerun, like the rows in
    /// flight. On any stop the engine still sees (Ctrl+C, SIGTERM, a terminating error, a batch-fatal error), such a row
    /// gets a NotAttempted outcome instead, and a rerun sends it. Which rows start, and when, is as without a journal:
    /// only their records are written earlier.
    /// </para>
    /// </remarks>
    internal sealed class RecordAhead
    {
        private readonly SendJournal journal;
        private readonly ConcurrentQueue<BulkItem> queued;
        private readonly Queue<BulkItem> recorded = new();
        private readonly int cap;
        private int window = 1;
        private int durableRun;

        public RecordAhead(SendJournal journal, ConcurrentQueue<BulkItem> queued, int throttleLimit)
        {
            this.journal = journal;
            this.queued = queued;
            cap = 2 * Math.Max(1, throttleLimit);
        }

        /// <summary>The rows recorded ahead now (tests).</summary>
        internal int Count
        {
            get
            {
                lock (recorded)
                {
                    return recorded.Count;
                }
            }
        }

        /// <summary>True when no row waits, recorded or not.</summary>
        public bool IsEmpty
        {
            get
            {
                lock (recorded)
                {
                    return recorded.Count == 0 && queued.IsEmpty;
                }
            }
        }

        /// <summary>Records queued rows ahead until the lookahead is full.</summary>
        public void TopUp()
        {
            lock (recorded)
            {
                Fill();
            }
        }

        /// <summary>
        /// The next row in input order: a row recorded ahead first, then an unrecorded one (whose sender records it
        /// itself); then records the following rows ahead.
        /// </summary>
        public bool TryTake(out BulkItem item)
        {
            lock (recorded)
            {
                if (recorded.Count > 0)
                {
                    item = recorded.Dequeue();
                    if (item.Recorded is null or { IsCompleted: true })
                    {
                        // Shrinks slowly: a run of twice the window without a wait, so a disk that is fast for a moment
                        // does not empty a lookahead the next slow fsync needs.
                        if (++durableRun >= 2 * window && window > 1)
                        {
                            window--;
                            durableRun = 0;
                            Retarget();
                        }
                    }
                    else
                    {
                        Grow();
                    }
                }
                else if (queued.TryDequeue(out var next))
                {
                    item = next;
                    Grow();
                }
                else
                {
                    item = null!;
                    return false;
                }

                Fill();
                return true;
            }
        }

        /// <summary>After a stop: takes every row recorded ahead, in input order; the rows still unrecorded stay queued.</summary>
        public List<BulkItem> TakeRecorded()
        {
            lock (recorded)
            {
                var all = recorded.ToList();
                recorded.Clear();
                return all;
            }
        }

        private void Grow()
        {
            durableRun = 0;
            if (window < cap)
            {
                window++;
                Retarget();
            }
        }

        /// <summary>
        /// Lets an fsync wait for half the window's rows: they are recorded ahead, so they can spare the wait, and one
        /// fsync for many rows costs less processor time than several for a few (about 15 µs a row at 0 ms latency).
        /// </summary>
        private void Retarget() => journal.GroupTarget = window / 2;

        private void Fill()
        {
            while (recorded.Count < window && queued.TryDequeue(out var item))
            {
                // The task fails, and the row is not sent, when the record cannot be written; its sender sees that.
                item.Recorded = item.JournalRow is { } row ? journal.StartedAsync(row) : null;
                recorded.Enqueue(item);
            }
        }
    }
}
