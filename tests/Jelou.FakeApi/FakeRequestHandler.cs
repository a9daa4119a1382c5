using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Jelou.FakeApi;

/// <summary>The single request delegate of the fake server: API endpoints plus the <c>/_fake/</c> control endpoints.</summary>
internal sealed class FakeRequestHandler
{
    internal const string JsonContentType = "application/json; charset=utf-8";
    internal const string BotEndpoint = "bot";
    internal const string RoomEndpoint = "room";
    internal const string OtherEndpoint = "other";
    internal const string TemplatesEndpoint = "templates";
    internal const string CampaignsEndpoint = "campaigns";
    internal const int MaxPageSize = 50;

    private const string ControlPrefix = "/_fake/";
    private const string BotPrefix = "/v1/bots/";
    private const string BotSuffix = "/messages";
    private const string TemplatesSuffix = "/templates";
    private const string RoomPrefix = "/v1/rooms/";
    private const string RoomSuffix = "/message";
    private const string CampaignsPath = "/v1/campaigns";

    private static readonly byte[] BotSuccessPrefix = Encoding.UTF8.GetBytes("{\"success\":true,\"messageId\":\"");
    private static readonly byte[] RoomSuccessPrefix = Encoding.UTF8.GetBytes("{\"status\":\"success\",\"message\":\"Messages sent\",\"messageId\":\"");

    private readonly FakeJelouOptions _options;
    private readonly FakeLedger _ledger;
    private readonly FakeFaults _faults;
    private readonly CancellationToken _stopping;
    private readonly FakeControlEndpoints _control;
    private readonly FakeTemplateCatalogue _templates;
    private readonly FakeCampaignStore _campaigns;
    private Credentials? _credentials;

    public FakeRequestHandler(FakeJelouOptions options, FakeLedger ledger, FakeFaults faults, FakeTemplateCatalogue templates, FakeCampaignStore campaigns, CancellationToken stopping)
    {
        _templates = templates;
        _campaigns = campaigns;
        _options = options;
        _ledger = ledger;
        _faults = faults;
        _stopping = stopping;
        _control = new FakeControlEndpoints(ledger, faults, campaigns);
    }

    public Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        return path.StartsWith(ControlPrefix, StringComparison.Ordinal)
            ? _control.HandleAsync(context, path)
            : HandleApiAsync(context, path);
    }

    private async Task HandleApiAsync(HttpContext context, string path)
    {
        DateTimeOffset receivedAt = DateTimeOffset.UtcNow;
        _ledger.Enter();
        HttpRequest request = context.Request;
        Route route = Route.Match(request.Method, path);
        var body = new RequestBody();
        bool finished = false;

        // The client may send its next request the instant it sees an answer or a reset, possibly before this method's
        // finally runs. Leaving the in-flight count and logging the attempt just before answering keeps MaxInFlight within
        // the client's real concurrency and makes the attempt visible to a test that checks right after its call returns.
        void Finish(int status, string? messageId = null)
        {
            if (finished)
            {
                return;
            }

            finished = true;
            _ledger.RecordAttempt(new FakeAttempt(receivedAt, route.Endpoint, route.BotId, route.RoomId, status, messageId));
            _ledger.Exit();
        }

        try
        {
            if (route.Endpoint == OtherEndpoint)
            {
                Finish(StatusCodes.Status404NotFound);
                await WriteAsync(context, StatusCodes.Status404NotFound, JsonBodies.RouteNotFound).ConfigureAwait(false);
                return;
            }

            if (route.Endpoint == CampaignsEndpoint)
            {
                // A read: botId comes from the query, and is checked like a path's.
                route = route with { BotId = request.Query["botId"].ToString() is { Length: > 0 } queryBot ? queryBot : null };
            }

            // The bucket is checked on arrival, as a provider's gateway does; the answer still takes the latency.
            bool admitted = _faults.TryTakeToken();
            int latency = _faults.NextLatencyMs();
            if (latency > 0)
            {
                await DelayAsync(latency, context).ConfigureAwait(false);
            }

            if (!admitted)
            {
                FakeResponse limited = FakeResponse.WithRetryAfter(StatusCodes.Status429TooManyRequests, _faults.RetryAfter);
                Finish(limited.Status);
                await WriteScriptedAsync(context, limited).ConfigureAwait(false);
                return;
            }

            FakeResponse? scripted = _faults.TryDequeue(out FakeResponse? queued) ? queued : null;
            if (scripted is null && _faults.HasRules)
            {
                // Rules look at the body, so it is read here; a rule's DropBeforeRead therefore only skips recording.
                await body.ReadAsync(request, route, context.RequestAborted).ConfigureAwait(false);
                scripted = _faults.EvaluateRules(body.ToInfo(route));
            }

            scripted ??= _faults.Roll();

            bool dropAfterAccept = false;
            if (scripted is not null)
            {
                if (scripted.DelayMs > 0)
                {
                    await DelayAsync(scripted.DelayMs, context).ConfigureAwait(false);
                }

                if (scripted.Drop == FakeDrop.BeforeRead)
                {
                    Finish(0);
                    context.Abort();
                    return;
                }

                dropAfterAccept = scripted.Drop == FakeDrop.AfterAccept;
                if (!dropAfterAccept && scripted.Status > 0)
                {
                    Finish(scripted.Status);
                    await WriteScriptedAsync(context, scripted).ConfigureAwait(false);
                    return;
                }
            }

            (int status, byte[]? error) = Check(request, route);
            if (error is null && route.Endpoint == TemplatesEndpoint)
            {
                // A read (Get-JelouTemplate, the pre-flight, Test-JelouCredential): never touches the message ledger.
                (status, byte[] listing) = _templates.Listing(request, route.BotId!, _faults.ForbidTemplateListing);
                Finish(status);
                await WriteAsync(context, status, listing).ConfigureAwait(false);
                return;
            }

            if (error is null && route.Endpoint == CampaignsEndpoint)
            {
                (status, byte[] page) = _campaigns.Listing(request, route.BotId);
                Finish(status);
                await WriteAsync(context, status, page).ConfigureAwait(false);
                return;
            }

            if (error is null && route.Endpoint == FakeCampaignStore.UploadEndpoint)
            {
                // Not a message: recorded by the campaign store, never in the message ledger.
                await body.ReadAsync(request, route, context.RequestAborted).ConfigureAwait(false);
                (status, byte[] answer) = await _campaigns.UploadAsync(request.ContentType, body.Bytes, receivedAt).ConfigureAwait(false);
                Finish(status);
                await WriteAsync(context, status, answer).ConfigureAwait(false);
                return;
            }

            if (error is null && route.Endpoint == FakeNotifications.Endpoint)
            {
                (status, byte[] notifications) = FakeNotifications.Listing(request, route.BotId!, _ledger, _options.NotificationStatuses);
                Finish(status);
                await WriteAsync(context, status, notifications).ConfigureAwait(false);
                return;
            }

            if (error is null)
            {
                await body.ReadAsync(request, route, context.RequestAborted).ConfigureAwait(false);
                (status, error) = body.Validate(route);
            }

            if (error is not null)
            {
                Finish(status);
                await WriteAsync(context, status, error).ConfigureAwait(false);
                return;
            }

            if (route.Endpoint == FakeHsm.Endpoint)
            {
                await AnswerHsmAsync(context, route, body, receivedAt, dropAfterAccept, Finish).ConfigureAwait(false);
                return;
            }

            FakeLedgerEntry entry = _ledger.Accept(route.Endpoint, route.BotId, route.RoomId, body.UserId, body.Type, body.Text,
                receivedAt, request.Headers.UserAgent, request.ContentType, dropAfterAccept);
            if (dropAfterAccept)
            {
                Finish(0, entry.MessageId);
                context.Abort();
                return;
            }

            Finish(StatusCodes.Status200OK, entry.MessageId);
            await WriteSuccessAsync(context, route.Endpoint == BotEndpoint ? BotSuccessPrefix : RoomSuccessPrefix, entry.MessageId)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The client went away or the server is stopping: there is no one left to answer.
        }
        catch (IOException)
        {
            // Kestrel reports a client that reset the connection or sent a truncated body this way; nothing can be answered.
        }
        finally
        {
            // Status 0 unless an answer was already logged: the request ended without one.
            Finish(0);
            body.Dispose();
        }
    }

    /// <summary>POST /v2/whatsapp/{botId}/hsm after the shared checks: refused in the older HSM shape, or one ledger entry per destination.</summary>
    private async Task AnswerHsmAsync(HttpContext context, Route route, RequestBody body, DateTimeOffset receivedAt, bool dropAfterAccept, Action<int, string?> finish)
    {
        if (FakeHsm.Refusal(body.Root, _templates.Items) is { } refusal)
        {
            finish(StatusCodes.Status400BadRequest, null);
            await WriteAsync(context, StatusCodes.Status400BadRequest, refusal).ConfigureAwait(false);
            return;
        }

        var sent = new List<(string Destination, string Id)>();
        foreach (string destination in FakeHsm.Destinations(body.Root))
        {
            FakeLedgerEntry entry = _ledger.Accept(route.Endpoint, route.BotId, null, destination, body.Type, body.Text,
                receivedAt, context.Request.Headers.UserAgent, context.Request.ContentType, dropAfterAccept);
            sent.Add((destination, entry.MessageId));
        }

        if (dropAfterAccept)
        {
            finish(0, sent[0].Id);
            context.Abort();
            return;
        }

        finish(StatusCodes.Status200OK, sent[0].Id);
        await WriteAsync(context, StatusCodes.Status200OK, FakeHsm.Answer(sent)).ConfigureAwait(false);
    }

    private (int Status, byte[]? Error) Check(HttpRequest request, Route route)
    {
        if (!IsAuthorized(request))
        {
            return (StatusCodes.Status401Unauthorized, JsonBodies.AuthenticationFailed);
        }

        if (route.BotId is { } botId)
        {
            if (_options.KnownBots is { } known && !known.Contains(botId))
            {
                return (StatusCodes.Status404NotFound, JsonBodies.BotNotFound);
            }

            if (_options.ForbiddenBots is { } forbidden && forbidden.Contains(botId))
            {
                return (StatusCodes.Status403Forbidden, JsonBodies.ForbiddenBot);
            }
        }

        // The campaign upload takes multipart or JSON, and answers a wrong type itself.
        return route.Endpoint is TemplatesEndpoint or CampaignsEndpoint or FakeCampaignStore.UploadEndpoint or FakeNotifications.Endpoint || IsJson(request.ContentType) ? (0, null) : (StatusCodes.Status415UnsupportedMediaType, JsonBodies.UnsupportedMediaType);
    }

    private bool IsAuthorized(HttpRequest request)
    {
        StringValues values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header)
        {
            return false;
        }

        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ReadOnlySpan<char> encoded = header.AsSpan(Scheme.Length).Trim();
        Credentials credentials = GetCredentials();
        int maxLength = (encoded.Length / 4 * 3) + 3;
        byte[]? rented = null;
        Span<byte> buffer = maxLength <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, buffer, out int written))
            {
                return false;
            }

            // ':' is ASCII, so the first ':' byte of the UTF-8 text is its first ':' character (RFC 7617: the user id has none).
            ReadOnlySpan<byte> decoded = buffer[..written];
            int colon = decoded.IndexOf((byte)':');
            return colon >= 0
                && decoded[..colon].SequenceEqual(credentials.Id)
                && decoded[(colon + 1)..].SequenceEqual(credentials.Secret);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private Credentials GetCredentials()
    {
        // Options are mutable; re-encode only when the strings change rather than on every request.
        string id = _options.ClientId ?? string.Empty;
        string secret = _options.ClientSecret ?? string.Empty;
        Credentials? cached = Volatile.Read(ref _credentials);
        if (cached is null || !ReferenceEquals(cached.IdText, id) || !ReferenceEquals(cached.SecretText, secret))
        {
            cached = new Credentials(id, secret, Encoding.UTF8.GetBytes(id), Encoding.UTF8.GetBytes(secret));
            Volatile.Write(ref _credentials, cached);
        }

        return cached;
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        ReadOnlySpan<char> mediaType = contentType;
        int semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        return mediaType.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private async Task DelayAsync(int milliseconds, HttpContext context)
    {
        // Linked to the server's stop token so that disposing a server does not wait out a long scripted delay.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        await Task.Delay(milliseconds, linked.Token).ConfigureAwait(false);
    }

    internal static async Task WriteAsync(HttpContext context, int status, byte[] body, string contentType = JsonContentType)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    private static async Task WriteSuccessAsync(HttpContext context, byte[] prefix, string messageId)
    {
        byte[] body = new byte[prefix.Length + messageId.Length + 2];
        prefix.CopyTo(body, 0);
        int written = Encoding.ASCII.GetBytes(messageId, body.AsSpan(prefix.Length));
        body[prefix.Length + written] = (byte)'"';
        body[prefix.Length + written + 1] = (byte)'}';
        await WriteAsync(context, StatusCodes.Status200OK, body).ConfigureAwait(false);
    }

    private static async Task WriteScriptedAsync(HttpContext context, FakeResponse scripted)
    {
        HttpResponse response = context.Response;
        response.StatusCode = scripted.Status;
        bool bodyAllowed = scripted.Status >= 200 && scripted.Status != StatusCodes.Status204NoContent
            && scripted.Status != StatusCodes.Status304NotModified;
        byte[] body = !bodyAllowed ? []
            : scripted.Body is { } text ? Encoding.UTF8.GetBytes(text)
            : scripted.Status >= 400 ? JsonBodies.DefaultErrorFor(scripted.Status)
            : [];

        bool contentTypeSet = false;
        if (scripted.Headers is not null)
        {
            foreach ((string name, string value) in scripted.Headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    response.ContentType = value;
                    contentTypeSet = true;
                }
                else
                {
                    response.Headers.Append(name, value);
                }
            }
        }

        if (body.Length == 0)
        {
            return;
        }

        if (!contentTypeSet)
        {
            response.ContentType = JsonContentType;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    private sealed record Credentials(string IdText, string SecretText, byte[] Id, byte[] Secret);

    private readonly record struct Route(string Endpoint, string? BotId, string? RoomId)
    {
        public static Route Match(string method, string path)
        {
            if (HttpMethods.IsPost(method))
            {
                if (TryId(path, BotPrefix, BotSuffix) is { } botId)
                {
                    return new Route(BotEndpoint, botId, null);
                }

                if (TryId(path, RoomPrefix, RoomSuffix) is { } roomId)
                {
                    return new Route(RoomEndpoint, null, roomId);
                }

                if (FakeHsm.BotId(path) is { } hsmBot)
                {
                    return new Route(FakeHsm.Endpoint, hsmBot, null);
                }

                if (path == FakeCampaignStore.UploadPath)
                {
                    return new Route(FakeCampaignStore.UploadEndpoint, null, null);
                }
            }

            if (HttpMethods.IsGet(method) && TryId(path, BotPrefix, TemplatesSuffix) is { } templatesBot)
            {
                return new Route(TemplatesEndpoint, templatesBot, null);
            }

            if (HttpMethods.IsGet(method) && FakeNotifications.BotId(path) is { } notificationsBot)
            {
                return new Route(FakeNotifications.Endpoint, notificationsBot, null);
            }

            if (HttpMethods.IsGet(method) && path == CampaignsPath)
            {
                return new Route(CampaignsEndpoint, null, null);
            }

            return new Route(OtherEndpoint, null, null);
        }

        private static string? TryId(string path, string prefix, string suffix)
        {
            if (path.Length <= prefix.Length + suffix.Length
                || !path.StartsWith(prefix, StringComparison.Ordinal)
                || !path.EndsWith(suffix, StringComparison.Ordinal))
            {
                return null;
            }

            string id = path.Substring(prefix.Length, path.Length - prefix.Length - suffix.Length);
            return id.Contains('/', StringComparison.Ordinal) ? null : id;
        }
    }

    /// <summary>The request body, read at most once into a pooled buffer and parsed at most once.</summary>
    private sealed class RequestBody : IDisposable
    {
        private byte[]? _buffer;
        private int _length;
        private bool _read;
        private JsonDocument? _document;
        private string? _text;

        public string? UserId { get; private set; }

        public string? Type { get; private set; }

        /// <summary>The body as read (after <see cref="ReadAsync"/>).</summary>
        public ReadOnlyMemory<byte> Bytes => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

        public string Text => _text ??= _buffer is null ? string.Empty : Encoding.UTF8.GetString(_buffer, 0, _length);

        /// <summary>The parsed body; only after <see cref="Validate"/> passed.</summary>
        public JsonElement Root => _document!.RootElement;

        public async Task ReadAsync(HttpRequest request, Route route, CancellationToken ct)
        {
            if (_read)
            {
                return;
            }

            _read = true;
            long? declared = request.ContentLength;
            int size = declared is > 0 and < 1 << 20 ? (int)declared.Value : 4096;
            _buffer = ArrayPool<byte>.Shared.Rent(size);
            Stream stream = request.Body;
            while (true)
            {
                if (_length == _buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                    _buffer.AsSpan(0, _length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }

                int n = await stream.ReadAsync(_buffer.AsMemory(_length), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                _length += n;
            }

            try
            {
                _document = JsonDocument.Parse(_buffer.AsMemory(0, _length));
            }
            catch (JsonException)
            {
                _document = null;
            }

            Extract(route);
        }

        public FakeRequestInfo ToInfo(Route route) => new(route.Endpoint, route.BotId, route.RoomId, UserId, Type, Text);

        public (int Status, byte[]? Error) Validate(Route route)
        {
            if (_document is null)
            {
                return (StatusCodes.Status400BadRequest, JsonBodies.BadJson);
            }

            JsonElement root = _document.RootElement;
            List<ValidationIssue>? issues = null;
            if (root.ValueKind != JsonValueKind.Object)
            {
                issues = [new ValidationIssue("body", "The body must be a JSON object", "El cuerpo debe ser un objeto JSON")];
            }
            else if (route.Endpoint == FakeHsm.Endpoint)
            {
                issues = FakeHsm.Validate(root);
            }
            else if (route.Endpoint == BotEndpoint)
            {
                CheckString(root, "type", allowEmpty: true, ref issues);
                CheckString(root, "userId", allowEmpty: false, ref issues);
            }
            else
            {
                CheckString(root, "senderId", allowEmpty: false, ref issues);
                if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind == JsonValueKind.Null)
                {
                    Add(ref issues, "messages", "messages is required", "messages es obligatorio");
                }
                else if (messages.ValueKind != JsonValueKind.Array)
                {
                    Add(ref issues, "messages", "messages must be an array", "messages debe ser un arreglo");
                }
                else if (messages.GetArrayLength() == 0)
                {
                    Add(ref issues, "messages", "messages must contain at least one message", "messages debe contener al menos un mensaje");
                }
            }

            return issues is null ? (0, null) : (StatusCodes.Status422UnprocessableEntity, JsonBodies.ValidationError(issues));
        }

        public void Dispose()
        {
            // The document reads straight from the pooled buffer, so it must go first.
            _document?.Dispose();
            _document = null;
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        private void Extract(Route route)
        {
            if (_document is null || _document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            JsonElement root = _document.RootElement;
            if (route.Endpoint == BotEndpoint)
            {
                UserId = StringOrNull(root, "userId");
                Type = StringOrNull(root, "type");
            }
            else if (route.Endpoint == FakeHsm.Endpoint)
            {
                UserId = FakeHsm.FirstDestination(root);
                Type = StringOrNull(root, "type") ?? "text";
            }
            else
            {
                UserId = StringOrNull(root, "senderId");
                if (root.TryGetProperty("messages", out JsonElement messages) && messages.ValueKind == JsonValueKind.Array
                    && messages.GetArrayLength() > 0 && messages[0].ValueKind == JsonValueKind.Object)
                {
                    Type = StringOrNull(messages[0], "type");
                }
            }
        }

        private static string? StringOrNull(JsonElement obj, string name)
            => obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static void CheckString(JsonElement root, string name, bool allowEmpty, ref List<ValidationIssue>? issues)
        {
            if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                Add(ref issues, name, name + " is required", name + " es obligatorio");
            }
            else if (value.ValueKind != JsonValueKind.String)
            {
                Add(ref issues, name, name + " must be a string", name + " debe ser una cadena de texto");
            }
            else if (!allowEmpty && string.IsNullOrWhiteSpace(value.GetString()))
            {
                Add(ref issues, name, name + " must not be empty", name + " no debe estar vacío");
            }
        }

        private static void Add(ref List<ValidationIssue>? issues, string field, string en, string es)
            => (issues ??= []).Add(new ValidationIssue(field, en, es));
    }
}
