using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Jelou.FakeApi;

/// <summary>
/// GET /v1/external/bots/{botId}/notifications (jelou-api.md §5.3): the delivery status of every template the fake's HSM
/// endpoint accepted for that bot, read from the ledger (one <c>hsm</c> entry per destination, with the request body that
/// names its elementName and campaignId). The status of message <c>msg_N</c> is entry N's place in a fixed cycle,
/// <see cref="FakeJelouOptions.NotificationStatuses"/> (by default <see cref="DefaultStatuses"/>: a mix with 2 FAILED in
/// 10), so it is the same on every call and a test can compute what to expect. Filters: <c>messageId</c>,
/// <c>campaignId</c>, <c>elementName</c> (exact), <c>from</c>/<c>to</c> (ISO 8601, inclusive, on createdAt); paged by
/// <c>page</c> and <c>limit</c> (1 to 50, 10 when absent) in the campaigns listing's shape.
/// </summary>
internal static class FakeNotifications
{
    internal const string Endpoint = "notifications";
    private const string Prefix = "/v1/external/bots/";
    private const string Suffix = "/notifications";

    /// <summary>The statuses cycled through by default: 4 read or replied, 3 delivered, 1 created, 2 failed.</summary>
    public static IReadOnlyList<string> DefaultStatuses { get; } =
        ["READ", "DELIVERED_USER", "READ", "FAILED", "REPLY", "DELIVERED_CHANNEL", "READ", "CREATED", "DELIVERED_USER", "FAILED"];

    // The funnel's order, for updatedAt: a status further along took longer to reach.
    private static readonly string[] Funnel = ["CREATED", "DELIVERED_CHANNEL", "DELIVERED_USER", "READ", "REPLY", "FAILED"];

    /// <summary>The bot id of <c>/v1/external/bots/{botId}/notifications</c>, or null for any other path.</summary>
    public static string? BotId(string path)
    {
        if (path.Length <= Prefix.Length + Suffix.Length || !path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        string id = path.Substring(Prefix.Length, path.Length - Prefix.Length - Suffix.Length);
        return id.Contains('/', StringComparison.Ordinal) ? null : id;
    }

    /// <summary>The status the fake gives ledger entry <paramref name="sequence"/> (from 1).</summary>
    public static string StatusOf(long sequence, IReadOnlyList<string>? statuses)
    {
        IReadOnlyList<string> cycle = statuses is { Count: > 0 } ? statuses : DefaultStatuses;
        return cycle[(int)((sequence - 1) % cycle.Count)];
    }

    /// <summary>One page of the listing, or a 422 for a bad page, limit or time.</summary>
    public static (int Status, byte[] Body) Listing(HttpRequest request, string botId, FakeLedger ledger, IReadOnlyList<string>? statuses)
    {
        if (FakePaging.Read(request, out int page, out int limit) is { } refused)
        {
            return refused;
        }

        if (!TryTime(request, "from", out DateTimeOffset? from) || !TryTime(request, "to", out DateTimeOffset? to))
        {
            return (StatusCodes.Status422UnprocessableEntity, JsonBodies.G4Error("E0422", "VALIDATOR_ERROR", "from and to must be ISO 8601 dates", "from y to deben ser fechas ISO 8601"));
        }

        string messageId = request.Query["messageId"].ToString();
        string campaignId = request.Query["campaignId"].ToString();
        string elementName = request.Query["elementName"].ToString();
        List<Sent> matched = ledger.Entries
            .Where(e => e.Endpoint == FakeHsm.Endpoint && e.BotId == botId)
            .Select(Read)
            .Where(s => messageId.Length == 0 || s.Entry.MessageId == messageId)
            .Where(s => campaignId.Length == 0 || s.CampaignId == campaignId)
            .Where(s => elementName.Length == 0 || s.ElementName == elementName)
            .Where(s => (from is null || s.Entry.ReceivedAt >= from) && (to is null || s.Entry.ReceivedAt <= to))
            .ToList();

        int offset = (int)Math.Min((long)(page - 1) * limit, matched.Count);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("pagination");
            writer.WriteNumber("limit", limit);
            writer.WriteNumber("page", page);
            writer.WriteNumber("total", matched.Count);
            writer.WriteNumber("offset", (long)(page - 1) * limit);
            writer.WriteNumber("totalPages", (matched.Count + limit - 1) / limit);
            writer.WriteEndObject();
            writer.WriteStartObject("_metadata");
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            for (int i = offset; i < Math.Min(offset + limit, matched.Count); i++)
            {
                Write(writer, matched[i], StatusOf(matched[i].Entry.Sequence, statuses));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return (StatusCodes.Status200OK, stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, Sent sent, string status)
    {
        FakeLedgerEntry entry = sent.Entry;
        writer.WriteStartObject();
        writer.WriteString("_id", "ntf_" + entry.Sequence.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("messageId", entry.MessageId);
        writer.WriteString("botId", entry.BotId);
        writer.WriteString("destination", entry.UserId);
        writer.WriteString("elementName", sent.ElementName);
        if (sent.CampaignId is { } campaign)
        {
            writer.WriteString("campaignId", campaign);
        }

        writer.WriteString("sentStatus", status);
        writer.WriteBoolean("read", status is "READ" or "REPLY");

        // Fields the client does not model, as a real answer has: they must be kept, never an error.
        writer.WriteString("channel", "WHATSAPP");
        if (status == "FAILED")
        {
            writer.WriteStartObject("error");
            writer.WriteNumber("code", 131026);
            writer.WriteString("message", "Message undeliverable");
            writer.WriteEndObject();
        }

        writer.WriteString("createdAt", Iso(entry.ReceivedAt));
        writer.WriteString("updatedAt", Iso(entry.ReceivedAt.AddSeconds(1 + Array.IndexOf(Funnel, status))));
        writer.WriteEndObject();
    }

    private static Sent Read(FakeLedgerEntry entry)
    {
        string? elementName = null;
        string? campaignId = null;
        try
        {
            using JsonDocument body = JsonDocument.Parse(entry.Body);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                elementName = StringOrNull(body.RootElement, "elementName");
                campaignId = StringOrNull(body.RootElement, "campaignId");
            }
        }
        catch (JsonException)
        {
            // The HSM endpoint accepts only JSON bodies; an entry without one simply has no name.
        }

        return new Sent(entry, elementName, campaignId);
    }

    private static string? StringOrNull(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool TryTime(HttpRequest request, string name, out DateTimeOffset? value)
    {
        value = null;
        StringValues text = request.Query[name];
        if (text.Count == 0 || text.ToString().Length == 0)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }


    private sealed record Sent(FakeLedgerEntry Entry, string? ElementName, string? CampaignId);
}
