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

        public HsmSendEndpoint(IReadOnlyList<string> destinations)
            : base(HttpMethod.Post, SharedRoute) => this.destinations = destinations ?? throw new ArgumentNullException(nameof(destinations));

        public override FailureText Text => FailureText.Message;

        public override string NotFoundHint => " Check the bot id and the template's elementName.";

        public override HsmSendResult Complete(in ApiAnswer answer)
        {
            var error = answer.Error ?? (ReportedStatus.Failure(answer.Body) is { } reported ? answer.ReportedFailure(reported) : null);
            if (error is not null)
            {
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
