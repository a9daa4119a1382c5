using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jelou.FakeApi;

internal readonly record struct ValidationIssue(string Field, string En, string Es);

/// <summary>Builders for the error body shapes the real API has been seen to send (jelou-api.md §6).</summary>
internal static class JsonBodies
{
    // Spanish messages go out as raw UTF-8, as a real server sends them, so that clients are tested on decoding them.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Fixed bodies are encoded once: the hot path only copies bytes.
    public static readonly byte[] AuthenticationFailed = Encoding.UTF8.GetBytes(PlainMessageText("Authentication failed"));
    public static readonly byte[] BotNotFound = G4Error("E1019", "BOT_NOT_FOUND", "Bot not found", "Bot no encontrado");
    public static readonly byte[] ForbiddenBot = G4Error("E0403", "FORBIDDEN_BOT", "You may not use this bot", "No puedes usar este bot");
    public static readonly byte[] UnsupportedMediaType = G4Error("E0415", "UNSUPPORTED_MEDIA_TYPE",
        "Content-Type must be application/json", "El Content-Type debe ser application/json");
    public static readonly byte[] BadJson = G4Error("E0400", "BAD_REQUEST", "The request body is not valid JSON", "El cuerpo de la solicitud no es un JSON válido");
    public static readonly byte[] EmptyTemplates = Encoding.UTF8.GetBytes("{\"results\":[]}");

    public static readonly byte[] RouteNotFound = G4Error("E0404", "NOT_FOUND", "Route not found", "Ruta no encontrada");
    public static readonly byte[] TooManyRequests = G4Error("E0429", "TOO_MANY_REQUESTS", "Too many requests", "Demasiadas solicitudes");
    public static readonly byte[] ServiceUnavailable = G4Error("E0503", "SERVICE_UNAVAILABLE", "Service unavailable", "Servicio no disponible");
    public static readonly byte[] InternalServerError = G4Error("E0500", "INTERNAL_SERVER_ERROR", "Internal server error", "Error interno del servidor");

    public static byte[] DefaultErrorFor(int status) => status switch
    {
        429 => TooManyRequests,
        503 => ServiceUnavailable,
        500 => InternalServerError,
        404 => RouteNotFound,
        _ => G4Error("E0" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), "ERROR", "Request failed", "La solicitud falló"),
    };

    public static string G4ErrorText(string code, string key, string en, string es) => Encoding.UTF8.GetString(G4Error(code, key, en, es));

    public static byte[] G4Error(string code, string key, string en, string es)
        => Write(w => WriteG4(w, code, key, [en], en, es, null));

    public static byte[] ValidationError(IReadOnlyList<ValidationIssue> issues)
    {
        var messages = new string[issues.Count];
        for (int i = 0; i < issues.Count; i++)
        {
            messages[i] = issues[i].En;
        }

        return Write(w => WriteG4(w, "E0422", "VALIDATOR_ERROR", messages, "Validation error", "Error de validación", issues));
    }

    public static string PlainMessageText(string message)
        => Encoding.UTF8.GetString(Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        }));

    public static string LegacyHsmText(IReadOnlyList<string> messages)
        => Encoding.UTF8.GetString(Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("message");
            foreach (string m in messages)
            {
                w.WriteStringValue(m);
            }

            w.WriteEndArray();
            w.WriteString("status", "failed");
            w.WriteStartObject("_metadata");
            w.WriteStartObject("error");
            w.WriteEndObject();
            w.WriteStartObject("body");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }));

    public static string CodeOnlyText(string code, string description)
        => Encoding.UTF8.GetString(Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("description", description);
            w.WriteEndObject();
        }));

    private static void WriteG4(Utf8JsonWriter w, string code, string key, IReadOnlyList<string> messages, string en, string es,
        IReadOnlyList<ValidationIssue>? issues)
    {
        w.WriteStartObject();
        w.WriteStartArray("message");
        foreach (string m in messages)
        {
            w.WriteStringValue(m);
        }

        w.WriteEndArray();
        w.WriteString("statusMessage", "failed");
        w.WriteNumber("status", 0);
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("key", key);
        w.WriteString("description", en);
        w.WriteStartObject("developerMessages");
        w.WriteString("es", es);
        w.WriteString("en", en);
        w.WriteEndObject();
        w.WriteStartObject("clientMessages");
        w.WriteString("es", es);
        w.WriteString("en", en);
        w.WriteEndObject();
        w.WriteEndObject();
        if (issues is not null)
        {
            w.WriteStartObject("validationError");
            foreach (IGrouping<string, ValidationIssue> field in issues.GroupBy(i => i.Field, StringComparer.Ordinal))
            {
                w.WriteStartArray(field.Key);
                foreach (ValidationIssue issue in field)
                {
                    w.WriteStartObject();
                    w.WriteString("en", issue.En);
                    w.WriteString("es", issue.Es);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    // A MemoryStream rather than ArrayBufferWriter: the net472 test lane compiles this file too, and netstandard has no public one.
    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
