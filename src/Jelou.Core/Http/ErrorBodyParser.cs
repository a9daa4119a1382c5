using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Reads every documented error body shape (jelou-api.md section 6) into one <see cref="JelouApiException"/>:
    /// the G4 envelope, the plain <c>{message}</c>, the older HSM error with <c>_metadata</c>, the short
    /// <c>{code, description}</c> form and non-JSON bodies from gateways.
    /// </summary>
    internal static class ErrorBodyParser
    {
        private const int MaxMessageLength = 500;

        /// <summary>
        /// Reads an error answer. The message puts the server's own words first, then the status, then what to do:
        /// a table or a log line cut short still shows what is specific to this failure.
        /// </summary>
        /// <remarks>
        /// <paramref name="request"/> is the call's settings, so that advice names only what can still be changed; null when
        /// unknown. <paramref name="endpoint"/> says what a 404 or 422 means there, and whether a 5xx may have delivered
        /// anything (never for a read); null reads as a message send.
        /// </remarks>
        public static JelouApiException Parse(int status, string? body, RetryConditionHeaderValue? retryAfterHeader, Redactor redactor, DateTimeOffset now, SendRequestOptions? request = null, ApiEndpoint? endpoint = null)
        {
            var kind = JelouApiException.KindForStatus(status);
            string? code = null, key = null, apiMessage = null;
            if (!string.IsNullOrWhiteSpace(body))
            {
                try
                {
                    using var document = JsonDocument.Parse(body!);
                    ReadJson(document.RootElement, ref code, ref key, ref apiMessage);
                }
                catch (JsonException)
                {
                    apiMessage = FirstLine(body!);
                }
            }

            apiMessage = apiMessage is null ? null : Truncate(redactor.Redact(apiMessage));
            code = code is null ? null : redactor.Redact(code);
            key = key is null ? null : redactor.Redact(key);
            var possiblyDelivered = endpoint?.IsSafe != true && status is 500 or 502 or 504;
            var message = new StringBuilder();
            if (apiMessage is not null)
            {
                message.Append(Sentence(apiMessage)).Append(' ');
            }

            message.Append("Jelou API answered ").Append(JelouApiException.Describe(status));
            if (code is not null || key is not null)
            {
                message.Append(" (").Append(string.Join(" ", new[] { code, key }.Where(s => s is not null))).Append(')');
            }

            message.Append('.').Append(Hint(kind, possiblyDelivered, request, endpoint));
            if (status == 422 && endpoint is not null)
            {
                message.Append(endpoint.UnprocessableHint);
            }

            return new JelouApiException(kind, message.ToString(), status)
            {
                ErrorCode = code,
                ErrorKey = key,
                ApiMessage = apiMessage,
                RetryAfter = ParseRetryAfter(retryAfterHeader, now),
                PossiblyDelivered = possiblyDelivered,
            };
        }

        /// <summary>Reads Retry-After in both its delta-seconds and HTTP-date forms.</summary>
        public static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
        {
            if (header is null)
            {
                return null;
            }

            if (header.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }

            return null;
        }

        private static void ReadJson(JsonElement root, ref string? code, ref string? key, ref string? apiMessage)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                apiMessage = root.ValueKind == JsonValueKind.String ? root.GetString() : null;
                return;
            }

            apiMessage = MessageText(root, "message") ?? MessageText(root, "description") ?? MessageText(root, "error");
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = StringProperty(error, "code");
                key = StringProperty(error, "key");
                apiMessage ??= StringProperty(error, "description");
            }

            code ??= StringProperty(root, "code");
            key ??= StringProperty(root, "key");

            // validationError: {field: [{en, es, pt}]} names which field the server rejected.
            if (root.TryGetProperty("validationError", out var validation) && validation.ValueKind == JsonValueKind.Object)
            {
                var fields = new List<string>();
                foreach (var field in validation.EnumerateObject())
                {
                    var text = field.Value.ValueKind == JsonValueKind.Array && field.Value.GetArrayLength() > 0
                        ? Localized(field.Value[0])
                        : Localized(field.Value);
                    fields.Add(text is null ? field.Name : field.Name + ": " + text);
                }

                if (fields.Count > 0)
                {
                    apiMessage = (apiMessage is null ? string.Empty : apiMessage + " ") + "[" + string.Join("; ", fields) + "]";
                }
            }
        }

        private static string? MessageText(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Array => JoinMessages(value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)) is { Length: > 0 } joined ? joined : null,
                _ => null,
            };
        }

        private static string? Localized(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => StringProperty(value, "en") ?? StringProperty(value, "es") ?? StringProperty(value, "pt"),
            _ => null,
        };

        private static string? StringProperty(JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
                ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetRawText(),
                    _ => null,
                }
                : null;

        private static string FirstLine(string body)
        {
            var text = body.Trim();
            var newline = text.IndexOfAny(new[] { '\r', '\n' });
            return newline > 0 ? text.Substring(0, newline) : text;
        }

        private static string Truncate(string text) => text.Length <= MaxMessageLength ? text : text.Substring(0, MaxMessageLength) + "...";

        /// <summary>Joins the server's messages: "; " between fragments, a space after a message that ends a sentence.</summary>
        internal static string JoinMessages(IEnumerable<string> messages)
        {
            var joined = new StringBuilder();
            foreach (var message in messages.Select(m => m.Trim()).Where(m => m.Length > 0))
            {
                if (joined.Length > 0)
                {
                    joined.Append(EndsSentence(joined) ? " " : "; ");
                }

                joined.Append(message);
            }

            return joined.ToString();
        }

        /// <summary>The text with a full stop, unless it already ends a sentence.</summary>
        internal static string Sentence(string text)
        {
            var trimmed = text.TrimEnd();
            return trimmed.Length == 0 || EndsSentence(trimmed) ? trimmed : trimmed + ".";
        }

        internal static string Hint(JelouErrorKind kind, bool possiblyDelivered, SendRequestOptions? request = null, ApiEndpoint? endpoint = null) => possiblyDelivered
            ? (endpoint?.Text ?? FailureText.Message).MayHaveDelivered
            : kind switch
            {
                JelouErrorKind.Authentication => " Check the client id and secret (Set-JelouCredential).",
                JelouErrorKind.PermissionDenied => " This account may not use the bot.",
                JelouErrorKind.NotFound => endpoint?.NotFoundHint ?? " Check the bot or room id.",
                JelouErrorKind.RateLimited => RateLimitHint(request),
                _ => string.Empty,
            };

        // Only what can still be lowered is suggested: at -ThrottleLimit 1 one request is in flight already.
        private static string RateLimitHint(SendRequestOptions? request)
        {
            var paced = request?.Pacer is not null || request?.Pace?.HasCeiling == true;
            return request?.ThrottleLimit switch
            {
                null => " Wait a moment and try again.",
                1 => paced ? " Lower -RateLimit." : " Set -RateLimit to send more slowly.",
                _ => paced ? " Lower -ThrottleLimit or -RateLimit." : " Lower -ThrottleLimit or set -RateLimit.",
            };
        }

        private static bool EndsSentence(string text) => text.Length > 0 && text[text.Length - 1] is '.' or '!' or '?' or '…';

        private static bool EndsSentence(StringBuilder text) => text.Length > 0 && text[text.Length - 1] is '.' or '!' or '?' or '…';

        internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }
}
