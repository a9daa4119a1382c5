using System.Text.Json;
using Jelou.Http;

namespace Jelou.Campaigns
{
    /// <summary>
    /// POST /v1/hsm/file (jelou-api.md §5.2): a bulk campaign from a CSV, uploaded or by URL. The answer is
    /// <c>{"message": ["..."], "status": "..."}</c>; a 2xx whose status says failed is a failure. A POST, so at most
    /// once: a second upload would be a second campaign, and it is retried only on the signals that nothing was sent
    /// (429, 503, a refused connection). Made per call: a missing template's error names it.
    /// </summary>
    internal sealed class CampaignUploadEndpoint : ApiEndpoint<JelouCampaignResult>
    {
        private static readonly RouteTemplate SharedRoute = new("v1/hsm/file");

        // A campaign, not a message: its failures say what became of the campaign.
        private static readonly FailureText CampaignText = new()
        {
            MayHaveDelivered = " The campaign may have been created; check Get-JelouCampaign before uploading it again.",
            EarlierAttemptMayHaveDelivered = " An earlier attempt may have created the campaign; check Get-JelouCampaign before uploading it again.",
            NotDelivered = " The campaign was not created.",
            NotSent = " The campaign was not uploaded.",
            NothingSent = " Nothing was uploaded.",
            Stopped = "The upload was stopped.",
            Budget = "the time allowed for the upload with its retries and waits",
        };

        private readonly string templateName;

        public CampaignUploadEndpoint(string templateName)
            : base(HttpMethod.Post, SharedRoute) => this.templateName = templateName;

        public override FailureText Text => CampaignText;

        public override string NotFoundHint => " Check the bot id and the template's elementName.";

        public override string UnprocessableHint => " A field of the campaign is missing or invalid: the bot id, campaign name, template, parameter map or file.";

        public override JelouCampaignResult Complete(in ApiAnswer answer)
        {
            var result = new JelouCampaignResult
            {
                HttpStatus = answer.Status,
                Attempts = answer.Attempts,
                Duration = answer.Duration,
            };
            Read(answer.Body, result);
            var error = answer.Error ?? (Reported(answer.Body) is { } reported ? answer.ReportedFailure(reported) : null);
            if (error is not null)
            {
                error = new HsmSendEndpoint(Array.Empty<string>(), templateName).MissingTemplate(error, answer.Body) ?? error;
                result.Succeeded = false;
                result.Error = error.Message;
                result.ErrorId = error.ErrorId;
                result.PossiblyCreated = error.PossiblyDelivered;
                result.Failure = error;
            }
            else
            {
                result.Succeeded = true;
            }

            return result;
        }

        /// <summary>What a 2xx body reports as a failure: <c>status</c> failed or error, <c>success: false</c>, <c>statusMessage</c> failed.</summary>
        private static string? Reported(byte[]? body)
        {
            if (ReportedStatus.Failure(body) is { } reported)
            {
                return reported;
            }

            try
            {
                if (body is { Length: > 0 })
                {
                    using var document = JsonDocument.Parse(body);
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("statusMessage", out var message) && message.ValueKind == JsonValueKind.String
                        && string.Equals(message.GetString(), "failed", StringComparison.OrdinalIgnoreCase))
                    {
                        return "statusMessage failed";
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: it reports nothing.
            }

            return null;
        }

        /// <summary>The answer's <c>status</c> (a string, or G4's number) and <c>message</c> (an array or one string).</summary>
        internal static void Read(byte[]? body, JelouCampaignResult result)
        {
            if (body is not { Length: > 0 })
            {
                return;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return;
                }

                if (root.TryGetProperty("status", out var status))
                {
                    result.Status = status.ValueKind switch
                    {
                        JsonValueKind.String => status.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => status.GetRawText(),
                        _ => null,
                    };
                }

                if (result.Status is null && root.TryGetProperty("statusMessage", out var statusMessage) && statusMessage.ValueKind == JsonValueKind.String)
                {
                    result.Status = statusMessage.GetString();
                }

                if (root.TryGetProperty("message", out var message))
                {
                    result.Messages = message.ValueKind switch
                    {
                        JsonValueKind.String => new[] { message.GetString()! },
                        JsonValueKind.Array => message.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray(),
                        _ => Array.Empty<string>(),
                    };
                }
            }
            catch (JsonException)
            {
                // A body that is not JSON has no status or messages to show.
            }
        }
    }
}
