using System.Text.Json.Nodes;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// Every HSM body the template builder makes, as the fake server received it, satisfies <c>HsmSendRequest</c> in
/// shared/jelou-openapi.json, and names only properties the schema declares: the schema allows any other property, so
/// a misspelt one (fileName for filename) would otherwise pass and be ignored by the server.
/// </summary>
public sealed class TemplateContractTests : IClassFixture<FakeServerFixture>
{
    private const string Schema = "HsmSendRequest";

    private readonly FakeServerFixture fixture;

    public TemplateContractTests(FakeServerFixture fixture) => this.fixture = fixture;

    public static TheoryData<string> Cases => new(CaseTable.Keys);

    // Templates of the fake's catalogue (tests/Jelou.FakeApi/FakeTemplates.cs), which its HSM endpoint sends from: one case
    // per template type and per optional field, so every shape of body the builder makes is sent and checked.
    private static readonly Dictionary<string, Func<TemplateMessageFields>> CaseTable = new(StringComparer.Ordinal)
    {
        ["text, two values"] = () => new() { UserId = "593999000001", TemplateName = "recordatorio_pago", Language = "es", Parameters = new[] { "Begoña Ibáñez", "¥1.000 🎉" } },
        ["text, no values, no language"] = () => new() { UserId = "593999000002", TemplateName = "bienvenida_cliente" },
        ["text, header, button and campaign"] = () => new()
        {
            UserId = "+593 99 900 0003",
            TemplateName = "confirmacion_cita",
            Language = "es",
            Type = "TEXT",
            Parameters = new[] { "Dr. Muñoz", "martes", "10:00" },
            HeaderParameters = new[] { "Cita médica" },
            ButtonParameters = new[] { "cita/8812" },
            CampaignId = "camp-2024-08",
        },
        ["text, a URL button"] = () => new() { UserId = "593999000006", TemplateName = "envio_en_camino", Language = "es", Parameters = new[] { "PED-77" }, ButtonParameters = new[] { "PED-77" } },
        ["document with filename"] = () => new()
        {
            UserId = "593999000004",
            TemplateName = "factura_pdf",
            Language = "es",
            MediaUrl = "https://cdn.example.com/facturas/F-0815.pdf",
            FileName = "Factura agosto.pdf",
            Parameters = new[] { "Ana Pérez" },
        },
        ["document, type given, no filename"] = () => new() { UserId = "593999000007", TemplateName = "factura_pdf", Type = "document", MediaUrl = "https://cdn.example.com/f", Parameters = new[] { "Ana" } },
        ["image inferred"] = () => new() { UserId = "593999000005", TemplateName = "promo_imagen", Language = "pt_BR", MediaUrl = "https://cdn.example.com/p.png", Parameters = new[] { "你好" } },
        ["video inferred"] = () => new() { UserId = "593999000008", TemplateName = "tutorial_video", Language = "es", MediaUrl = "https://cdn.example.com/tutorial.mp4" },
        ["authentication code"] = () => new() { UserId = "593999000009", TemplateName = "codigo_verificacion", Language = "es", Parameters = new[] { "482913" } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_template_body_reaches_the_server_as_a_valid_HsmSendRequest(string name)
    {
        var message = TemplateMessageBuilder.Build(CaseTable[name]());
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);

        var outcome = await client.SendTemplateAsync("bot-1", message, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal("hsm", entry.Endpoint);
        Assert.Empty(await OpenApiContract.ValidateAsync(Schema, entry.Body));

        var declared = OpenApiContract.Document()["components"]!["schemas"]![Schema]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var sent = JsonNode.Parse(entry.Body)!.AsObject();
        Assert.All(sent.Select(p => p.Key), key => Assert.Contains(key, declared));
        Assert.Equal(new[] { message.Destination }, sent["destinations"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public void The_cases_cover_every_template_type_and_every_field_the_builder_fills()
    {
        var bodies = CaseTable.Values.Select(c => JsonNode.Parse(BotMessageSerializer.Serialize(TemplateMessageBuilder.Build(c())))!.AsObject()).ToList();

        Assert.Equal(TemplateTypes.All.OrderBy(t => t, StringComparer.Ordinal), bodies.Select(b => b["type"]!.GetValue<string>()).Distinct().OrderBy(t => t, StringComparer.Ordinal));
        var filled = bodies.SelectMany(b => b.Select(p => p.Key)).ToHashSet(StringComparer.Ordinal);
        var writable = typeof(TemplateMessage).GetProperties()
            .Select(p => p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false).Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name)
            .Where(n => n is not null);
        Assert.All(writable, name => Assert.Contains(name!, filled));
    }

    [Fact]
    public void A_button_value_is_sent_in_both_shapes_the_contract_declares()
    {
        var fields = CaseTable["text, a URL button"]();
        fields.ButtonParameters = new[] { "PED-77", "ayuda/77" };
        var body = JsonNode.Parse(BotMessageSerializer.Serialize(TemplateMessageBuilder.Build(fields)))!;

        Assert.Equal("""[{"type":"URL","param":0,"payload":{"type":"text","text":"PED-77"}},{"type":"URL","param":1,"payload":{"type":"text","text":"ayuda/77"}}]""", body["buttonParameters"]!.ToJsonString());
        Assert.Equal("""["PED-77","ayuda/77"]""", body["dynamicUrlParameter"]!.ToJsonString());
    }

    [Theory]
    [InlineData("no elementName", """{"destinations":["593999000001"]}""")]
    [InlineData("no destinations", """{"elementName":"x"}""")]
    [InlineData("a number as a parameter", """{"elementName":"x","destinations":["593999000001"],"parameters":[25]}""")]
    [InlineData("a string as a button parameter", """{"elementName":"x","destinations":["593999000001"],"buttonParameters":["PED-77"]}""")]
    [InlineData("a string as a button's param", """{"elementName":"x","destinations":["593999000001"],"buttonParameters":[{"type":"URL","param":"0","payload":{}}]}""")]
    public async Task The_validator_rejects_HSM_bodies_that_break_the_contract(string why, string json)
    {
        Assert.True((await OpenApiContract.ValidateAsync(Schema, json)).Count > 0, why + " was accepted");
    }

    [Fact]
    public void Every_template_type_is_a_type_the_endpoint_documents()
    {
        var declared = OpenApiContract.Document()["components"]!["schemas"]![Schema]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.All(TemplateMessageDescriptors.Catalog.All.SelectMany(d => d.Fields), rule => Assert.Contains(rule.Wire, declared));
        Assert.Equal(TemplateTypes.All, TemplateMessageDescriptors.Catalog.Names);
        Assert.All(TemplateMessageDescriptors.Catalog.All, d => Assert.Equal(Schema, d.Schema));
        var description = OpenApiContract.Document()["components"]!["schemas"]![Schema]!["properties"]!["type"]!["description"]!.GetValue<string>();
        Assert.All(TemplateTypes.All, t => Assert.Contains(t, description, StringComparison.Ordinal));
    }
}
