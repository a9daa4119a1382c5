using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Templates;
using Jelou.Validation;

namespace Jelou.Tests.Templates;

/// <summary>
/// The fake's HSM endpoint sends from the catalogue the listing serves: for each row below, the pre-flight's verdict and
/// the fake's answer agree (a row the pre-flight passes is sent; one it stops or skips is refused), over loopback.
/// </summary>
public sealed class PreflightSendAgreementTests : IClassFixture<FakeServerFixture>
{
    private readonly FakeServerFixture fixture;

    public PreflightSendAgreementTests(FakeServerFixture fixture) => this.fixture = fixture;

    public static TheoryData<string, string?, string[], string?, bool> Rows => new()
    {
        { "recordatorio_pago", "es", new[] { "José Núñez", "$1.234,50" }, null, true },
        { "recordatorio_pago", "en", new[] { "Ann", "$10" }, null, true },
        { "recordatorio_pago", null, new[] { "José", "$1" }, null, true },
        { "recordatorio_pago", "es", new[] { "José" }, null, false },
        { "recordatorio_pago", "es", new[] { "José", "$1", "de más" }, null, false },
        { "recordatorio_pago", "pt_BR", new[] { "José", "$1" }, null, false },
        { "bienvenida_cliente", "es", Array.Empty<string>(), null, true },
        { "bienvenida_cliente", "es", new[] { "sobra" }, null, false },
        { "confirmacion_cita", "es", new[] { "Ana", "Quito", "martes" }, null, true },
        { "factura_pdf", "es", new[] { "Ana" }, "https://cdn.example.com/f.pdf", true },
        { "factura_pdf", "es", new[] { "Ana" }, null, false },
        { "promo_imagen", "pt_BR", new[] { "Ana" }, "https://cdn.example.com/p.png", true },
        { "tutorial_video", "es", Array.Empty<string>(), "https://cdn.example.com/v.mp4", true },
        { "codigo_verificacion", "es", new[] { "482913" }, null, true },
        { "promocion_verano", "es", new[] { "Ana", "20 %" }, null, false },
        { "oferta_relampago", "es", new[] { "2x1" }, null, false },
        { "no_existe", "es", new[] { "Ana" }, null, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_preflight_passes_exactly_the_rows_the_fake_sends(string name, string? language, string[] values, string? mediaUrl, bool sendable)
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        var message = TemplateMessageBuilder.Build(new TemplateMessageFields { UserId = "593999000001", TemplateName = name, Language = language, Parameters = values, MediaUrl = mediaUrl });

        var check = await new TemplatePreflight(client, CoreTestSupport.NoRetry).CheckAsync(
            new TemplateRow(1, CoreTestSupport.BotId, name) { Language = language, Parameters = values, MediaUrl = mediaUrl, Type = mediaUrl is null ? null : message.Type },
            TestContext.Current.CancellationToken);
        var outcome = await client.SendTemplateAsync(CoreTestSupport.BotId, message, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.Equal(sendable, check.Passed);
        Assert.Equal(sendable, outcome.Succeeded);
        Assert.Equal(sendable ? 1 : 0, server.Ledger.Count);
        if (!sendable)
        {
            Assert.Equal(400, outcome.Error!.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_or_unapproved_template_is_refused_as_the_documented_missing_template()
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);

        foreach (var name in new[] { "no_existe", "promocion_verano", "oferta_relampago" })
        {
            var message = TemplateMessageBuilder.Build(new TemplateMessageFields { UserId = "593999000001", TemplateName = name, Parameters = new[] { "a", "b" } });
            var outcome = await client.SendTemplateAsync(CoreTestSupport.BotId, message, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

            Assert.Equal(HsmSendEndpoint.TemplateNotFoundId, outcome.Error!.ErrorId);
            Assert.Contains("Template does not exist", outcome.Error.ApiMessage, StringComparison.Ordinal);
        }

        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public void An_empty_value_names_the_template_as_the_preflight_does()
    {
        var fields = new TemplateMessageFields { UserId = "593999000001", TemplateName = "recordatorio_pago", Parameters = new[] { "Ana", " " }, ButtonParameters = new[] { "" } };

        Assert.False(TemplateMessageBuilder.TryBuild(fields, out _, out var problems, out _));

        Assert.Equal("parameters[1]: is empty; the value for {{2}} of template 'recordatorio_pago' must have text, or WhatsApp refuses the template.", problems[0].ToString());
        Assert.Equal("buttonParameters[0]: is empty; every value of template 'recordatorio_pago' must have text, or WhatsApp refuses the template.", problems[1].ToString());
    }
}
