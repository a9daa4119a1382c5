using Jelou.Http;
using Jelou.Results;

namespace Jelou.Bulk
{
    /// <summary>One row on its way: the result to fill in and how to send it.</summary>
    public sealed class BulkItem
    {
        /// <summary>Creates an item.</summary>
        public BulkItem(JelouSendResult result, Func<JelouClient, SendRequestOptions, CancellationToken, Task<SendOutcome>> send)
        {
            Result = result ?? throw new ArgumentNullException(nameof(result));
            Send = send ?? throw new ArgumentNullException(nameof(send));
        }

        /// <summary>The result this row will report.</summary>
        public JelouSendResult Result { get; }

        /// <summary>Sends the row.</summary>
        public Func<JelouClient, SendRequestOptions, CancellationToken, Task<SendOutcome>> Send { get; }

        /// <summary>What <see cref="BulkOptions.Journal"/> records about the row; null sends it unrecorded.</summary>
        public Journal.JournalRow? JournalRow { get; init; }

        /// <summary>The journal's start record, once written ahead of the row's turn (<see cref="RecordAhead"/>); null before.</summary>
        internal Task? Recorded { get; set; }
    }

    /// <summary>A finished row: its result and, when it failed, the exception for the ErrorRecord.</summary>
    public sealed class BulkCompletion
    {
        internal BulkCompletion(JelouSendResult result, Exception? error)
        {
            Result = result;
            Error = error;
        }

        /// <summary>The row's result.</summary>
        public JelouSendResult Result { get; }

        /// <summary>Why it failed; null when sent or WhatIf.</summary>
        public Exception? Error { get; }
    }
}
