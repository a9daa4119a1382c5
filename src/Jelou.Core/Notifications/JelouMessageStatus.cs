using System.Text.Json;

namespace Jelou.Notifications
{
    /// <summary>
    /// The delivery status of one sent template (HSM), as GET /v1/external/bots/{botId}/notifications lists it. The
    /// item's shape is only partly documented, so every field may be missing; <see cref="Raw"/> keeps the item as the
    /// API sent it for anything not modelled here. A lookup by message id also carries what it was looked up for
    /// (<see cref="Position"/>, <see cref="Row"/>, <see cref="InputObject"/>), so it joins back to a send report.
    /// </summary>
    public sealed class JelouMessageStatus
    {
        internal JelouMessageStatus(JsonElement raw) => Raw = raw;

        /// <summary>
        /// For a lookup, the place of the input among the objects piped in (or the -MessageId values given), from 1:
        /// <c>Sort-Object Position</c> restores the input's order. Null for a listing.
        /// </summary>
        public long? Position { get; internal set; }

        /// <summary>The input's own Row (a Send-JelouTemplate report's row number), when it has one: the key to join on.</summary>
        public long? Row { get; internal set; }

        /// <summary>The bot the message was sent through.</summary>
        public string? BotId { get; internal set; }

        /// <summary>The message id Send-JelouTemplate reported (the item's <c>messageId</c>, or its <c>id</c>).</summary>
        public string? MessageId { get; internal set; }

        /// <summary>The recipient (the item's <c>destination</c>).</summary>
        public string? UserId { get; internal set; }

        /// <summary>The template's name (the item's <c>elementName</c>).</summary>
        public string? TemplateName { get; internal set; }

        /// <summary>The campaign the message belongs to, when it was sent with one.</summary>
        public string? CampaignId { get; internal set; }

        /// <summary>
        /// The item's <c>sentStatus</c> in upper case: CREATED, DELIVERED_CHANNEL, DELIVERED_USER, READ, REPLY or FAILED
        /// (another value the API may add is kept as given). Null when the item has none.
        /// </summary>
        public string? Status { get; internal set; }

        /// <summary>The item's <c>read</c> flag; when the item has none, true for READ and REPLY, else null.</summary>
        public bool? Read { get; internal set; }

        /// <summary>When the notification was created (the item's <c>createdAt</c>).</summary>
        public DateTimeOffset? CreatedAt { get; internal set; }

        /// <summary>When its status last changed (the item's <c>updatedAt</c>).</summary>
        public DateTimeOffset? UpdatedAt { get; internal set; }

        /// <summary>For a lookup, the object it was looked up for (a report row), so a FAILED one can be resent from it.</summary>
        public object? InputObject { get; internal set; }

        /// <summary>The item as the API sent it, unknown fields included.</summary>
        public JsonElement Raw { get; }

        /// <inheritdoc />
        public override string ToString() => (MessageId ?? "?") + ": " + (Status ?? "?");
    }

    /// <summary>The <c>sentStatus</c> values the API documents, in the order a message goes through them (FAILED last).</summary>
    internal static class MessageStatuses
    {
        /// <summary>Accepted by Jelou, not yet handed to WhatsApp.</summary>
        public const string Created = "CREATED";

        /// <summary>Handed to WhatsApp.</summary>
        public const string DeliveredChannel = "DELIVERED_CHANNEL";

        /// <summary>Delivered to the recipient's phone.</summary>
        public const string DeliveredUser = "DELIVERED_USER";

        /// <summary>Read by the recipient.</summary>
        public const string Read = "READ";

        /// <summary>The recipient answered.</summary>
        public const string Reply = "REPLY";

        /// <summary>Not delivered.</summary>
        public const string Failed = "FAILED";

        /// <summary>Every documented value, in funnel order.</summary>
        public static IReadOnlyList<string> All { get; } = new[] { Created, DeliveredChannel, DeliveredUser, Read, Reply, Failed };
    }
}
