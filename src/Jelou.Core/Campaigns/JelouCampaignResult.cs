namespace Jelou.Campaigns
{
    /// <summary>What Start-JelouCampaign did: the campaign asked for, and what the server answered.</summary>
    public sealed class JelouCampaignResult
    {
        /// <summary>The campaign's name.</summary>
        public string CampaignName { get; set; } = string.Empty;

        /// <summary>The bot that sends it.</summary>
        public string BotId { get; set; } = string.Empty;

        /// <summary>The template (elementName).</summary>
        public string TemplateName { get; set; } = string.Empty;

        /// <summary>True when the server accepted the campaign.</summary>
        public bool Succeeded { get; set; }

        /// <summary>The server's <c>status</c>, as it gave it; null when it gave none.</summary>
        public string? Status { get; set; }

        /// <summary>The server's <c>message</c> entries.</summary>
        public IReadOnlyList<string> Messages { get; set; } = Array.Empty<string>();

        /// <summary>Recipients in the uploaded file (its data rows); null for -FileUrl, whose file is not read here.</summary>
        public int? RowCount { get; set; }

        /// <summary>When the campaign is to be sent (UTC); null to send at once.</summary>
        public DateTime? ScheduledAt { get; set; }

        /// <summary>Where the rows came from: Path, Pipeline or FileUrl.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The uploaded file's name, or the file URL given.</summary>
        public string? File { get; set; }

        /// <summary>The parameter map sent, in position order.</summary>
        public IReadOnlyList<CampaignParameter> Parameters { get; set; } = Array.Empty<CampaignParameter>();

        /// <summary>The last HTTP status, when the server answered.</summary>
        public int? HttpStatus { get; set; }

        /// <summary>Attempts made (more than 1 only after a not-sent signal: 429, 503, a refused connection).</summary>
        public int Attempts { get; set; }

        /// <summary>Time from the first attempt to the answer.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>Why it failed; null on success.</summary>
        public string? Error { get; set; }

        /// <summary>A stable id for the failure (JelouServerError, JelouTemplateNotFound, ...); null on success.</summary>
        public string? ErrorId { get; set; }

        /// <summary>True when the upload failed after it may have reached the server: the campaign may exist; check before uploading again.</summary>
        public bool PossiblyCreated { get; set; }

        /// <summary>The failure itself, for the error record.</summary>
        internal Http.JelouApiException? Failure { get; set; }

        /// <inheritdoc />
        public override string ToString() => CampaignName + ": " + (Succeeded ? Status ?? "accepted" : "failed");
    }
}
