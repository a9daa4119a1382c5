using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Jelou.FakeApi;

/// <summary>
/// <c>/_fake/*</c>: the ledger and the faults for callers in another process (Pester tests, benchmarks). No authentication,
/// no faults, not counted in the ledger.
/// </summary>
internal sealed class FakeControlEndpoints
{
    // Relaxed escaping keeps message bodies with accents and emoji readable in the ledger; this JSON never reaches HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] Ok = Encoding.UTF8.GetBytes("{\"ok\":true}");
    private static readonly byte[] NotFound = Encoding.UTF8.GetBytes(JsonBodies.PlainMessageText("Unknown control endpoint"));

    private readonly FakeLedger _ledger;
    private readonly FakeFaults _faults;
    private readonly FakeCampaignStore _campaigns;

    public FakeControlEndpoints(FakeLedger ledger, FakeFaults faults, FakeCampaignStore campaigns)
    {
        _ledger = ledger;
        _faults = faults;
        _campaigns = campaigns;
    }

    public async Task HandleAsync(HttpContext context, string path)
    {
        HttpRequest request = context.Request;
        bool get = HttpMethods.IsGet(request.Method);
        bool post = HttpMethods.IsPost(request.Method);
        try
        {
            switch (path)
            {
                case "/_fake/ledger" when get:
                    await WriteLedgerAsync(context).ConfigureAwait(false);
                    break;
                case "/_fake/reset" when post:
                    _ledger.Reset();
                    _faults.Clear();
                    _campaigns.Reset();
                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                case "/_fake/faults" when get:
                    await WriteFaultsAsync(context).ConfigureAwait(false);
                    break;
                case "/_fake/faults" when post:
                    using (JsonDocument doc = await ParseAsync(request, context.RequestAborted).ConfigureAwait(false))
                    {
                        ApplyFaults(doc.RootElement);
                    }

                    await WriteFaultsAsync(context).ConfigureAwait(false);
                    break;
                case "/_fake/enqueue" when post:
                    using (JsonDocument doc = await ParseAsync(request, context.RequestAborted).ConfigureAwait(false))
                    {
                        // An array enqueues several in order, saving round trips when scripting a sequence.
                        FakeResponse[] responses = doc.RootElement.ValueKind == JsonValueKind.Array
                            ? doc.RootElement.EnumerateArray().Select(ParseScripted).ToArray()
                            : [ParseScripted(doc.RootElement)];
                        foreach (FakeResponse response in responses)
                        {
                            _faults.Enqueue(response);
                        }
                    }

                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                case "/_fake/rules" when post:
                    using (JsonDocument doc = await ParseAsync(request, context.RequestAborted).ConfigureAwait(false))
                    {
                        FakeRule[] rules = doc.RootElement.ValueKind == JsonValueKind.Array
                            ? doc.RootElement.EnumerateArray().Select(ParseRule).ToArray()
                            : [ParseRule(doc.RootElement)];
                        foreach (FakeRule rule in rules)
                        {
                            _faults.AddRule(rule);
                        }
                    }

                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                case "/_fake/faults/clear" when post:
                    _faults.Clear();
                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                case "/_fake/campaigns" when get:
                    await WriteCampaignsAsync(context).ConfigureAwait(false);
                    break;
                case "/_fake/campaigns" when post:
                    using (JsonDocument doc = await ParseAsync(request, context.RequestAborted).ConfigureAwait(false))
                    {
                        _campaigns.ApplyControl(doc.RootElement);
                    }

                    await WriteCampaignsAsync(context).ConfigureAwait(false);
                    break;
                case "/_fake/campaigns/reset" when post:
                    _campaigns.Reset();
                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                case "/_fake/ledger/reset" when post:
                    _ledger.Reset();
                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status200OK, Ok).ConfigureAwait(false);
                    break;
                default:
                    await FakeRequestHandler.WriteAsync(context, StatusCodes.Status404NotFound, NotFound).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidOperationException
            && !context.Response.HasStarted)
        {
            byte[] body = Encoding.UTF8.GetBytes(JsonBodies.PlainMessageText(ex.Message));
            await FakeRequestHandler.WriteAsync(context, StatusCodes.Status400BadRequest, body).ConfigureAwait(false);
        }
    }

    private static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken ct)
        => await JsonDocument.ParseAsync(request.Body, default, ct).ConfigureAwait(false);

    private void ApplyFaults(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Expected a JSON object of fault settings.");
        }

        // Validate everything first so that a bad request changes nothing.
        var setters = new List<Action>();
        foreach (JsonProperty property in root.EnumerateObject())
        {
            JsonElement value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "LATENCYMS":
                    int latency = value.GetInt32();
                    ArgumentOutOfRangeException.ThrowIfNegative(latency, property.Name);
                    setters.Add(() => _faults.LatencyMs = latency);
                    break;
                case "LATENCYJITTERMS":
                    int jitter = value.GetInt32();
                    ArgumentOutOfRangeException.ThrowIfNegative(jitter, property.Name);
                    setters.Add(() => _faults.LatencyJitterMs = jitter);
                    break;
                case "RATE429":
                    double r429 = Rate(property);
                    setters.Add(() => _faults.Rate429 = r429);
                    break;
                case "RATE503":
                    double r503 = Rate(property);
                    setters.Add(() => _faults.Rate503 = r503);
                    break;
                case "RATE500":
                    double r500 = Rate(property);
                    setters.Add(() => _faults.Rate500 = r500);
                    break;
                case "RATEDROPBEFOREREAD":
                    double before = Rate(property);
                    setters.Add(() => _faults.RateDropBeforeRead = before);
                    break;
                case "RATEDROPAFTERACCEPT":
                    double after = Rate(property);
                    setters.Add(() => _faults.RateDropAfterAccept = after);
                    break;
                case "RATELIMIT":
                    double perSecond = value.GetDouble();
                    if (double.IsNaN(perSecond) || perSecond < 0)
                    {
                        throw new FormatException("rateLimit is requests per second, 0 (off) or more.");
                    }

                    setters.Add(() => _faults.RateLimitPerSecond = perSecond);
                    break;
                case "RATELIMITBURST":
                    int burst = value.GetInt32();
                    if (burst < 1)
                    {
                        throw new FormatException("rateLimitBurst is at least 1.");
                    }

                    // Before the rate in any order given, so the bucket starts full at its new size.
                    setters.Insert(0, () => _faults.RateLimitBurst = burst);
                    break;
                case "FORBIDTEMPLATELISTING":
                    bool forbid = value.GetBoolean();
                    setters.Add(() => _faults.ForbidTemplateListing = forbid);
                    break;
                case "RETRYAFTER":
                    string? retryAfter = value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => value.GetString(),
                        JsonValueKind.Number => value.GetRawText(),
                        _ => throw new FormatException("retryAfter must be a string, a number or null."),
                    };
                    setters.Add(() => _faults.RetryAfter = retryAfter);
                    break;
                default:
                    throw new FormatException("Unknown fault setting '" + property.Name + "'.");
            }
        }

        foreach (Action set in setters)
        {
            set();
        }
    }

    private static double Rate(JsonProperty property)
    {
        double rate = property.Value.GetDouble();
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(property.Name, rate, "A rate is a probability between 0 and 1.");
        }

        return rate;
    }

    private static FakeRule ParseRule(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Each rule must be a JSON object.");
        }

        FakeResponse? response = null;
        string? userId = null;
        string? suffix = null;
        int? times = null;
        foreach (JsonProperty property in item.EnumerateObject())
        {
            JsonElement value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "RESPONSE":
                    response = ParseScripted(value);
                    break;
                case "USERID":
                    userId = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                    break;
                case "USERIDSUFFIX":
                    suffix = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                    break;
                case "TIMES":
                    times = value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();
                    if (times < 0)
                    {
                        throw new ArgumentOutOfRangeException(property.Name, times, "times cannot be negative.");
                    }

                    break;
                default:
                    throw new FormatException("Unknown rule property '" + property.Name + "'.");
            }
        }

        return new FakeRule(response ?? throw new FormatException("A rule needs a response."))
        {
            UserId = userId,
            UserIdSuffix = suffix,
            Times = times,
        };
    }

    private static FakeResponse ParseScripted(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Each scripted response must be a JSON object.");
        }

        int status = 0;
        int delayMs = 0;
        string? body = null;
        Dictionary<string, string>? headers = null;
        FakeDrop drop = FakeDrop.None;
        foreach (JsonProperty property in item.EnumerateObject())
        {
            JsonElement value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "STATUS":
                    status = value.ValueKind == JsonValueKind.Null ? 0 : value.GetInt32();
                    if (status != 0 && (status < 100 || status > 599))
                    {
                        throw new ArgumentOutOfRangeException(property.Name, status, "status must be an HTTP status code.");
                    }

                    break;
                case "BODY":
                    // A non-string body is sent as its JSON text, which is handier than escaping JSON inside JSON.
                    body = value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => value.GetString(),
                        _ => value.GetRawText(),
                    };
                    break;
                case "HEADERS":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (JsonProperty header in value.EnumerateObject())
                    {
                        headers[header.Name] = header.Value.ValueKind == JsonValueKind.String
                            ? header.Value.GetString() ?? string.Empty
                            : header.Value.GetRawText();
                    }

                    break;
                case "DROP":
                    drop = value.ValueKind == JsonValueKind.Null ? FakeDrop.None : value.GetString()?.ToUpperInvariant() switch
                    {
                        null or "" or "NONE" => FakeDrop.None,
                        "BEFORE" or "BEFOREREAD" => FakeDrop.BeforeRead,
                        "AFTER" or "AFTERACCEPT" => FakeDrop.AfterAccept,
                        _ => throw new FormatException("drop must be \"before\", \"after\" or null."),
                    };
                    break;
                case "DELAYMS":
                    delayMs = value.GetInt32();
                    ArgumentOutOfRangeException.ThrowIfNegative(delayMs, property.Name);
                    break;
                default:
                    throw new FormatException("Unknown scripted response property '" + property.Name + "'.");
            }
        }

        if (status == 0 && drop == FakeDrop.None && delayMs == 0)
        {
            throw new FormatException("A scripted response needs a status, a drop or a delayMs.");
        }

        return new FakeResponse(status, body, headers) { DelayMs = delayMs, Drop = drop };
    }

    private async Task WriteCampaignsAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = FakeRequestHandler.JsonContentType;
        await using var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        _campaigns.WriteControl(writer);
        await FlushAsync(writer, context).ConfigureAwait(false);
    }

    private async Task WriteFaultsAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = FakeRequestHandler.JsonContentType;
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("latencyMs", _faults.LatencyMs);
            writer.WriteNumber("latencyJitterMs", _faults.LatencyJitterMs);
            writer.WriteNumber("rate429", _faults.Rate429);
            writer.WriteNumber("rate503", _faults.Rate503);
            writer.WriteNumber("rate500", _faults.Rate500);
            writer.WriteNumber("rateDropBeforeRead", _faults.RateDropBeforeRead);
            writer.WriteNumber("rateDropAfterAccept", _faults.RateDropAfterAccept);
            writer.WriteString("retryAfter", _faults.RetryAfter);
            writer.WriteNumber("rateLimit", _faults.RateLimitPerSecond);
            writer.WriteNumber("rateLimitBurst", _faults.RateLimitBurst);
            writer.WriteBoolean("forbidTemplateListing", _faults.ForbidTemplateListing);
            writer.WriteNumber("queued", _faults.QueuedCount);
            writer.WriteEndObject();
            await FlushAsync(writer, context).ConfigureAwait(false);
        }
    }

    private async Task WriteLedgerAsync(HttpContext context)
    {
        // Counters are read before the snapshot so that count never lags behind the entries that were listed.
        int maxInFlight = _ledger.MaxInFlight;
        int inFlight = _ledger.InFlight;
        int totalRequests = _ledger.TotalRequests;
        IReadOnlyList<FakeLedgerEntry> entries = _ledger.Entries;
        bool withAttempts = IsTrue(context.Request.Query["attempts"]);

        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = FakeRequestHandler.JsonContentType;
        await using var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("count", entries.Count);
        writer.WriteNumber("maxInFlight", maxInFlight);
        writer.WriteNumber("inFlight", inFlight);
        writer.WriteNumber("totalRequests", totalRequests);
        writer.WriteStartArray("entries");
        for (int i = 0; i < entries.Count; i++)
        {
            FakeLedgerEntry e = entries[i];
            writer.WriteStartObject();
            writer.WriteNumber("sequence", e.Sequence);
            writer.WriteString("endpoint", e.Endpoint);
            writer.WriteString("botId", e.BotId);
            writer.WriteString("roomId", e.RoomId);
            writer.WriteString("userId", e.UserId);
            writer.WriteString("type", e.Type);
            writer.WriteString("body", e.Body);
            writer.WriteString("messageId", e.MessageId);
            writer.WriteString("receivedAt", e.ReceivedAt);
            writer.WriteString("userAgent", e.UserAgent);
            writer.WriteString("contentType", e.ContentType);
            writer.WriteBoolean("responseDropped", e.ResponseDropped);
            writer.WriteEndObject();
            await FlushIfLargeAsync(writer, context).ConfigureAwait(false);
        }

        writer.WriteEndArray();
        if (withAttempts)
        {
            writer.WriteStartArray("attempts");
            foreach (FakeAttempt a in _ledger.Attempts)
            {
                writer.WriteStartObject();
                writer.WriteString("receivedAt", a.ReceivedAt);
                writer.WriteString("endpoint", a.Endpoint);
                writer.WriteString("botId", a.BotId);
                writer.WriteString("roomId", a.RoomId);
                writer.WriteNumber("status", a.Status);
                writer.WriteString("messageId", a.MessageId);
                writer.WriteEndObject();
                await FlushIfLargeAsync(writer, context).ConfigureAwait(false);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        await FlushAsync(writer, context).ConfigureAwait(false);
    }

    // A benchmark ledger holds 100,000 entries; streaming in chunks keeps the response from being buffered whole.
    private static async ValueTask FlushIfLargeAsync(Utf8JsonWriter writer, HttpContext context)
    {
        if (writer.BytesPending >= 32 * 1024)
        {
            await FlushAsync(writer, context).ConfigureAwait(false);
        }
    }

    // Flushing a writer over an IBufferWriter only commits bytes to the pipe; the pipe itself must be flushed to send them.
    private static async ValueTask FlushAsync(Utf8JsonWriter writer, HttpContext context)
    {
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static bool IsTrue(string? value)
        => value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
