using System.Globalization;
using System.Text.Json;
using Jelou.Http;

namespace Jelou.Campaigns
{
    /// <summary>
    /// One bulk campaign as GET /v1/campaigns lists it (jelou-api.md §5.3). The item's shape is only partly documented,
    /// so every field may be missing; the fields not modelled here are in <see cref="AdditionalProperties"/>, and
    /// <see cref="Raw"/> keeps the item as the API sent it.
    /// </summary>
    public sealed class JelouCampaign
    {
        private static readonly HashSet<string> Modelled = new(StringComparer.Ordinal)
        {
            "_id", "id", "name", "campaignName", "status", "elementName", "templateName", "template", "rowCount", "rows",
            "scheduledAt", "createdAt", "updatedAt", "botId", "fileName",
        };

        internal JelouCampaign(JsonElement raw) => Raw = raw;

        /// <summary>The campaign's id (<c>_id</c>, or <c>id</c>).</summary>
        public string? Id { get; private set; }

        /// <summary>The campaign's name, as Start-JelouCampaign -CampaignName gave it.</summary>
        public string? Name { get; private set; }

        /// <summary>PENDING, SCHEDULED, IN_PROGRESS or COMPLETED, as the API gives it.</summary>
        public string? Status { get; private set; }

        /// <summary>The template sent (elementName), when the item says.</summary>
        public string? TemplateName { get; private set; }

        /// <summary>How many rows (recipients) the campaign's file has.</summary>
        public long? RowCount { get; private set; }

        /// <summary>When the campaign is to be sent, for a scheduled one (UTC).</summary>
        public DateTimeOffset? ScheduledAt { get; private set; }

        /// <summary>When the campaign was created (UTC).</summary>
        public DateTimeOffset? CreatedAt { get; private set; }

        /// <summary>When the campaign last changed (UTC).</summary>
        public DateTimeOffset? UpdatedAt { get; private set; }

        /// <summary>The bot that sends it.</summary>
        public string? BotId { get; private set; }

        /// <summary>The uploaded file's name.</summary>
        public string? FileName { get; private set; }

        /// <summary>True when <see cref="Status"/> is COMPLETED.</summary>
        public bool IsCompleted => string.Equals(Status, "COMPLETED", StringComparison.OrdinalIgnoreCase);

        /// <summary>The item's fields that are not modelled above (storageUrl, metadata, sendBy, company, ...), as sent.</summary>
        public IReadOnlyDictionary<string, JsonElement> AdditionalProperties { get; private set; } = new Dictionary<string, JsonElement>();

        /// <summary>The item as the API sent it.</summary>
        public JsonElement Raw { get; }

        /// <inheritdoc />
        public override string ToString() => (Name ?? Id ?? "campaign") + (Status is null ? string.Empty : " (" + Status + ")");

        /// <summary>One item of the listing; null for one that is not an object (it says nothing about a campaign).</summary>
        internal static JelouCampaign? Read(JsonElement item)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var raw = item.Clone();
            var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in raw.EnumerateObject())
            {
                if (!Modelled.Contains(property.Name))
                {
                    extra[property.Name] = property.Value;
                }
            }

            return new JelouCampaign(raw)
            {
                Id = JsonFields.Text(raw, "_id") ?? JsonFields.Text(raw, "id"),
                Name = JsonFields.Text(raw, "name") ?? JsonFields.Text(raw, "campaignName"),
                Status = JsonFields.Text(raw, "status")?.Trim().ToUpperInvariant(),
                TemplateName = JsonFields.Text(raw, "elementName") ?? JsonFields.Text(raw, "templateName") ?? JsonFields.Text(raw, "template")
                    ?? JsonFields.Text(raw, "template", "elementName") ?? JsonFields.Text(raw, "template", "name") ?? JsonFields.Text(raw, "metadata", "elementName"),
                RowCount = JsonFields.Integer(raw, "rowCount", NumberStyles.Integer) ?? JsonFields.Integer(raw, "rows", NumberStyles.Integer),
                ScheduledAt = JsonFields.Time(raw, "scheduledAt"),
                CreatedAt = JsonFields.Time(raw, "createdAt"),
                UpdatedAt = JsonFields.Time(raw, "updatedAt"),
                BotId = JsonFields.Text(raw, "botId"),
                FileName = JsonFields.Text(raw, "fileName"),
                AdditionalProperties = extra,
            };
        }
    }
}
