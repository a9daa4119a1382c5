using System.Text.Json;

namespace Jelou.FakeApi;

/// <summary>
/// POST /v2/whatsapp/{botId}/hsm (jelou-api.md §5.1): the array answer <c>[{"id","destination"}]</c>, one entry and one ledger
/// entry per destination, and the older HSM error <c>{"message":[...],"status":"failed","_metadata":{"error":{},"body":{...}}}</c>
/// (answered 400) for a template it does not know, one not approved, or a body with the wrong number of values.
/// </summary>
/// <remarks>
/// The templates are the ones GET /v1/bots/{botId}/templates lists (<see cref="FakeTemplateCatalogue"/>), so what the
/// pre-flight reads and what a send is refused for always agree.
/// </remarks>
internal static class FakeHsm
{
    internal const string Endpoint = "hsm";
    private const string Prefix = "/v2/whatsapp/";
    private const string Suffix = "/hsm";

    /// <summary>The bot id of <c>/v2/whatsapp/{botId}/hsm</c>, or null for any other path.</summary>
    public static string? BotId(string path)
    {
        if (path.Length <= Prefix.Length + Suffix.Length || !path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        string id = path.Substring(Prefix.Length, path.Length - Prefix.Length - Suffix.Length);
        return id.Contains('/', StringComparison.Ordinal) ? null : id;
    }

    /// <summary>The shape checks (422): a string elementName and a non-empty array of string destinations.</summary>
    public static List<ValidationIssue>? Validate(JsonElement root)
    {
        List<ValidationIssue>? issues = null;
        if (!root.TryGetProperty("elementName", out JsonElement name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
        {
            (issues ??= []).Add(new ValidationIssue("elementName", "elementName is required", "elementName es obligatorio"));
        }

        if (!root.TryGetProperty("destinations", out JsonElement destinations) || destinations.ValueKind != JsonValueKind.Array || destinations.GetArrayLength() == 0
            || destinations.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(d.GetString())))
        {
            (issues ??= []).Add(new ValidationIssue("destinations", "destinations must be a non-empty array of phone numbers", "destinations debe ser un arreglo no vacío de números"));
        }

        if (root.TryGetProperty("parameters", out JsonElement parameters) && parameters.ValueKind != JsonValueKind.Array)
        {
            (issues ??= []).Add(new ValidationIssue("parameters", "parameters must be an array", "parameters debe ser un arreglo"));
        }

        return issues;
    }

    /// <summary>The first destination, for the ledger and the rules (which match on userId).</summary>
    public static string? FirstDestination(JsonElement root) =>
        root.TryGetProperty("destinations", out JsonElement d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0 && d[0].ValueKind == JsonValueKind.String
            ? d[0].GetString()
            : null;

    /// <summary>Every destination of a body that passed <see cref="Validate"/>.</summary>
    public static IReadOnlyList<string> Destinations(JsonElement root) => root.GetProperty("destinations").EnumerateArray().Select(d => d.GetString()!).ToArray();

    /// <summary>
    /// The older HSM error for a template that cannot be sent as asked, judged against the catalogue; null when it can.
    /// The template is found by elementName and, when the body gives one, language (es_EC and es-EC alike).
    /// </summary>
    public static byte[]? Refusal(JsonElement root, IReadOnlyList<FakeTemplate> catalogue)
    {
        string name = root.GetProperty("elementName").GetString()!;
        string? language = root.TryGetProperty("language", out JsonElement l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        List<FakeTemplate> named = catalogue.Where(t => t.Name == name && (string.IsNullOrEmpty(language) || t.SpeaksLanguage(language))).ToList();
        if (named.Count == 0)
        {
            return OlderError("Template does not exist", root);
        }

        FakeTemplate? template = named.FirstOrDefault(t => t.Status.Equals("APPROVED", StringComparison.OrdinalIgnoreCase));
        if (template is null)
        {
            return OlderError("Template does not exist or is not approved", root);
        }

        int given = root.TryGetProperty("parameters", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Array ? parameters.GetArrayLength() : 0;
        if (given != template.PlaceholderCount)
        {
            return OlderError($"The number of parameters ({given}) does not match the template ({template.PlaceholderCount})", root);
        }

        bool hasMedia = root.TryGetProperty("mediaUrl", out JsonElement media) && media.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(media.GetString());
        return template.HeaderType is "IMAGE" or "DOCUMENT" or "VIDEO" && !hasMedia
            ? OlderError($"mediaUrl is required for a template with a {template.HeaderType.ToLowerInvariant()} header", root)
            : null;
    }

    /// <summary>The answer: one <c>{"id","destination"}</c> per destination, in order.</summary>
    public static byte[] Answer(IReadOnlyList<(string Destination, string Id)> sent)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach ((string destination, string id) in sent)
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                writer.WriteString("destination", destination);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return stream.ToArray();
    }

    // As the GitBook page shows it: the request echoed under _metadata.body.
    private static byte[] OlderError(string message, JsonElement request)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("message");
            writer.WriteStringValue(message);
            writer.WriteEndArray();
            writer.WriteString("status", "failed");
            writer.WriteStartObject("_metadata");
            writer.WriteStartObject("error");
            writer.WriteEndObject();
            writer.WritePropertyName("body");
            request.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
