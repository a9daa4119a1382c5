using System.Text;
using Jelou.Http;
using Jelou.Templates;

namespace Jelou.Tests.Templates;

/// <summary>The listing's shape is undocumented ("object"): every shape issue 14 lists must read the same templates.</summary>
public sealed class TemplateListParserTests
{
    private static Page<JelouTemplate> Parse(string json)
    {
        Assert.True(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(json), TemplateListParser.ReadItem, out var listing), "not read: " + json);
        return listing!;
    }

    private static JelouTemplate One(string itemJson) => Assert.Single(Parse("[" + itemJson + "]").Items);

    [Theory]
    [InlineData("{\"results\":[{\"elementName\":\"recordatorio_pago\",\"language\":\"es\"}]}")]
    [InlineData("{\"data\":[{\"elementName\":\"recordatorio_pago\",\"language\":\"es\"}]}")]
    [InlineData("[{\"elementName\":\"recordatorio_pago\",\"language\":\"es\"}]")]
    [InlineData("{\"_metadata\":{},\"results\":[{\"name\":\"recordatorio_pago\",\"language\":\"es\"}]}")]
    public void The_items_are_read_from_results_data_or_a_top_level_array(string json)
    {
        var template = Assert.Single(Parse(json).Items);

        Assert.Equal("recordatorio_pago", template.Name);
        Assert.Equal("es", template.Language);
    }

    [Theory]
    [InlineData("{\"message\":\"hola\"}")]
    [InlineData("{\"results\":{}}")]
    [InlineData("\"texto\"")]
    [InlineData("no es json")]
    [InlineData("")]
    public void A_body_without_a_list_of_templates_is_not_read(string json) =>
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(json), TemplateListParser.ReadItem, out _));

    [Fact]
    public void The_fields_beside_the_name_are_read_and_the_raw_item_is_kept()
    {
        var template = One("""
            {"elementName":"factura_pdf","language":"es","category":"UTILITY","status":"APPROVED","type":"document",
             "template":"Hola {{1}}, adjuntamos tu factura.","header":{"format":"document"},
             "buttons":[{"type":"url","text":"Ver factura","url":"https://tienda.example/f/{{1}}"}],"custom":42}
            """);

        Assert.Equal("UTILITY", template.Category);
        Assert.Equal("APPROVED", template.Status);
        Assert.True(template.IsApproved);
        Assert.Equal("document", template.Type);
        Assert.Equal("Hola {{1}}, adjuntamos tu factura.", template.Text);
        Assert.Equal(1, template.ParameterCount);
        Assert.Equal("DOCUMENT", template.HeaderType);
        Assert.True(template.IsMedia);
        var button = Assert.Single(template.Buttons);
        Assert.Equal("URL", button.Type);
        Assert.Equal("Ver factura", button.Text);
        Assert.Equal("https://tienda.example/f/{{1}}", button.Url);
        Assert.Equal(42, template.Raw.GetProperty("custom").GetInt32());
    }

    [Theory]
    [InlineData("\"template\":\"Hola {{1}} y {{2}}\"")]
    [InlineData("\"text\":\"Hola {{1}} y {{2}}\"")]
    [InlineData("\"body\":\"Hola {{1}} y {{2}}\"")]
    [InlineData("\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Aviso\"},{\"type\":\"BODY\",\"text\":\"Hola {{1}} y {{2}}\"}]")]
    [InlineData("\"components\":[{\"type\":\"body\",\"text\":\"Hola {{1}} y {{2}}\"}]")]
    public void The_body_text_is_read_from_template_text_body_or_the_body_component(string field)
    {
        var template = One("{\"elementName\":\"recordatorio_pago\"," + field + "}");

        Assert.Equal("Hola {{1}} y {{2}}", template.Text);
        Assert.Equal(2, template.ParameterCount);
    }

    [Fact]
    public void A_header_component_gives_the_header_type_and_a_buttons_component_the_buttons()
    {
        var template = One("""
            {"elementName":"promo_video","components":[{"type":"HEADER","format":"VIDEO"},{"type":"BODY","text":"Mira esto"},
             {"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Sí"},{"type":"QUICK_REPLY","text":"No"}]}]}
            """);

        Assert.Equal("VIDEO", template.HeaderType);
        Assert.Equal(0, template.ParameterCount);
        Assert.Equal(new[] { "Sí", "No" }, template.Buttons.Select(b => b.Text));
    }

    [Theory]
    [InlineData("\"paramsNumber\":3", 3)]
    [InlineData("\"paramsNumber\":\"3\"", 3)]
    [InlineData("\"params\":2", 2)]
    [InlineData("\"params\":[\"Ana\",\"$10\"]", 2)]
    [InlineData("\"paramsNumber\":0", 0)]
    public void A_declared_count_wins_over_the_text(string field, int expected)
    {
        var template = One("{\"elementName\":\"t\",\"template\":\"Hola {{1}}\"," + field + "}");

        Assert.Equal(expected, template.ParameterCount);
    }

    [Theory]
    [InlineData("Hola", 0)]
    [InlineData("Hola {{1}}", 1)]
    [InlineData("Hola {{1}}, tu saldo es {{2}}; {{1}}, paga antes del {{3}}", 3)]
    [InlineData("Hola {{ 1 }} y {{2}}", 2)]
    public void The_count_is_the_distinct_placeholders_of_the_text(string text, int expected) =>
        Assert.Equal(expected, TemplateListParser.CountPlaceholders(text));

    [Theory]
    [InlineData("Hola {{nombre}}")]
    [InlineData("Hola {{1}} y {{3}}")]
    [InlineData("Hola {{0}}")]
    [InlineData(null)]
    public void A_count_the_text_does_not_settle_is_unknown_not_guessed(string? text) =>
        Assert.Null(TemplateListParser.CountPlaceholders(text));

    [Fact]
    public void A_template_without_text_or_count_has_an_unknown_count()
    {
        var template = One("{\"elementName\":\"sin_texto\",\"status\":\"APPROVED\"}");

        Assert.Null(template.ParameterCount);
        Assert.Null(template.Text);
    }

    [Fact]
    public void Items_without_a_name_are_left_out_and_a_media_type_gives_the_header()
    {
        var listing = Parse("""[{"language":"es"}, 7, {"name":"foto_oferta","type":"image","text":"Oferta"}]""");

        var template = Assert.Single(listing.Items);
        Assert.Equal("IMAGE", template.HeaderType);
    }

    [Fact]
    public void Pagination_is_read_when_present_and_an_answer_without_it_is_the_whole_listing()
    {
        var paged = Parse("""{"pagination":{"limit":2,"page":2,"total":5,"offset":2,"totalPages":3},"results":[{"elementName":"a"},{"elementName":"b"}]}""");
        var whole = Parse("""{"data":[{"elementName":"a"},{"elementName":"b"}]}""");

        Assert.True(paged.Paged);
        Assert.Equal(2, paged.Number);
        Assert.Equal(3, paged.TotalPages);
        Assert.Equal(5L, paged.Total);
        Assert.False(whole.Paged);
        Assert.Equal(1, whole.TotalPages);
        Assert.Equal(2L, whole.Total);
    }

    [Fact]
    public void A_language_object_gives_its_code() =>
        Assert.Equal("pt_BR", One("{\"elementName\":\"t\",\"language\":{\"code\":\"pt_BR\"}}").Language);
}
