using System.Text.Json;
using Jelou.Http;

namespace Jelou.Notifications
{
    /// <summary>
    /// Reads an item of GET /v1/external/bots/{botId}/notifications. The OpenAPI document only says "object", so it is
    /// read defensively (issue 15); <see cref="ListingEnvelope"/> finds the items and the pagination. An item's fields
    /// may be missing or of another JSON type than expected; nothing in an item is an error, and everything stays in
    /// <see cref="JelouMessageStatus.Raw"/>.
    /// </summary>
    internal static class NotificationListParser
    {
        /// <summary>One item; null for one that is not an object (there is nothing to read from it).</summary>
        public static JelouMessageStatus? ReadItem(JsonElement item)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // "status" only when it holds a documented sentStatus: in other answers it is the record's own state.
            var status = Upper(Text(item, "sentStatus")) ?? (Upper(Text(item, "status")) is { } other && MessageStatuses.All.Contains(other) ? other : null);
            return new JelouMessageStatus(item.Clone())
            {
                BotId = Text(item, "botId"),
                MessageId = Text(item, "messageId") ?? Text(item, "id"),
                UserId = Text(item, "destination") ?? Text(item, "userId"),
                TemplateName = Text(item, "elementName") ?? Text(item, "templateName"),
                CampaignId = Text(item, "campaignId"),
                Status = status,
                Read = Flag(item, "read") ?? (status is MessageStatuses.Read or MessageStatuses.Reply ? true : null),
                CreatedAt = JsonFields.Time(item, "createdAt"),
                UpdatedAt = JsonFields.Time(item, "updatedAt"),
            };
        }

        // Ids and names are compared with what the user typed: blank is none, and the spaces around are not part of it.
        private static string? Text(JsonElement obj, string name) =>
            JsonFields.Text(obj, name) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

        private static bool? Flag(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number when value.TryGetInt64(out var n):
                    return n != 0;
                case JsonValueKind.String when bool.TryParse(value.GetString(), out var b):
                    return b;
                default:
                    return null;
            }
        }

        private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim().ToUpperInvariant();
    }
}
