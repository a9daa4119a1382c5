using System.Globalization;
using System.Text.Json;

namespace Jelou.Notifications
{
    /// <summary>
    /// Reads an answer of GET /v1/external/bots/{botId}/notifications. The OpenAPI document only says "object", so it is
    /// read defensively (issue 15): the items in <c>results</c> or <c>data</c> (also inside a <c>data</c> object, the G4
    /// success envelope) or a top-level array; <c>pagination{page, totalPages, total}</c> beside them, and an answer
    /// without it is the whole listing. An item's fields may be missing or of another JSON type than expected; nothing
    /// in an item is an error, and everything stays in <see cref="JelouMessageStatus.Raw"/>.
    /// </summary>
    internal static class NotificationListParser
    {
        /// <summary>One answer read: its items and, when it carried <c>pagination</c>, where it is in the listing.</summary>
        internal readonly struct Listing
        {
            public Listing(IReadOnlyList<JelouMessageStatus> items, bool paged, int page, int? totalPages, long? total)
            {
                Items = items;
                Paged = paged;
                Page = page;
                TotalPages = totalPages;
                Total = total;
            }

            public IReadOnlyList<JelouMessageStatus> Items { get; }

            /// <summary>False when the answer had no <c>pagination</c>: it is the whole listing.</summary>
            public bool Paged { get; }

            public int Page { get; }

            public int? TotalPages { get; }

            public long? Total { get; }
        }

        /// <summary>Reads one answer; false when it is not JSON or has no list where one is looked for.</summary>
        public static bool TryParse(byte[]? body, out Listing listing)
        {
            listing = default;
            if (body is not { Length: > 0 })
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (!TryFindItems(root, out var items, out var envelope))
                {
                    return false;
                }

                var statuses = new List<JelouMessageStatus>(items.GetArrayLength());
                foreach (var item in items.EnumerateArray())
                {
                    if (ReadItem(item) is { } status)
                    {
                        statuses.Add(status);
                    }
                }

                if (envelope is { } outer && Pagination(outer) is { } pagination)
                {
                    var page = Count(pagination, "page") is { } n && n > 0 ? (int)n : 1;
                    var totalPages = Count(pagination, "totalPages") is { } p ? (int?)(int)Math.Min(p, int.MaxValue) : null;
                    listing = new Listing(statuses, true, page, totalPages, Count(pagination, "total"));
                }
                else
                {
                    listing = new Listing(statuses, false, 1, 1, statuses.Count);
                }

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

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
                CreatedAt = Time(item, "createdAt"),
                UpdatedAt = Time(item, "updatedAt"),
            };
        }

        /// <summary>
        /// A point in time as the API reads it in <c>from</c> and <c>to</c>: ISO 8601 in UTC with milliseconds. A
        /// <see cref="DateTimeOffset"/> has its offset, so there is no local-or-UTC guess here; the cmdlet makes a
        /// [datetime] of unspecified kind local, as PowerShell does.
        /// </summary>
        public static string FormatTime(DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        private static bool TryFindItems(JsonElement root, out JsonElement items, out JsonElement? envelope)
        {
            envelope = null;
            items = default;
            if (root.ValueKind == JsonValueKind.Array)
            {
                items = root;
                return true;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if ((ArrayOf(root, "results") ?? ArrayOf(root, "data")) is { } found)
            {
                items = found;
                envelope = root;
                return true;
            }

            // {statusMessage, status, data: {pagination, results[]}}: the G4 success envelope around a listing.
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && ArrayOf(data, "results") is { } inner)
            {
                items = inner;
                envelope = Pagination(data) is null ? root : data;
                return true;
            }

            return false;
        }

        private static JsonElement? Pagination(JsonElement obj) =>
            obj.TryGetProperty("pagination", out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

        private static JsonElement? ArrayOf(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

        // An id or name may come as a number (a numeric campaign id); either way it is compared and shown as text.
        private static string? Text(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
            return string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
        }

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

        // ISO 8601 text, or a number of milliseconds (or seconds, for a number too small to be milliseconds) since 1970.
        private static DateTimeOffset? Time(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return parsed;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0)
            {
                try
                {
                    return number >= 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number);
                }
                catch (ArgumentOutOfRangeException)
                {
                    return null;
                }
            }

            return null;
        }

        private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim().ToUpperInvariant();

        private static long? Count(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0 ? n : null;
    }
}
