using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jelou.Campaigns
{
    /// <summary>
    /// What POST /v1/hsm/file is asked (jelou-api.md §5.2, <c>HsmBulkJsonRequest</c> and <c>HsmBulkMultipartRequest</c>):
    /// the campaign, its approved template, the parameter map and either the CSV itself (multipart/form-data) or a public
    /// URL of it (JSON). Checking the CSV is <see cref="CampaignCsv"/>'s work; this only carries and encodes.
    /// </summary>
    public sealed class CampaignRequest
    {
        /// <summary>The CSV's media type in the form.</summary>
        internal const string CsvMediaType = "text/csv";

        /// <summary>Creates a request; every argument is required by the API.</summary>
        public CampaignRequest(string botId, string campaignName, string templateName)
        {
            BotId = Required(botId, nameof(botId), "bot id");
            CampaignName = Required(campaignName, nameof(campaignName), "campaign name");
            TemplateName = Required(templateName, nameof(templateName), "template name");
        }

        /// <summary>The bot that sends (<c>botId</c>).</summary>
        public string BotId { get; }

        /// <summary>The campaign's name (<c>campaignName</c>), as Get-JelouCampaign lists it.</summary>
        public string CampaignName { get; }

        /// <summary>The approved template (<c>elementName</c>).</summary>
        public string TemplateName { get; }

        /// <summary>Placeholder positions to CSV columns (<c>params</c>), sent in position order.</summary>
        public IReadOnlyList<CampaignParameter> Parameters { get; set; } = Array.Empty<CampaignParameter>();

        /// <summary>The template type (<c>type</c>: text, image, document, video); null to leave it to the API (text).</summary>
        public string? Type { get; set; }

        /// <summary>The header's media for a media template (<c>mediaUrl</c>).</summary>
        public string? MediaUrl { get; set; }

        /// <summary>When to send (<c>scheduledAt</c>, sent in UTC); null to send now.</summary>
        public DateTimeOffset? ScheduledAt { get; set; }

        /// <summary>A public HTTPS URL of the CSV (<c>fileUrl</c>): the JSON variant. Null for an upload.</summary>
        public Uri? FileUrl { get; set; }

        /// <summary>The CSV to upload, UTF-8 (<c>file</c>): the multipart variant. Null with <see cref="FileUrl"/>.</summary>
        public byte[]? File { get; set; }

        /// <summary>The file name the upload carries.</summary>
        public string FileName { get; set; } = "campaign.csv";

        /// <summary>True for the multipart variant (a file), false for the JSON one (a URL).</summary>
        public bool IsUpload => File is not null;

        /// <summary>The JSON body of the <c>fileUrl</c> variant.</summary>
        internal byte[] ToJson()
        {
            if (FileUrl is null)
            {
                throw new InvalidOperationException("The JSON variant needs FileUrl; an upload is sent as multipart/form-data.");
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("campaignName", CampaignName);
                writer.WriteString("elementName", TemplateName);
                writer.WriteString("botId", BotId);
                writer.WritePropertyName("params");
                WriteParams(writer);
                WriteOptional(writer);
                writer.WriteString("fileUrl", FileUrl.AbsoluteUri);
                writer.WriteEndObject();
            }

            return stream.ToArray();
        }

        /// <summary>
        /// The multipart form of an upload: one text field per JSON property, <c>params</c> as its JSON text (how arrays
        /// travel in the form is not documented; a JSON field is what form parsers of JSON APIs read), and <c>file</c> as
        /// text/csv. A new form each call: the transport asks for fresh content per attempt.
        /// </summary>
        internal MultipartFormDataContent ToForm()
        {
            if (File is null)
            {
                throw new InvalidOperationException("An upload needs File; a URL is sent as JSON.");
            }

            var form = new MultipartFormDataContent();
            Add(form, "campaignName", CampaignName);
            Add(form, "elementName", TemplateName);
            Add(form, "botId", BotId);
            Add(form, "params", ParamsJson());
            if (Type is { Length: > 0 } type)
            {
                Add(form, "type", type);
            }

            if (MediaUrl is { Length: > 0 } media)
            {
                Add(form, "mediaUrl", media);
            }

            if (ScheduledAt is { } at)
            {
                Add(form, "scheduledAt", CampaignDates.Format(at));
            }

            var file = new ByteArrayContent(File);
            file.Headers.ContentType = new MediaTypeHeaderValue(CsvMediaType) { CharSet = "utf-8" };
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote("file"), FileName = Quote(AsciiFileName(FileName)) };
            form.Add(file);
            return form;
        }

        /// <summary>The parameter map as the API's <c>params</c> JSON.</summary>
        internal string ParamsJson()
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                WriteParams(writer);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private void WriteParams(Utf8JsonWriter writer)
        {
            writer.WriteStartArray();
            foreach (var parameter in Parameters.OrderBy(p => p.Position))
            {
                writer.WriteStartObject();
                writer.WriteNumber("param", parameter.Position);
                writer.WriteString("column", parameter.Column);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        private void WriteOptional(Utf8JsonWriter writer)
        {
            if (Type is { Length: > 0 } type)
            {
                writer.WriteString("type", type);
            }

            if (MediaUrl is { Length: > 0 } media)
            {
                writer.WriteString("mediaUrl", media);
            }

            if (ScheduledAt is { } at)
            {
                writer.WriteString("scheduledAt", CampaignDates.Format(at));
            }
        }

        private static void Add(MultipartFormDataContent form, string name, string value)
        {
            var content = new StringContent(value, Encoding.UTF8);

            // A plain text field: form parsers read a field with a content type of its own as a file on some servers.
            content.Headers.ContentType = null;
            content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
            form.Add(content);
        }

        // .NET Framework writes the name as given, and some parsers need it quoted; .NET writes a quoted one unchanged.
        private static string Quote(string value) => "\"" + value.Replace("\"", string.Empty) + "\"";

        // The header carries ASCII only: an accented file name would need RFC 5987, which not every server reads.
        private static string AsciiFileName(string name)
        {
            var chars = name.Select(c => c is >= ' ' and <= '~' && c is not ('"' or '\\') ? c : '_').ToArray();
            return chars.Length == 0 ? "campaign.csv" : new string(chars);
        }

        private static string Required(string value, string name, string what) =>
            string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("The " + what + " is empty.", name) : value.Trim();
    }
}
