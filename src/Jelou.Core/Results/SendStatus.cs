namespace Jelou.Results
{
    /// <summary>What became of one input row.</summary>
    public enum SendStatus
    {
        /// <summary>The server acknowledged the message.</summary>
        Sent,

        /// <summary>The server refused it, or it could not be sent; it was not delivered.</summary>
        Failed,

        /// <summary>The row broke a rule and was never sent.</summary>
        Skipped,

        /// <summary>-WhatIf: the row is valid and would have been sent.</summary>
        WhatIf,

        /// <summary>
        /// The request may have reached the server but no answer came (timeout, connection lost, 500/502/504, or
        /// the command was stopped mid-request): the message may have been delivered. Check before resending.
        /// </summary>
        Unknown,

        /// <summary>The batch stopped (Ctrl+C or an account-level error) before this row was sent.</summary>
        NotAttempted,
    }
}
