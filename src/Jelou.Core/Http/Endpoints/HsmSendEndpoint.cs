using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// POST /v2/whatsapp/{botId}/hsm: one approved template to one or more numbers. The answer is an array with one
    /// entry per destination, <c>[{"id": "...", "destination": "593..."}]</c>, so one request has one outcome per
    /// destination. A 2xx that says <c>status: failed</c> fails every destination. Made per call: the outcome of
    /// each destination asked for is read from the answer.
    /// </summary>
    internal sealed class HsmSendEndpoint : ApiEndpoint<HsmSendResult>
    {
        private static readonly RouteTemplate SharedRoute = new("v2/whatsapp/{botId}/hsm");
        private readonly IReadOnlyList<string> destinations;
        private readonly string? template;

        /// <param name="destinations">The numbers asked for, whose outcomes are read from the answer.</param>
        /// <param name="template">The template's name, for the error when the API says it does not exist.</param>
        public HsmSendEndpoint(IReadOnlyList<string> destinations, string? template = null)
            : base(HttpMethod.Post, SharedRoute)
        {
            this.destinations = destinations ?? throw new ArgumentNullException(nameof(destinations));
            this.template = template;
        }

        /// <summary>The error id of an answer that says the template does not exist or is not approved.</summary>
        public const string TemplateNotFoundId = "JelouTemplateNotFound";

        public override FailureText Text => FailureText.Message;

        public override string NotFoundHint => " Check the bot id and the template's elementName.";

        public override HsmSendResult Complete(in ApiAnswer answer)
        {
            var error = answer.Error ?? (ReportedStatus.Failure(answer.Body) is { } reported ? answer.ReportedFailure(reported) : null);
            if (error is not null)
            {
                error = MissingTemplate(error, answer.Body) ?? error;
                var failed = destinations.Select(d => new DestinationOutcome(d, null, error)).ToList();
                return new HsmSendResult(failed, answer.Status, answer.Attempts, answer.Duration, error, answer.RetryReasons);
            }

            var ids = ReadIds(answer.Body);
            var outcomes = new List<DestinationOutcome>(destinations.Count);
            foreach (var destination in destinations)
            {
                if (ids is null)
                {
                    // An answer that is not the documented array still came with a 2xx: accepted, with no id to show.
                    outcomes.Add(new DestinationOutcome(destination, null, null));
                }
                else if (ids.TryGetValue(Digits(destination), out var id))
                {
                    outcomes.Add(new DestinationOutcome(destination, id, null));
                }
                else
                {
                    var missing = new JelouApiException(JelouErrorKind.Unexpected, $"Jelou API answered {answer.Status} but did not list destination {destination}. The message may have been delivered; check before sending it again.", answer.Status)
                    {
                        PossiblyDelivered = true,
                    };
                    outcomes.Add(new DestinationOutcome(destination, null, missing));
                }
            }

            return new HsmSendResult(outcomes, answer.Status, answer.Attempts, answer.Duration, null, answer.RetryReasons);
        }

        /// <summary>
        /// The older HSM error, <c>{"message":["Template does not exist"],"status":"failed","_metadata":{...}}</c>
        /// (jelou-api.md §5.1), whatever status it comes with: a failure of its own (JelouTemplateNotFound, kind NotFound),
        /// since every other row of the batch would fail the same way. Null for any other failure.
        /// </summary>
        internal JelouApiException? MissingTemplate(JelouApiException error, byte[]? body)
        {
            if (error.PossiblyDelivered || body is not { Length: > 0 } || !SaysTemplateIsMissing(body))
            {
                return null;
            }

            var name = template is null ? "The template" : $"Template '{template}'";
            var message = $"{error.Message} {name} does not exist for this bot or is not approved by WhatsApp: check its name (elementName) and language, and that its status is APPROVED; Get-JelouTemplate lists the bot's templates.";
            return new JelouApiException(JelouErrorKind.NotFound, message, error.StatusCode, error)
            {
                ErrorId = TemplateNotFoundId,
                ErrorCode = error.ErrorCode,
                ErrorKey = error.ErrorKey,
                ApiMessage = error.ApiMessage,
            };
        }

        // Only the server's own words: the older error echoes the request under _metadata.body, and a template name or a
        // value there must not read as the server's verdict.
        private static bool SaysTemplateIsMissing(byte[] body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("message", out var message))
                {
                    return false;
                }

                return message.ValueKind switch
                {
                    JsonValueKind.String => IsMissing(message.GetString()),
                    JsonValueKind.Array => message.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && IsMissing(m.GetString())),
                    _ => false,
                };
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                return false;
            }
        }

        // The documented wording, and the two ways a template-specific refusal is worded elsewhere.
        private static bool IsMissing(string? text) => text is not null
            && (text.IndexOf("template does not exist", StringComparison.OrdinalIgnoreCase) >= 0
                || text.IndexOf("template not found", StringComparison.OrdinalIgnoreCase) >= 0
                || (text.IndexOf("template", StringComparison.OrdinalIgnoreCase) >= 0 && text.IndexOf("not approved", StringComparison.OrdinalIgnoreCase) >= 0));

        /// <summary>The answer's ids by destination (digits only), or null when the body is not an array of entries.</summary>
        internal static Dictionary<string, string?>? ReadIds(byte[]? body)
        {
            if (body is not { Length: > 0 })
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var ids = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var entry in document.RootElement.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.Object
                        && entry.TryGetProperty("destination", out var destination) && destination.ValueKind == JsonValueKind.String)
                    {
                        var id = entry.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                        ids[Digits(destination.GetString()!)] = id;
                    }
                }

                return ids;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return null;
            }
        }

        // The API may echo a number with or without its '+' or spaces; the digits are what identify it.
        private static string Digits(string number) => new(number.Where(char.IsDigit).ToArray());
    }

    /// <summary>What one HSM request ended with: one outcome per destination, and the request's own failure if it failed.</summary>
    internal sealed class HsmSendResult
    {
        public HsmSendResult(IReadOnlyList<DestinationOutcome> destinations, int? httpStatus, int attempts, TimeSpan duration, JelouApiException? error, IReadOnlyList<string> retryReasons)
        {
            Destinations = destinations;
            HttpStatus = httpStatus;
            Attempts = attempts;
            Duration = duration;
            Error = error;
            RetryReasons = retryReasons;
        }

        public IReadOnlyList<DestinationOutcome> Destinations { get; }

        public int? HttpStatus { get; }

        public int Attempts { get; }

        public TimeSpan Duration { get; }

        /// <summary>The request's failure (every destination then carries it too), or null.</summary>
        public JelouApiException? Error { get; }

        public IReadOnlyList<string> RetryReasons { get; }
    }

    /// <summary>One destination of an HSM request: its message id when the API gave one, or its failure.</summary>
    internal sealed class DestinationOutcome
    {
        public DestinationOutcome(string destination, string? messageId, JelouApiException? error)
        {
            Destination = destination;
            MessageId = messageId;
            Error = error;
        }

        public string Destination { get; }

        public string? MessageId { get; }

        public JelouApiException? Error { get; }

        public bool Succeeded => Error is null;
    }
}
