using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Jelou.FakeApi;

/// <summary>One template of the fake's catalogue, served by GET /v1/bots/{botId}/templates.</summary>
/// <param name="Name">The elementName.</param>
/// <param name="Language">The language code.</param>
/// <param name="Category">UTILITY, MARKETING or AUTHENTICATION.</param>
/// <param name="Status">APPROVED, PENDING, REJECTED, ...</param>
/// <param name="Text">The body, with its {{n}} placeholders.</param>
public sealed record FakeTemplate(string Name, string Language, string Category, string Status, string Text)
{
    /// <summary>The header's format (IMAGE, DOCUMENT, VIDEO, TEXT), or null for none.</summary>
    public string? HeaderType { get; init; }

    /// <summary>Served as <c>paramsNumber</c> when set; otherwise the client must count the placeholders of the text.</summary>
    public int? ParamsNumber { get; init; }

    /// <summary>A URL button's target, or null for none.</summary>
    public string? ButtonUrl { get; init; }

    /// <summary>
    /// How many body values a send must give, as the HSM endpoint checks it: <see cref="ParamsNumber"/> when set, else the
    /// distinct placeholders of the text, numbered or named.
    /// </summary>
    public int PlaceholderCount => ParamsNumber ?? Placeholders.Matches(Text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Count();

    private static Regex Placeholders { get; } = new(@"\{\{\s*([^{}]*?)\s*\}\}", RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="language"/> names this template's language (any case, <c>_</c> or <c>-</c>).</summary>
    public bool SpeaksLanguage(string language) =>
        string.Equals(Language.Replace('-', '_'), language.Trim().Replace('-', '_'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The templates the fake lists, and the only ones its HSM endpoint sends (<see cref="FakeHsm"/>): by default approved,
/// pending and rejected ones with 0 to 3 parameters, document, image and video headers, an authentication template and
/// one whose count cannot be read from its text (a named placeholder); tests may replace them. Listed in the API's paged shape, filtered by <c>query</c> (a substring of elementName, any case), <c>status</c>
/// and <c>category</c>; <see cref="FakeFaults.ForbidTemplateListing"/> answers 403 instead.
/// </summary>
public sealed class FakeTemplateCatalogue
{
    private readonly Lock _lock = new();
    private readonly int _extra;
    private List<FakeTemplate> _templates;

    internal FakeTemplateCatalogue(int extra)
    {
        _extra = extra;
        _templates = Defaults(extra);
    }

    /// <summary>The built-in catalogue (what a new server lists).</summary>
    public static IReadOnlyList<FakeTemplate> Default { get; } = Defaults(0);

    /// <summary>The templates listed now.</summary>
    public IReadOnlyList<FakeTemplate> Items
    {
        get { lock (_lock) { return [.. _templates]; } }
    }

    /// <summary>Replaces the catalogue.</summary>
    /// <param name="templates">The templates to list.</param>
    public void Set(IEnumerable<FakeTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        lock (_lock)
        {
            _templates = [.. templates];
        }
    }

    /// <summary>Adds one template.</summary>
    /// <param name="template">The template.</param>
    public void Add(FakeTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        lock (_lock)
        {
            _templates = [.. _templates, template];
        }
    }

    /// <summary>Back to the start-up catalogue (the defaults plus <see cref="FakeJelouOptions.ExtraTemplateCount"/>).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _templates = Defaults(_extra);
        }
    }

    /// <summary>One page of the listing: <c>page</c> from 1, <c>limit</c> 1 to 50 (10 when absent), as GET /v1/campaigns.</summary>
    internal (int Status, byte[] Body) Listing(HttpRequest request, string botId, bool forbidden)
    {
        if (forbidden)
        {
            return (StatusCodes.Status403Forbidden, JsonBodies.G4Error("E0403", "FORBIDDEN", "You may not list the templates of this bot", "No puedes listar las plantillas de este bot"));
        }

        if (FakePaging.Read(request, out int page, out int limit) is { } refused)
        {
            return refused;
        }

        string query = request.Query["query"].ToString();
        string status = request.Query["status"].ToString();
        string category = request.Query["category"].ToString();
        List<FakeTemplate> matched = Items
            .Where(t => query.Length == 0 || t.Name.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Where(t => status.Length == 0 || t.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
            .Where(t => category.Length == 0 || t.Category.Equals(category, StringComparison.OrdinalIgnoreCase))
            .ToList();

        int offset = (int)Math.Min((long)(page - 1) * limit, matched.Count);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("pagination");
            writer.WriteNumber("limit", limit);
            writer.WriteNumber("page", page);
            writer.WriteNumber("total", matched.Count);
            writer.WriteNumber("offset", (long)(page - 1) * limit);
            writer.WriteNumber("totalPages", (matched.Count + limit - 1) / limit);
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            for (int i = offset; i < Math.Min(offset + limit, matched.Count); i++)
            {
                Write(writer, matched[i], botId, i);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return (StatusCodes.Status200OK, stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, FakeTemplate template, string botId, int index)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "tpl-" + (index + 1).ToString("D4", CultureInfo.InvariantCulture));
        writer.WriteString("botId", botId);
        writer.WriteString("elementName", template.Name);
        writer.WriteString("language", template.Language);
        writer.WriteString("category", template.Category);
        writer.WriteString("status", template.Status);
        writer.WriteString("type", template.HeaderType is "IMAGE" or "DOCUMENT" or "VIDEO" ? template.HeaderType.ToLowerInvariant() : "text");
        writer.WriteString("template", template.Text);
        if (template.ParamsNumber is int count)
        {
            writer.WriteNumber("paramsNumber", count);
        }

        if (template.HeaderType is { } header)
        {
            writer.WriteStartObject("header");
            writer.WriteString("format", header);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("buttons");
        if (template.ButtonUrl is { } url)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "URL");
            writer.WriteString("text", "Ver detalle");
            writer.WriteString("url", url);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("createdAt", "2026-01-15T12:00:00.000Z");
        writer.WriteEndObject();
    }

    private static List<FakeTemplate> Defaults(int extra)
    {
        var templates = new List<FakeTemplate>
        {
            new("recordatorio_pago", "es", "UTILITY", "APPROVED", "Hola {{1}}, te recordamos que tu pago de {{2}} vence pronto. ¡Gracias!"),
            new("recordatorio_pago", "en", "UTILITY", "APPROVED", "Hi {{1}}, your payment of {{2}} is due soon. Thank you!"),
            new("bienvenida_cliente", "es", "MARKETING", "APPROVED", "¡Bienvenido a Tienda Ñandú! Gracias por elegirnos."),
            new("confirmacion_cita", "es", "UTILITY", "APPROVED", "Hola {{1}}, tu cita en {{2}} es el {{3}}. Responde SÍ para confirmar.") { ParamsNumber = 3 },
            new("factura_pdf", "es", "UTILITY", "APPROVED", "Hola {{1}}, adjuntamos tu factura del mes.") { HeaderType = "DOCUMENT" },
            new("codigo_verificacion", "es", "AUTHENTICATION", "APPROVED", "Tu código de verificación es {{1}}. No lo compartas.") { ParamsNumber = 1 },
            new("envio_en_camino", "es", "UTILITY", "APPROVED", "Tu pedido {{1}} va en camino.") { ButtonUrl = "https://tienda.example/pedidos/{{1}}" },
            new("encuesta_servicio", "es", "MARKETING", "APPROVED", "¿Cómo calificarías nuestro servicio, {{nombre}}?"),
            new("promocion_verano", "es", "MARKETING", "PENDING", "¡{{1}}, este verano tienes {{2}} de descuento!"),
            new("oferta_relampago", "es", "MARKETING", "REJECTED", "Solo hoy: {{1}}."),
            new("promo_imagen", "pt_BR", "MARKETING", "APPROVED", "Olá {{1}}, veja a nossa promoção!") { HeaderType = "IMAGE" },
            new("tutorial_video", "es", "UTILITY", "APPROVED", "Mira cómo activar tu cuenta en un minuto.") { HeaderType = "VIDEO" },
        };
        for (int i = 1; i <= extra; i++)
        {
            templates.Add(new FakeTemplate("plantilla_" + i.ToString("D4", CultureInfo.InvariantCulture), "es", "UTILITY", "APPROVED", "Mensaje número {{1}}.") { ParamsNumber = 1 });
        }

        return templates;
    }

}
