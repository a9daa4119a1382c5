using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Jelou.FakeApi;

/// <summary>
/// Bulk campaigns (jelou-api.md §5.2, §5.3): POST /v1/hsm/file, multipart/form-data with the CSV or JSON with its
/// <c>fileUrl</c>, answered <c>{"message":[...],"status":"success"}</c>, every upload recorded (<see cref="Uploads"/>,
/// <c>GET /_fake/campaigns</c>) so a test can read back the CSV and fields; and GET /v1/campaigns, which lists the
/// accepted campaigns (newest first) and then the synthetic ones of <see cref="FakeJelouOptions.CampaignCount"/>.
/// </summary>
/// <remarks>
/// An accepted campaign is PENDING for <see cref="StepMs"/>, then IN_PROGRESS for as long, then COMPLETED; a scheduled
/// one is SCHEDULED until its time and then moves the same way. Refusals: 422 for a missing field or a <c>params</c>
/// that is not <c>[{param:int, column:string}]</c>; 400 in the older HSM shape for a template that is not in the
/// catalogue or not APPROVED, and for a mapped column that is not in the uploaded file's header; the bot rules
/// (404, 403) as elsewhere.
/// </remarks>
public sealed class FakeCampaignStore
{
    internal const string UploadEndpoint = "campaignUpload";
    internal const string UploadPath = "/v1/hsm/file";

    private readonly Lock _lock = new();
    private readonly FakeJelouOptions _options;
    private readonly FakeTemplateCatalogue _templates;
    private readonly List<FakeCampaignUpload> _uploads = [];
    private readonly List<Campaign> _campaigns = [];
    private readonly List<string> _queries = [];
    private int _stepMs;

    internal FakeCampaignStore(FakeJelouOptions options, FakeTemplateCatalogue templates)
    {
        _options = options;
        _templates = templates;
        _stepMs = options.CampaignStepMs;
    }

    /// <summary>How long an accepted campaign stays PENDING, and then IN_PROGRESS, in milliseconds; 0 completes it at once.</summary>
    public int StepMs
    {
        get => Volatile.Read(ref _stepMs);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _stepMs, value);
        }
    }

    /// <summary>Every upload received, in arrival order, refused ones included.</summary>
    public IReadOnlyList<FakeCampaignUpload> Uploads
    {
        get { lock (_lock) { return [.. _uploads]; } }
    }

    /// <summary>The query string of every GET /v1/campaigns, in arrival order (<c>?botId=...&amp;startAt=...</c>).</summary>
    public IReadOnlyList<string> ListingQueries
    {
        get { lock (_lock) { return [.. _queries]; } }
    }

    /// <summary>Forgets the uploads, the campaigns they created and the listing queries (the synthetic campaigns stay).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _uploads.Clear();
            _campaigns.Clear();
            _queries.Clear();
        }
    }

    /// <summary>POST /v1/hsm/file after auth: the body (already read) parsed, checked, recorded and answered.</summary>
    internal async Task<(int Status, byte[] Body)> UploadAsync(string? contentType, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? json = null;
        string? fileName = null;
        string? fileType = null;
        string? file = null;
        bool multipart = contentType is not null && contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (multipart)
        {
            string? boundary = MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media) ? HeaderUtilities.RemoveQuotes(media.Boundary).Value : null;
            if (string.IsNullOrEmpty(boundary))
            {
                return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null,
                    (StatusCodes.Status400BadRequest, JsonBodies.G4Error("E0400", "BAD_REQUEST", "multipart/form-data needs a boundary", "multipart/form-data necesita un boundary")));
            }

            var reader = new MultipartReader(boundary, new MemoryStream(body.ToArray()));
            try
            {
                while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition))
                    {
                        continue;
                    }

                    string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    string value = await text.ReadToEndAsync().ConfigureAwait(false);
                    if (disposition.IsFileDisposition())
                    {
                        fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                        fileType = section.ContentType;
                        file = value;
                    }
                    else
                    {
                        fields[name] = value;
                    }
                }
            }
            catch (IOException)
            {
                return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null,
                    (StatusCodes.Status400BadRequest, JsonBodies.G4Error("E0400", "BAD_REQUEST", "The multipart body is malformed", "El cuerpo multipart está mal formado")));
            }
        }
        else if (IsJson(contentType))
        {
            json = Encoding.UTF8.GetString(body.Span);
            try
            {
                using JsonDocument document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null,
                        (StatusCodes.Status422UnprocessableEntity, JsonBodies.ValidationError([new ValidationIssue("body", "The body must be a JSON object", "El cuerpo debe ser un objeto JSON")])));
                }

                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }
            catch (JsonException)
            {
                return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null, (StatusCodes.Status400BadRequest, JsonBodies.BadJson));
            }
        }
        else
        {
            return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null, (StatusCodes.Status415UnsupportedMediaType, JsonBodies.UnsupportedMediaType));
        }

        List<ValidationIssue> issues = [];
        string? campaignName = Required(fields, "campaignName", issues);
        string? elementName = Required(fields, "elementName", issues);
        string? botId = Required(fields, "botId", issues);
        if (multipart ? file is null : !fields.ContainsKey("fileUrl"))
        {
            issues.Add(multipart
                ? new ValidationIssue("file", "file is required", "file es obligatorio")
                : new ValidationIssue("fileUrl", "fileUrl is required", "fileUrl es obligatorio"));
        }

        List<(int Param, string Column)> parameters = Params(fields, issues);
        DateTimeOffset? scheduledAt = null;
        if (fields.TryGetValue("scheduledAt", out string? at))
        {
            if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
            {
                scheduledAt = parsed;
            }
            else
            {
                issues.Add(new ValidationIssue("scheduledAt", "scheduledAt must be an ISO 8601 date-time", "scheduledAt debe ser una fecha ISO 8601"));
            }
        }

        if (issues.Count > 0)
        {
            return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null, (StatusCodes.Status422UnprocessableEntity, JsonBodies.ValidationError(issues)));
        }

        if (_options.KnownBots is { } known && !known.Contains(botId!))
        {
            return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null, (StatusCodes.Status404NotFound, JsonBodies.BotNotFound));
        }

        if (_options.ForbiddenBots.Contains(botId!))
        {
            return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null, (StatusCodes.Status403Forbidden, JsonBodies.ForbiddenBot));
        }

        if (!_templates.Items.Any(t => t.Name == elementName && t.Status.Equals("APPROVED", StringComparison.OrdinalIgnoreCase)))
        {
            return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null,
                (StatusCodes.Status400BadRequest, Encoding.UTF8.GetBytes(JsonBodies.LegacyHsmText(["Template does not exist or is not approved"]))));
        }

        int? rows = null;
        if (file is not null)
        {
            string[] lines = file.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
            string[] header = lines.Length == 0 ? [] : lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
            if (parameters.FirstOrDefault(p => !header.Contains(p.Column, StringComparer.Ordinal)) is { Column: { } missing })
            {
                return Record(receivedAt, contentType, fields, json, fileName, fileType, file, null,
                    (StatusCodes.Status400BadRequest, Encoding.UTF8.GetBytes(JsonBodies.LegacyHsmText(["Column " + missing + " does not exist in the file"]))));
            }

            rows = Math.Max(0, lines.Length - 1);
        }

        string id;
        lock (_lock)
        {
            id = "cmp_" + (_uploads.Count + 1).ToString("D4", CultureInfo.InvariantCulture);
            _campaigns.Add(new Campaign(id, botId!, campaignName!, elementName!, fileName ?? FileFromUrl(fields), rows, receivedAt, scheduledAt, parameters));
        }

        byte[] answer = WriteJson(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("message");
            w.WriteStringValue("Campaign " + campaignName + " created");
            w.WriteEndArray();
            w.WriteString("status", "success");
            w.WriteEndObject();
        });
        return Record(receivedAt, contentType, fields, json, fileName, fileType, file, id, (StatusCodes.Status200OK, answer));
    }

    /// <summary>
    /// One page of GET /v1/campaigns: <c>{pagination{limit,page,total,offset,totalPages}, _metadata, results[]}</c>. <c>botId</c>
    /// is required; <c>page</c> from 1, <c>limit</c> 1 to 50 (10 when absent); <c>elementName</c>, <c>status</c>, and
    /// <c>startAt</c>/<c>endAt</c> (on createdAt) filter the uploaded campaigns; the synthetic ones are COMPLETED, with no template.
    /// </summary>
    internal (int Status, byte[] Body) Listing(HttpRequest request, string? botId)
    {
        lock (_lock)
        {
            _queries.Add(request.QueryString.Value ?? string.Empty);
        }

        if (botId is null)
        {
            return (StatusCodes.Status400BadRequest, JsonBodies.G4Error("E0400", "BAD_REQUEST", "botId is required", "botId es obligatorio"));
        }

        if (FakePaging.Read(request, out int page, out int limit) is { } refused)
        {
            return refused;
        }

        if (!TryDate(request, "startAt", out DateTimeOffset? startAt) || !TryDate(request, "endAt", out DateTimeOffset? endAt))
        {
            return (StatusCodes.Status422UnprocessableEntity, JsonBodies.G4Error("E0422", "VALIDATOR_ERROR", "startAt and endAt must be ISO 8601 dates", "startAt y endAt deben ser fechas ISO 8601"));
        }

        string elementName = request.Query["elementName"].ToString();
        string status = request.Query["status"].ToString();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        List<(Campaign Campaign, string Status, DateTimeOffset Updated)> uploaded;
        lock (_lock)
        {
            uploaded = _campaigns
                .Where(c => c.BotId == botId)
                .Where(c => elementName.Length == 0 || c.ElementName == elementName)
                .Where(c => (startAt is null || c.CreatedAt >= startAt) && (endAt is null || c.CreatedAt <= endAt))
                .Reverse()
                .Select(c => (c, State(c, now)))
                .Select(x => (x.c, x.Item2.Status, x.Item2.Updated))
                .Where(x => status.Length == 0 || x.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
                .ToList();
        }

        bool synthetic = elementName.Length == 0 && (status.Length == 0 || status.Equals("COMPLETED", StringComparison.OrdinalIgnoreCase));
        int total = uploaded.Count + (synthetic ? _options.CampaignCount : 0);
        int offset = (int)Math.Min((long)(page - 1) * limit, total);
        int count = Math.Min(limit, total - offset);
        byte[] answer = WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("pagination");
            writer.WriteNumber("limit", limit);
            writer.WriteNumber("page", page);
            writer.WriteNumber("total", total);
            writer.WriteNumber("offset", (long)(page - 1) * limit);
            writer.WriteNumber("totalPages", (total + limit - 1) / limit);
            writer.WriteEndObject();
            writer.WriteStartObject("_metadata");
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            for (int i = offset; i < offset + count; i++)
            {
                if (i < uploaded.Count)
                {
                    WriteUploaded(writer, uploaded[i].Campaign, uploaded[i].Status, uploaded[i].Updated);
                }
                else
                {
                    WriteSynthetic(writer, i - uploaded.Count, botId);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return (StatusCodes.Status200OK, answer);
    }

    private (string Status, DateTimeOffset Updated) State(Campaign campaign, DateTimeOffset now)
    {
        if (campaign.ScheduledAt is { } at && now < at)
        {
            return ("SCHEDULED", campaign.CreatedAt);
        }

        DateTimeOffset start = campaign.ScheduledAt is { } s && s > campaign.CreatedAt ? s : campaign.CreatedAt;
        var step = TimeSpan.FromMilliseconds(StepMs);
        TimeSpan elapsed = now - start;
        return elapsed < step ? ("PENDING", campaign.CreatedAt)
            : elapsed < step + step ? ("IN_PROGRESS", start + step)
            : ("COMPLETED", start + step + step);
    }

    // As the API documents an item (jelou-api.md §5.3); the template is under metadata, where the listing keeps the send's settings.
    private static void WriteUploaded(Utf8JsonWriter writer, Campaign campaign, string status, DateTimeOffset updated)
    {
        writer.WriteStartObject();
        writer.WriteString("_id", campaign.Id);
        writer.WriteString("name", campaign.Name);
        writer.WriteString("fileName", campaign.FileName);
        writer.WriteString("status", status);
        writer.WriteString("botId", campaign.BotId);
        writer.WriteString("companyId", "company-fake");
        writer.WriteStartObject("bot");
        writer.WriteString("id", campaign.BotId);
        writer.WriteString("name", "Bot " + campaign.BotId);
        writer.WriteEndObject();
        writer.WriteStartObject("company");
        writer.WriteString("id", "company-fake");
        writer.WriteString("name", "Tienda Ñandú");
        writer.WriteEndObject();
        if (campaign.Rows is int rows)
        {
            writer.WriteNumber("rowCount", rows);
        }

        writer.WriteString("storageUrl", "https://storage.fake.jelou/campaigns/" + campaign.Id + ".csv");
        writer.WriteStartObject("metadata");
        writer.WriteString("elementName", campaign.ElementName);
        writer.WriteStartArray("params");
        foreach ((int param, string column) in campaign.Parameters)
        {
            writer.WriteStartObject();
            writer.WriteNumber("param", param);
            writer.WriteString("column", column);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteString("sendBy", "api");
        if (campaign.ScheduledAt is { } at)
        {
            writer.WriteString("scheduledAt", Iso(at));
        }
        else
        {
            writer.WriteNull("scheduledAt");
        }

        writer.WriteString("createdAt", Iso(campaign.CreatedAt));
        writer.WriteString("updatedAt", Iso(updated));
        writer.WriteEndObject();
    }

    private static void WriteSynthetic(Utf8JsonWriter writer, int i, string botId)
    {
        writer.WriteStartObject();
        writer.WriteString("_id", "camp-" + (i + 1).ToString("D4", CultureInfo.InvariantCulture));
        writer.WriteString("name", "Campaign " + (i + 1).ToString(CultureInfo.InvariantCulture));
        writer.WriteString("status", "COMPLETED");
        writer.WriteString("botId", botId);
        writer.WriteNumber("rowCount", i + 1);
        writer.WriteEndObject();
    }

    private (int Status, byte[] Body) Record(DateTimeOffset receivedAt, string? contentType, Dictionary<string, string> fields, string? json,
        string? fileName, string? fileType, string? file, string? id, (int Status, byte[] Body) answer)
    {
        lock (_lock)
        {
            _uploads.Add(new FakeCampaignUpload(_uploads.Count + 1, id, answer.Status, contentType, fields, json, fileName, fileType, file, receivedAt));
        }

        return answer;
    }

    private static string? Required(Dictionary<string, string> fields, string name, List<ValidationIssue> issues)
    {
        if (fields.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        issues.Add(new ValidationIssue(name, name + " is required", name + " es obligatorio"));
        return null;
    }

    private static List<(int, string)> Params(Dictionary<string, string> fields, List<ValidationIssue> issues)
    {
        List<(int, string)> list = [];
        if (!fields.TryGetValue("params", out string? text))
        {
            return list;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException();
            }

            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("param", out JsonElement param) || param.ValueKind != JsonValueKind.Number || !param.TryGetInt32(out int position) || position < 1
                    || !item.TryGetProperty("column", out JsonElement column) || column.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException();
                }

                list.Add((position, column.GetString()!));
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            issues.Add(new ValidationIssue("params", "params must be an array of {param: integer, column: string}", "params debe ser un arreglo de {param: entero, column: texto}"));
        }

        return list;
    }

    private static string? FileFromUrl(Dictionary<string, string> fields) =>
        fields.TryGetValue("fileUrl", out string? url) && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? Path.GetFileName(uri.AbsolutePath) : null;

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);


    private static bool TryDate(HttpRequest request, string name, out DateTimeOffset? value)
    {
        value = null;
        string text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    /// <summary>Writes the uploads and the settings for <c>GET /_fake/campaigns</c>.</summary>
    internal void WriteControl(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("stepMs", StepMs);
        writer.WriteStartArray("uploads");
        foreach (FakeCampaignUpload upload in Uploads)
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", upload.Sequence);
            writer.WriteString("id", upload.Id);
            writer.WriteNumber("status", upload.Status);
            writer.WriteString("contentType", upload.ContentType);
            writer.WriteStartObject("fields");
            foreach ((string name, string value) in upload.Fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteString("json", upload.Json);
            writer.WriteString("fileName", upload.FileName);
            writer.WriteString("fileContentType", upload.FileContentType);
            writer.WriteString("file", upload.File);
            writer.WriteString("receivedAt", upload.ReceivedAt);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("listingQueries");
        foreach (string query in ListingQueries)
        {
            writer.WriteStringValue(query);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Applies <c>POST /_fake/campaigns</c>: <c>{"stepMs": N}</c>.</summary>
    internal void ApplyControl(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Expected a JSON object of campaign settings.");
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "STEPMS":
                    StepMs = property.Value.GetInt32();
                    break;
                default:
                    throw new FormatException("Unknown campaign setting '" + property.Name + "'.");
            }
        }
    }

    private sealed record Campaign(string Id, string BotId, string Name, string ElementName, string? FileName, int? Rows, DateTimeOffset CreatedAt,
        DateTimeOffset? ScheduledAt, IReadOnlyList<(int Param, string Column)> Parameters);
}
