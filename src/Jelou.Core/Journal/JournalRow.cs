using Jelou.Results;

namespace Jelou.Journal
{
    /// <summary>A row as the journal records it when its request is about to leave.</summary>
    public sealed class JournalRow
    {
        /// <summary>Creates a row record.</summary>
        /// <param name="key">Which message it is.</param>
        /// <param name="row">Its position in this run's input, from 1.</param>
        /// <param name="target">Who receives it, for a person reading the journal (such as <c>593987654321 via bot b1</c>).</param>
        /// <param name="ids">Message ids the client chose (room messages), so a report from the journal names them.</param>
        public JournalRow(RowKey key, long row, string target, IReadOnlyList<string>? ids = null)
        {
            Key = key;
            Row = row;
            Target = target ?? string.Empty;
            Ids = ids;
        }

        /// <summary>Which message it is.</summary>
        public RowKey Key { get; }

        /// <summary>Its position in the input.</summary>
        public long Row { get; }

        /// <summary>Who receives it.</summary>
        public string Target { get; }

        /// <summary>Client-chosen message ids, or null.</summary>
        public IReadOnlyList<string>? Ids { get; }

        /// <summary>The number of its start record in this run's journal (1 = the first record after the header); 0 before.</summary>
        internal long Record { get; set; }

        /// <summary>The group of start records whose fsync this row's start waits for, or waited for last.</summary>
        internal object? Group { get; set; }
    }

    /// <summary>What an earlier run recorded about a message.</summary>
    public sealed class JournalEntry
    {
        internal JournalEntry(RowKey key, long row, string? target, IReadOnlyList<string>? ids, DateTimeOffset at)
        {
            Key = key;
            Row = row;
            Target = target;
            Ids = ids;
            At = at;
        }

        /// <summary>Which message.</summary>
        public RowKey Key { get; }

        /// <summary>Its position in the run that recorded it last.</summary>
        public long Row { get; internal set; }

        /// <summary>Who received it.</summary>
        public string? Target { get; internal set; }

        /// <summary>Client-chosen message ids, when the record has them.</summary>
        public IReadOnlyList<string>? Ids { get; internal set; }

        /// <summary>
        /// The outcome recorded; null when the request was started and no outcome was recorded (the run was killed with
        /// the request in flight), which means it may have been delivered.
        /// </summary>
        public SendStatus? Status { get; internal set; }

        /// <summary>The server's message id.</summary>
        public string? MessageId { get; internal set; }

        /// <summary>The last HTTP status.</summary>
        public int? HttpStatus { get; internal set; }

        /// <summary>The error id of a failure.</summary>
        public string? ErrorId { get; internal set; }

        /// <summary>When the last record about it was written.</summary>
        public DateTimeOffset At { get; internal set; }

        /// <summary>True when the message may have reached the recipient: no outcome, or an Unknown one.</summary>
        public bool PossiblyDelivered => Status is null or SendStatus.Unknown;
    }
}
