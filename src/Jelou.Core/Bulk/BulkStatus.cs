namespace Jelou.Bulk
{
    /// <summary>One progress update of a batch, in the shape of a PowerShell progress record.</summary>
    internal sealed class BulkStatus
    {
        public BulkStatus(string description, string? currentOperation, int percentComplete, int secondsRemaining)
        {
            Description = description;
            CurrentOperation = currentOperation;
            PercentComplete = percentComplete;
            SecondsRemaining = secondsRemaining;
        }

        /// <summary>Counts, sends in flight and rate, led by a pause and its reason while one holds the batch.</summary>
        public string Description { get; }

        /// <summary>A sentence on why and until when the batch waits; null when it does not.</summary>
        public string? CurrentOperation { get; }

        /// <summary>0 to 100, or -1 without a total count.</summary>
        public int PercentComplete { get; }

        /// <summary>Estimated seconds left, or -1 when unknown.</summary>
        public int SecondsRemaining { get; }
    }
}
