using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Whether a 2xx body says the request failed anyway: an object with <c>success: false</c>, or with a <c>status</c>
    /// of <c>failed</c> or <c>error</c> (the HSM endpoint's <c>{"message":[...],"status":"failed"}</c>). Used by the
    /// endpoints whose documentation allows such an answer; the message endpoints keep their own rule.
    /// </summary>
    internal static class ReportedStatus
    {
        /// <summary>What the body reported ("status failed", "success=false"), or null when it reported no failure.</summary>
        public static string? Failure(byte[]? body)
        {
            if (body is not { Length: > 0 })
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

                string? reported = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("success"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.False)
                        {
                            reported ??= "success=false";
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else if (reader.ValueTextEquals("status"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } status
                            && (status.Equals("failed", StringComparison.OrdinalIgnoreCase) || status.Equals("error", StringComparison.OrdinalIgnoreCase)))
                        {
                            reported ??= "status " + status;
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                return reported;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not JSON, or not valid UTF-8: it says nothing readable, so it reports no failure.
                return null;
            }
        }
    }
}
