using System.Text;

namespace Jelou.FakeApi;

/// <summary>How a scripted response ends the connection.</summary>
public enum FakeDrop
{
    /// <summary>Answer normally.</summary>
    None,

    /// <summary>Abort the connection without reading the body and without recording anything.</summary>
    BeforeRead,

    /// <summary>Process the request; if it is accepted record it with <see cref="FakeLedgerEntry.ResponseDropped"/> set, then abort without answering.</summary>
    AfterAccept,
}

/// <summary>
/// A scripted answer for one request (see <see cref="FakeFaults.Enqueue"/> and <c>FakeFaults.AddRule</c>).
/// A <see cref="Status"/> above 0 is sent as is, skipping authentication and validation, and nothing is recorded.
/// A <see cref="Status"/> of 0 means "no scripted status": the request goes through normal processing after
/// <see cref="DelayMs"/> and <see cref="Drop"/> are applied.
/// </summary>
/// <param name="Status">HTTP status to send, or 0 to process the request normally.</param>
/// <param name="Body">
/// Response body. <see langword="null"/> sends a G4 error body for statuses of 400 and above and an empty body otherwise;
/// an empty string sends an empty body.
/// </param>
/// <param name="Headers">
/// Headers sent exactly as given (a <c>Content-Type</c> here overrides the JSON default). Scripted 429/503 responses do not get
/// <see cref="FakeFaults.RetryAfter"/>: put <c>Retry-After</c> here.
/// </param>
public sealed record FakeResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>Milliseconds to wait before answering (or before normal processing when <see cref="Status"/> is 0).</summary>
    public int DelayMs { get; init; }

    /// <summary>Whether and when the connection is aborted instead of answered.</summary>
    public FakeDrop Drop { get; init; }

    /// <summary>Abort the connection on entry, without reading the body and without recording.</summary>
    public static FakeResponse DropBeforeRead { get; } = new(0) { Drop = FakeDrop.BeforeRead };

    /// <summary>Accept and record the message (with <see cref="FakeLedgerEntry.ResponseDropped"/>), then abort without answering.</summary>
    public static FakeResponse DropAfterAccept { get; } = new(0) { Drop = FakeDrop.AfterAccept };

    /// <summary>Wait <paramref name="ms"/> milliseconds, then process the request normally.</summary>
    /// <param name="ms">Delay in milliseconds.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse Slow(int ms)
    {
        // Not ThrowIfNegative: the net472 test lane compiles this file too.
        if (ms < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ms), ms, "A delay cannot be negative.");
        }

        return new FakeResponse(0) { DelayMs = ms };
    }

    /// <summary>
    /// The current (G4) error envelope:
    /// <c>{"message":[message],"statusMessage":"failed","status":0,"error":{"code","key","description","developerMessages":{"es","en"},"clientMessages":{"es","en"}}}</c>.
    /// </summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="code">Error code, e.g. <c>E0422</c>.</param>
    /// <param name="key">Error key, e.g. <c>VALIDATOR_ERROR</c>.</param>
    /// <param name="message">Text used for the message array, the description and every language.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse G4Error(int status, string code, string key, string message)
        => new(status, JsonBodies.G4ErrorText(code, key, message, message));

    /// <summary>A G4 422 envelope (E0422 VALIDATOR_ERROR) with a <c>validationError</c> entry for one field.</summary>
    /// <param name="field">Field name, e.g. <c>userId</c>.</param>
    /// <param name="en">English message.</param>
    /// <param name="es">Spanish message.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse G4ValidationError(string field, string en, string es)
        => new(422, Encoding.UTF8.GetString(JsonBodies.ValidationError([new ValidationIssue(field, en, es)])));

    /// <summary>The plain shape <c>{"message":"..."}</c> (as the real API's 401).</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="message">The message.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse PlainMessage(int status, string message) => new(status, JsonBodies.PlainMessageText(message));

    /// <summary>The older HSM shape <c>{"message":[...],"status":"failed","_metadata":{"error":{},"body":{}}}</c>.</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="messages">The messages.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse LegacyHsm(int status, params string[] messages) => new(status, JsonBodies.LegacyHsmText(messages));

    /// <summary>The shape of the documented error-code table: <c>{"code":"bot_not_found","description":"..."}</c>.</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="code">Lower-case code, e.g. <c>bot_not_found</c>.</param>
    /// <param name="description">Description.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse CodeOnly(int status, string code, string description) => new(status, JsonBodies.CodeOnlyText(code, description));

    /// <summary>A non-JSON body, e.g. an HTML 502 page from a gateway.</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="text">Body text.</param>
    /// <param name="contentType">Content type sent with it.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse Text(int status, string text, string contentType = "text/plain")
        => new(status, text, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType });

    /// <summary>429 with a G4 body and, unless <paramref name="retryAfter"/> is null or empty, a <c>Retry-After</c> header.</summary>
    /// <param name="retryAfter">Seconds or an HTTP date.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse TooManyRequests(string? retryAfter = "1") => WithRetryAfter(429, retryAfter);

    /// <summary>503 with a G4 body and, unless <paramref name="retryAfter"/> is null or empty, a <c>Retry-After</c> header.</summary>
    /// <param name="retryAfter">Seconds or an HTTP date.</param>
    /// <returns>The scripted response.</returns>
    public static FakeResponse ServiceUnavailable(string? retryAfter = "1") => WithRetryAfter(503, retryAfter);

    internal static FakeResponse WithRetryAfter(int status, string? retryAfter)
        => new(status, null, retryAfter is not { Length: > 0 } value
            ? null
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = value });
}

/// <summary>What a rule sees of a request (see <c>FakeFaults.AddRule</c>).</summary>
/// <param name="Endpoint"><c>"bot"</c> or <c>"room"</c>.</param>
/// <param name="BotId">Bot id from the path (bot endpoint).</param>
/// <param name="RoomId">Room id from the path (room endpoint).</param>
/// <param name="UserId"><c>userId</c> (bot) or <c>senderId</c> (room) when the body is JSON and has it as a string.</param>
/// <param name="Type"><c>type</c> (bot) or the first message's <c>type</c> (room), when present.</param>
/// <param name="Body">The raw request body, UTF-8 decoded (may be invalid JSON).</param>
public sealed record FakeRequestInfo(string Endpoint, string? BotId, string? RoomId, string? UserId, string? Type, string Body);
