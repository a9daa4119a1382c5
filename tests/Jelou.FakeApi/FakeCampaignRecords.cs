namespace Jelou.FakeApi;

// Apart from FakeCampaigns so that the net472 test lane, which reads the uploads over HTTP, can compile the same record.

/// <summary>One campaign upload (POST /v1/hsm/file) as the fake received it, accepted or not.</summary>
/// <param name="Sequence">1-based arrival number.</param>
/// <param name="Id">The campaign id it was given (<c>cmp_</c> + sequence); null when the upload was refused.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="ContentType">The request's <c>Content-Type</c>: <c>multipart/form-data; boundary=...</c> or JSON.</param>
/// <param name="Fields">Every field but the file: the form's text fields, or the JSON body's top-level properties (a string as it is, anything else as its JSON text).</param>
/// <param name="Json">The whole JSON body of the fileUrl variant; null for a multipart upload.</param>
/// <param name="FileName">The file part's file name; null without one.</param>
/// <param name="FileContentType">The file part's <c>Content-Type</c>.</param>
/// <param name="File">The file part, decoded as UTF-8; null without one.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record FakeCampaignUpload(long Sequence, string? Id, int Status, string? ContentType, IReadOnlyDictionary<string, string> Fields,
    string? Json, string? FileName, string? FileContentType, string? File, DateTimeOffset ReceivedAt);
