namespace Jelou.Http
{
    /// <summary>
    /// The words the transport's failure messages use for one kind of request: a send says whether the message may
    /// have been delivered; a read changes nothing, so its failures say nothing about delivery.
    /// </summary>
    internal sealed class FailureText
    {
        /// <summary>A request that sends a message: at most once, every failure says what happened to the message.</summary>
        public static FailureText Message { get; } = new()
        {
            MayHaveDelivered = " The message may have been delivered; check before sending it again.",
            EarlierAttemptMayHaveDelivered = " An earlier attempt may have delivered the message; check before sending it again.",
            NotDelivered = " The message was not delivered.",
            NotSent = " The message was not sent.",
            NothingSent = " Nothing was sent.",
            Stopped = "The send was stopped.",
            Budget = "the time allowed for one message with its retries and waits",
        };

        /// <summary>A read (GET): it changes nothing, so there is nothing to deliver or check.</summary>
        public static FailureText Read { get; } = new()
        {
            MayHaveDelivered = string.Empty,
            EarlierAttemptMayHaveDelivered = string.Empty,
            NotDelivered = string.Empty,
            NotSent = string.Empty,
            NothingSent = string.Empty,
            Stopped = "The request was stopped.",
            Budget = "the time allowed for one request with its retries and waits",
        };

        /// <summary>After a failure that may have reached the server.</summary>
        public string MayHaveDelivered { get; init; } = string.Empty;

        /// <summary>After a clear refusal that followed an attempt which may have reached the server.</summary>
        public string EarlierAttemptMayHaveDelivered { get; init; } = string.Empty;

        /// <summary>After a failure that certainly did not reach the server's processing.</summary>
        public string NotDelivered { get; init; } = string.Empty;

        /// <summary>After a failure to connect.</summary>
        public string NotSent { get; init; } = string.Empty;

        /// <summary>When no attempt was made at all.</summary>
        public string NothingSent { get; init; } = string.Empty;

        /// <summary>The first sentence when the caller stopped the request.</summary>
        public string Stopped { get; init; } = string.Empty;

        /// <summary>What the total time budget covers.</summary>
        public string Budget { get; init; } = string.Empty;
    }
}
