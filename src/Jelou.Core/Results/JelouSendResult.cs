namespace Jelou.Results
{
    /// <summary>
    /// One row's outcome. A stream of these is the send report: <c>Export-Csv</c> keeps it, <c>Sort-Object
    /// Row</c> restores input order, and <c>Where-Object Status -ne Sent</c> gives the rows to retry.
    /// </summary>
    public abstract class JelouSendResult
    {
        private protected JelouSendResult()
        {
        }

        /// <summary>
        /// The row's number in the input, from 1. Named as the table's header is, so <c>Sort-Object Row</c> and
        /// <c>Where-Object Row -eq 3</c> work with the name a user reads.
        /// </summary>
        public long Row { get; set; }

        /// <summary>The message type.</summary>
        public string? Type { get; set; }

        /// <summary>What happened.</summary>
        public SendStatus Status { get; set; }

        /// <summary>The server's message id.</summary>
        public string? MessageId { get; set; }

        /// <summary>The last HTTP status, when the server answered.</summary>
        public int? HttpStatus { get; set; }

        /// <summary>A stable id for the failure, such as JelouRateLimited; null when sent.</summary>
        public string? ErrorId { get; set; }

        /// <summary>Jelou's error code or key, when the server gave one.</summary>
        public string? ErrorCode { get; set; }

        /// <summary>What went wrong, in a sentence; null when sent.</summary>
        public string? Error { get; set; }

        /// <summary>True when a failed send may nevertheless have been delivered.</summary>
        public bool PossiblyDelivered { get; set; }

        /// <summary>
        /// True when this run did not send the row because its journal (-JournalPath) shows an earlier run did: Status
        /// Sent with that run's message id, or Unknown when that run started it and recorded no answer.
        /// </summary>
        public bool FromJournal { get; set; }

        /// <summary>Attempts made; 0 when nothing was sent.</summary>
        public int Attempts { get; set; }

        /// <summary>Time spent on this row, retries included.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>When the outcome was known.</summary>
        public DateTimeOffset Timestamp { get; set; }

        /// <summary>
        /// The input row as it came down the pipeline; null when the message was given by parameters. A resent result
        /// keeps the row of the first send.
        /// </summary>
        public object? InputObject { get; set; }
    }

    /// <summary>The outcome of one Send-JelouBotMessage row.</summary>
    public sealed class JelouBotMessageResult : JelouSendResult
    {
        /// <summary>The bot.</summary>
        public string? BotId { get; set; }

        /// <summary>The recipient.</summary>
        public string? UserId { get; set; }

        /// <summary>The text sent, so a text report can be piped straight back in.</summary>
        public string? Text { get; set; }

        /// <summary>The media URL sent.</summary>
        public string? MediaUrl { get; set; }

        /// <summary>The file name sent.</summary>
        public string? FileName { get; set; }

        /// <summary>
        /// Every field the message was made from, after script blocks ran: piping this result back into
        /// Send-JelouBotMessage sends exactly the same message again. Null when the row could not be read at all.
        /// </summary>
        public Messages.BotMessageFields? Content { get; set; }
    }

    /// <summary>The outcome of one Send-JelouRoomMessage request.</summary>
    public sealed class JelouRoomMessageResult : JelouSendResult
    {
        /// <summary>The room.</summary>
        public string? RoomId { get; set; }

        /// <summary>The sender.</summary>
        public string? SenderId { get; set; }

        /// <summary>How many messages the request carried.</summary>
        public int MessageCount { get; set; }

        /// <summary>The ids of the messages, in order.</summary>
        public IReadOnlyList<string>? MessageIds { get; set; }

        /// <summary>
        /// The messages as they were read, with the ids they were sent with: piping this result back into
        /// Send-JelouRoomMessage sends the same request again. Null when the row could not be read at all.
        /// </summary>
        public IReadOnlyList<Validation.RoomMessageFields>? Content { get; set; }
    }
}
