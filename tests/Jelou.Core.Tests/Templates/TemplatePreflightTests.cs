using System.Text.Json;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Templates;

namespace Jelou.Tests.Templates;

/// <summary>The pre-flight rules, and how it finds templates: each one listed once per batch, over loopback.</summary>
public sealed class TemplatePreflightTests
{
    private const string Bot = CoreTestSupport.BotId;

    private static JelouTemplate Template(string json) =>
        TemplateListParser.ReadItem(JsonDocument.Parse(json).RootElement) ?? throw new InvalidOperationException("no template: " + json);

    private static readonly JelouTemplate RecordatorioPago = Template("""{"elementName":"recordatorio_pago","language":"es","category":"UTILITY","status":"APPROVED","template":"Hola {{1}}, tu pago de {{2}} vence pronto."}""");
    private static readonly JelouTemplate FacturaPdf = Template("""{"elementName":"factura_pdf","language":"es","category":"UTILITY","status":"APPROVED","type":"document","template":"Hola {{1}}, adjuntamos tu factura."}""");
    private static readonly JelouTemplate Codigo = Template("""{"elementName":"codigo_verificacion","language":"es","category":"AUTHENTICATION","status":"APPROVED","template":"Tu código es {{1}}."}""");

    private static TemplateRow Row(long row, string name, params string?[] parameters) => new(row, Bot, name) { Parameters = parameters };

    [Fact]
    public void A_row_with_one_value_too_many_names_the_row_the_template_and_its_placeholders()
    {
        var problem = Assert.Single(TemplatePreflight.CheckRow(Row(12, "recordatorio_pago", "Ana", "$10", "extra"), RecordatorioPago));

        Assert.Equal("Parameter", problem.Field);
        Assert.Equal("Row 12: template 'recordatorio_pago' has 2 parameters ({{1}}, {{2}}); the row gives 3.", problem.Message);
    }

    [Fact]
    public void A_row_with_too_few_values_or_none_is_a_problem_and_the_right_count_is_not()
    {
        Assert.Contains("has 2 parameters ({{1}}, {{2}}); the row gives 1.", Assert.Single(TemplatePreflight.CheckRow(Row(3, "recordatorio_pago", "Ana"), RecordatorioPago)).Message, StringComparison.Ordinal);
        Assert.Contains("the row gives none.", Assert.Single(TemplatePreflight.CheckRow(Row(4, "recordatorio_pago"), RecordatorioPago)).Message, StringComparison.Ordinal);
        Assert.Empty(TemplatePreflight.CheckRow(Row(5, "recordatorio_pago", "José Núñez", "$1.234,50"), RecordatorioPago));
    }

    [Fact]
    public void A_template_without_parameters_says_so()
    {
        var bienvenida = Template("""{"elementName":"bienvenida","status":"APPROVED","template":"¡Bienvenido!"}""");

        Assert.Equal("Row 1: template 'bienvenida' has no parameters; the row gives 1.", Assert.Single(TemplatePreflight.CheckRow(Row(1, "bienvenida", "Ana"), bienvenida)).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_or_blank_value_is_a_problem_naming_its_placeholder(string? value)
    {
        var problem = Assert.Single(TemplatePreflight.CheckRow(Row(7, "recordatorio_pago", "Ana", value), RecordatorioPago));

        Assert.StartsWith("Row 7: parameter {{2}} of template 'recordatorio_pago' is empty", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_count_is_not_checked()
    {
        var named = Template("""{"elementName":"encuesta","status":"APPROVED","template":"¿Qué tal, {{nombre}}?"}""");

        Assert.Empty(TemplatePreflight.CheckRow(Row(1, "encuesta", "Ana", "otra", "más"), named));
    }

    [Theory]
    [InlineData(null, "MediaUrl is empty; template 'factura_pdf' has a DOCUMENT header")]
    [InlineData("http://tienda.example/f.pdf", "uses http")]
    [InlineData("factura.pdf", "is not an absolute URL")]
    public void A_media_template_needs_an_https_media_url(string? url, string expected)
    {
        var row = Row(9, "factura_pdf", "Ana");
        row.MediaUrl = url;

        var problem = Assert.Single(TemplatePreflight.CheckRow(row, FacturaPdf));

        Assert.Equal("MediaUrl", problem.Field);
        Assert.StartsWith("Row 9: MediaUrl ", problem.Message, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_media_template_with_its_https_url_passes_and_a_mismatched_type_does_not()
    {
        var row = Row(1, "factura_pdf", "Ana");
        row.MediaUrl = "https://tienda.example/f.pdf";
        Assert.Empty(TemplatePreflight.CheckRow(row, FacturaPdf));

        row.Type = "image";
        Assert.Contains("has a DOCUMENT header; the row's type is 'image'", Assert.Single(TemplatePreflight.CheckRow(row, FacturaPdf)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Visita https://x.example", "contains a URL")]
    [InlineData("www.tienda.example", "contains a URL")]
    [InlineData("123456 🔐", "contains an emoji")]
    public void An_authentication_template_takes_no_url_or_emoji(string value, string expected)
    {
        var problem = Assert.Single(TemplatePreflight.CheckRow(Row(2, "codigo_verificacion", value), Codigo));

        Assert.Contains("parameter {{1}} of template 'codigo_verificacion' " + expected, problem.Message, StringComparison.Ordinal);
        Assert.Contains("authentication templates may not contain URLs, emojis or media", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_authentication_template_takes_no_media_and_a_plain_code_passes()
    {
        var row = Row(2, "codigo_verificacion", "482913");
        Assert.Empty(TemplatePreflight.CheckRow(row, Codigo));

        row.MediaUrl = "https://tienda.example/logo.png";
        Assert.Contains("may not carry media", Assert.Single(TemplatePreflight.CheckRow(row, Codigo)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Close_names_are_by_edit_distance_ignoring_case_closest_first()
    {
        var close = TemplatePreflight.CloseNames("recordatorio_pgo", new[] { "recordatorio_pago", "Recordatorio_Pago2", "bienvenida_cliente", "recordatorio_cita" });

        Assert.Equal(new[] { "recordatorio_pago", "Recordatorio_Pago2" }, close.Take(2));
        Assert.DoesNotContain("bienvenida_cliente", close);
    }

    [Fact]
    public async Task Each_template_is_listed_once_per_batch_however_many_rows_use_it()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var preflight = new TemplatePreflight(client, CoreTestSupport.NoRetry);

        var checks = new List<TemplateRowCheck>();
        for (var i = 1; i <= 30; i++)
        {
            checks.Add(await preflight.CheckAsync(new TemplateRow(i, Bot, i % 3 == 0 ? "confirmacion_cita" : "recordatorio_pago") { Language = "es", Parameters = new[] { "Ana", "$10" } }));
        }

        Assert.Equal(2, preflight.Listings);
        Assert.Equal(2, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
        Assert.Equal(0, server.Ledger.Count);
        Assert.All(checks.Where(c => c.Row % 3 != 0), c => Assert.True(c.Passed, string.Join(" ", c.Problems)));
        Assert.All(checks.Where(c => c.Row % 3 == 0), c => Assert.Contains("template 'confirmacion_cita' has 3 parameters ({{1}}, {{2}}, {{3}}); the row gives 2.", Assert.Single(c.Problems).Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_batch_lists_again()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);

        await new TemplatePreflight(client, CoreTestSupport.NoRetry).CheckAsync(Row(1, "recordatorio_pago", "Ana", "$10"));
        await new TemplatePreflight(client, CoreTestSupport.NoRetry).CheckAsync(Row(1, "recordatorio_pago", "Ana", "$10"));

        Assert.Equal(2, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
    }

    [Fact]
    public async Task A_missing_template_stops_the_batch_and_names_approved_templates_close_to_it()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var preflight = new TemplatePreflight(client, CoreTestSupport.NoRetry);

        var check = await preflight.CheckAsync(Row(1, "recordatorio_pgo", "Ana", "$10"));
        var again = await preflight.CheckAsync(Row(2, "recordatorio_pgo", "Ana", "$10"));

        var failure = Assert.IsType<TemplateBatchFailure>(check.Failure);
        Assert.False(check.Passed);
        Assert.Equal(TemplateFailureReason.NotFound, failure.Reason);
        Assert.Equal("TemplateNotFound", failure.ErrorId);
        Assert.Contains("recordatorio_pago", failure.CloseNames);
        Assert.Contains("Template 'recordatorio_pgo' does not exist for bot 'bot-1'. Approved templates with close names: recordatorio_pago", failure.Message, StringComparison.Ordinal);
        Assert.Same(failure, again.Failure);
        Assert.Equal(2, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
    }

    [Fact]
    public async Task A_pending_template_stops_the_batch_and_says_its_status()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);

        var check = await new TemplatePreflight(client, CoreTestSupport.NoRetry).CheckAsync(Row(1, "promocion_verano", "Ana", "20%"));

        var failure = Assert.IsType<TemplateBatchFailure>(check.Failure);
        Assert.Equal(TemplateFailureReason.NotApproved, failure.Reason);
        Assert.Equal("PENDING", failure.Status);
        Assert.StartsWith("Template 'promocion_verano' (es) of bot 'bot-1' is PENDING; only APPROVED templates can be sent", failure.Message, StringComparison.Ordinal);
        Assert.Equal(failure.Message, failure.ToException().Message);
    }

    [Fact]
    public async Task A_language_the_template_lacks_stops_the_batch_naming_the_languages_it_has()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var preflight = new TemplatePreflight(client, CoreTestSupport.NoRetry);

        var english = await preflight.CheckAsync(new TemplateRow(1, Bot, "recordatorio_pago") { Language = "EN", Parameters = new[] { "Ann", "$10" } });
        var portuguese = await preflight.CheckAsync(new TemplateRow(2, Bot, "recordatorio_pago") { Language = "pt_BR", Parameters = new[] { "Ana", "$10" } });

        Assert.True(english.Passed);
        Assert.Equal("en", english.Template!.Language);
        Assert.Contains("exists in es, en but not in 'pt_BR'", portuguese.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(1, preflight.Listings);
    }

    [Fact]
    public async Task An_unknown_count_is_a_warning_given_once_not_a_guess()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var preflight = new TemplatePreflight(client, CoreTestSupport.NoRetry);

        var first = await preflight.CheckAsync(Row(1, "encuesta_servicio", "Ana"));
        var second = await preflight.CheckAsync(Row(2, "encuesta_servicio", "Ana", "de más"));

        Assert.True(first.Passed);
        Assert.True(second.Passed);
        Assert.Contains("Template 'encuesta_servicio' (es): the listing gives no placeholder count", Assert.Single(first.Warnings), StringComparison.Ordinal);
        Assert.Empty(second.Warnings);
    }

    [Fact]
    public async Task A_403_on_the_listing_stops_the_batch_and_suggests_SkipTemplateCheck()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.ForbidTemplateListing = true;
        using var client = CoreTestSupport.ClientFor(server);
        var preflight = new TemplatePreflight(client, CoreTestSupport.NoRetry);

        var check = await preflight.CheckAsync(Row(1, "recordatorio_pago", "Ana", "$10"));
        var again = await preflight.CheckAsync(Row(2, "recordatorio_pago", "Ana", "$10"));

        var failure = Assert.IsType<TemplateBatchFailure>(check.Failure);
        Assert.Equal(TemplateFailureReason.ListingForbidden, failure.Reason);
        Assert.Equal("TemplateListingForbidden", failure.ErrorId);
        Assert.Equal(403, failure.Error!.StatusCode);
        Assert.Contains("-SkipTemplateCheck", failure.Message, StringComparison.Ordinal);
        Assert.Same(failure, again.Failure);
        Assert.Equal(1, server.Ledger.Attempts.Count(a => a.Endpoint == "templates"));
        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public async Task Another_listing_failure_stops_the_batch_with_the_api_error()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { KnownBots = new HashSet<string> { Bot } });
        using var client = CoreTestSupport.ClientFor(server);

        var check = await new TemplatePreflight(client, CoreTestSupport.NoRetry).CheckAsync(new TemplateRow(1, "otro-bot", "recordatorio_pago"));

        Assert.Equal(TemplateFailureReason.ListingFailed, check.Failure!.Reason);
        Assert.Equal(JelouErrorKind.NotFound, check.Failure.Error!.Kind);
        Assert.StartsWith("Could not list the templates of bot 'otro-bot' to check template 'recordatorio_pago':", check.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_delegate_is_called_once_per_template_and_languages_that_differ_need_one_named()
    {
        var calls = 0;
        var es = Template("""{"elementName":"aviso","language":"es","status":"APPROVED","template":"Hola {{1}}"}""");
        var en = Template("""{"elementName":"aviso","language":"en","status":"APPROVED","template":"Hi {{1}}, {{2}}"}""");
        var preflight = new TemplatePreflight((bot, query, ct) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult<IReadOnlyList<JelouTemplate>>(new[] { es, en });
        });

        var unnamed = await preflight.CheckAsync(Row(1, "aviso", "Ana"));
        var named = await preflight.CheckAsync(new TemplateRow(2, Bot, "aviso") { Language = "es", Parameters = new[] { "Ana" } });

        Assert.Equal(TemplateFailureReason.LanguageAmbiguous, unnamed.Failure!.Reason);
        Assert.True(named.Passed);
        Assert.Equal(1, calls);
    }
}
