namespace Jelou.FakeApi;

// Apart from FakeLedger so that the net472 test lane, which reads the ledger over HTTP, can compile the same records.

/// <summary>One message accepted by the fake server.</summary>
/// <param name="Sequence">1-based acceptance number.</param>
/// <param name="Endpoint"><c>"bot"</c> for <c>/v1/bots/{botId}/messages</c>, <c>"room"</c> for <c>/v1/rooms/{roomId}/message</c>, <c>"hsm"</c> for <c>/v2/whatsapp/{botId}/hsm</c> (one entry per destination).</param>
/// <param name="BotId">Bot id from the path (bot endpoint only).</param>
/// <param name="RoomId">Room id from the path (room endpoint only).</param>
/// <param name="UserId"><c>userId</c> of a bot message, <c>senderId</c> of a room message, the destination of an HSM.</param>
/// <param name="Type"><c>type</c> of a bot message, the first message's <c>type</c> of a room message.</param>
/// <param name="Body">Raw JSON request body as received, UTF-8 decoded.</param>
/// <param name="MessageId">Id returned to the client: <c>msg_</c> + sequence.</param>
/// <param name="ReceivedAt">When the request reached the handler (before simulated latency).</param>
/// <param name="UserAgent">The request's <c>User-Agent</c> header.</param>
/// <param name="ContentType">The request's <c>Content-Type</c> header.</param>
/// <param name="ResponseDropped">The message was accepted but the connection was aborted before answering.</param>
public sealed record FakeLedgerEntry(long Sequence, string Endpoint, string? BotId, string? RoomId, string? UserId, string? Type,
    string Body, string MessageId, DateTimeOffset ReceivedAt, string? UserAgent, string? ContentType, bool ResponseDropped);

/// <summary>One API request as the fake server answered it.</summary>
/// <param name="ReceivedAt">When the request reached the handler (before simulated latency).</param>
/// <param name="Endpoint"><c>"bot"</c>, <c>"room"</c> or <c>"other"</c> (unknown route).</param>
/// <param name="BotId">Bot id from the path, if any.</param>
/// <param name="RoomId">Room id from the path, if any.</param>
/// <param name="Status">HTTP status sent; 0 when no response was sent (dropped connection or client gone).</param>
/// <param name="MessageId">Message id when the request was accepted, else <see langword="null"/>.</param>
public sealed record FakeAttempt(DateTimeOffset ReceivedAt, string Endpoint, string? BotId, string? RoomId, int Status, string? MessageId);
