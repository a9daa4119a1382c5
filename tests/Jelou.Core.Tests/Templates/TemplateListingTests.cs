using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Templates;

namespace Jelou.Tests.Templates;

/// <summary>GET /v1/bots/{botId}/templates over loopback: the fake's catalogue, its pages, and an answer that does not page.</summary>
public sealed class TemplateListingTests
{
    // The built-in catalogue of tests/Jelou.FakeApi/FakeTemplates.cs (that file is not compiled on the net472 lane).
    private const int CatalogueSize = 12;

    [Fact]
    public async Task The_catalogue_is_read_with_the_servers_query_and_filters()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);

        var all = await client.GetTemplatesAsync(CoreTestSupport.BotId, options: CoreTestSupport.NoRetry);
        var pago = await client.GetTemplatesAsync(CoreTestSupport.BotId, "PAGO", options: CoreTestSupport.NoRetry);
        var pending = await client.GetTemplatesAsync(CoreTestSupport.BotId, status: "PENDING", options: CoreTestSupport.NoRetry);
        var auth = await client.GetTemplatesAsync(CoreTestSupport.BotId, category: "AUTHENTICATION", options: CoreTestSupport.NoRetry);

        Assert.Equal(CatalogueSize, all.Count);
        // The server's query is a search, not an exact name: "oferta_relampago" matches too.
        Assert.Equal(new[] { "recordatorio_pago/es", "recordatorio_pago/en", "oferta_relampago/es" }, pago.Select(t => t.Name + "/" + t.Language));
        Assert.Equal("promocion_verano", Assert.Single(pending).Name);
        Assert.Equal("codigo_verificacion", Assert.Single(auth).Name);
        var factura = all.Single(t => t.Name == "factura_pdf");
        Assert.Equal("DOCUMENT", factura.HeaderType);
        Assert.Equal(1, factura.ParameterCount);
        Assert.Equal(3, all.Single(t => t.Name == "confirmacion_cita").ParameterCount);
        Assert.Equal(0, all.Single(t => t.Name == "bienvenida_cliente").ParameterCount);
        Assert.Null(all.Single(t => t.Name == "encuesta_servicio").ParameterCount);
        Assert.Equal("URL", Assert.Single(all.Single(t => t.Name == "envio_en_camino").Buttons).Type);
    }

    [Fact]
    public async Task A_listing_that_pages_is_read_page_by_page()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { ExtraTemplateCount = 120 });
        using var client = CoreTestSupport.ClientFor(server);

        var all = await client.GetTemplatesAsync(CoreTestSupport.BotId, options: CoreTestSupport.NoRetry);

        Assert.Equal(CatalogueSize + 120, all.Count);
        Assert.Equal(all.Count, all.Select(t => t.Name + "/" + t.Language).Distinct().Count());
        Assert.Equal(3, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
    }

    [Fact]
    public async Task An_answer_without_pagination_is_the_whole_listing_even_when_long()
    {
        await using var server = await FakeJelouServer.StartAsync();
        var items = string.Join(",", Enumerable.Range(1, 60).Select(i => "{\"name\":\"plantilla_" + i + "\",\"status\":\"APPROVED\",\"text\":\"Hola {{1}}\"}"));
        server.Faults.Enqueue(new FakeResponse(200, "[" + items + "]"));
        using var client = CoreTestSupport.ClientFor(server);

        var all = await client.GetTemplatesAsync(CoreTestSupport.BotId, options: CoreTestSupport.NoRetry);

        Assert.Equal(60, all.Count);
        Assert.Equal(1, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
    }

    [Fact]
    public async Task A_body_that_is_not_a_listing_is_an_unexpected_answer()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.Enqueue(new FakeResponse(200, "{\"message\":\"ok\"}"));
        using var client = CoreTestSupport.ClientFor(server);

        var error = await Assert.ThrowsAsync<JelouApiException>(() => client.GetTemplatesAsync(CoreTestSupport.BotId, options: CoreTestSupport.NoRetry));

        Assert.Equal(JelouErrorKind.Unexpected, error.Kind);
        Assert.Contains("not a list of templates", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_listing_throws_permission_denied()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.ForbidTemplateListing = true;
        using var client = CoreTestSupport.ClientFor(server);

        var error = await Assert.ThrowsAsync<JelouApiException>(() => client.GetTemplatesAsync(CoreTestSupport.BotId, options: CoreTestSupport.NoRetry));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(JelouErrorKind.PermissionDenied, error.Kind);
    }
}
