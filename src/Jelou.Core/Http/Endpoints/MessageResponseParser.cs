using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// The success rule of the two message endpoints (bot and room): a 2xx is Sent, with the <c>messageId</c> it
    /// gives, unless its body says <c>success: false</c>.
    /// </summary>
    internal static class MessageResponseParser
    {
        /// <summary>The outcome of one message send.</summary>
        public static SendOutcome Complete(in ApiAnswer answer)
        {
            if (answer.Error is { } error)
            {
                return new SendOutcome(null, answer.Status, answer.Attempts, answer.Duration, error, answer.RetryReasons);
            }

            var parsed = TryParse(answer.Body);
            return parsed?.Success == false
                ? new SendOutcome(null, answer.Status, answer.Attempts, answer.Duration, answer.ReportedFailure("success=false"), answer.RetryReasons)
                : new SendOutcome(parsed?.MessageId, answer.Status, answer.Attempts, answer.Duration, null, answer.RetryReasons);
        }

        /// <summary>
        /// Reads <c>success</c> and <c>messageId</c> from a 2xx body; null when the body is empty, not a JSON object, or
        /// either field has another type. Read with the reader rather than deserialized: every send parses one.
        /// </summary>
        public static SendMessageResponse? TryParse(byte[]? body)
        {
            if (body is null || body.Length == 0)
            {
                return null;
            }

            try
            {
                var reader = new Utf8JsonReader(body);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                var parsed = new SendMessageResponse();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("success"u8))
                    {
                        reader.Read();
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.True: parsed.Success = true; break;
                            case JsonTokenType.False: parsed.Success = false; break;
                            case JsonTokenType.Null: parsed.Success = null; break;
                            default: return null;
                        }
                    }
                    else if (reader.ValueTextEquals("messageId"u8))
                    {
                        reader.Read();
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String: parsed.MessageId = reader.GetString(); break;
                            case JsonTokenType.Null: parsed.MessageId = null; break;
                            default: return null;
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // Only a complete object counts; trailing content after it is refused as the deserializer did.
                return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? parsed : null;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a string that is not valid UTF-8 or holds a lone surrogate, which the reader
                // only checks when the value is read. The send still succeeded; it just has no readable id.
                return null;
            }
        }
    }
}
