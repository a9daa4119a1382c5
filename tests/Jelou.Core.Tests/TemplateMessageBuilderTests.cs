using System.Text.Json.Nodes;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>The HSM body's rules (jelou-api.md §5.1) and the body they build, one destination per row.</summary>
public sealed class TemplateMessageBuilderTests
{
    private static TemplateMessageFields Valid() => new()
    {
        UserId = "593987654321",
        TemplateName = "recordatorio_pago",
        Language = "es",
        Parameters = new[] { "José Núñez", "25,50" },
    };

    private static IReadOnlyList<ValidationProblem> Problems(TemplateMessageFields fields)
    {
        Assert.False(TemplateMessageBuilder.TryBuild(fields, out var message, out var problems, out _));
        Assert.Null(message);
        return problems;
    }

    [Fact]
    public void A_text_template_becomes_one_destination_with_its_values_in_order()
    {
        var message = TemplateMessageBuilder.Build(Valid());

        var body = JsonNode.Parse(BotMessageSerializer.Serialize(message))!.AsObject();
        Assert.Equal("recordatorio_pago", body["elementName"]!.GetValue<string>());
        Assert.Equal(new[] { "593987654321" }, body["destinations"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("es", body["language"]!.GetValue<string>());
        Assert.Equal("text", body["type"]!.GetValue<string>());
        Assert.Equal(new[] { "José Núñez", "25,50" }, body["parameters"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(new[] { "elementName", "destinations", "language", "type", "parameters" }, body.Select(p => p.Key));
    }

    [Fact]
    public void A_recipient_follows_the_bot_message_rules()
    {
        var fields = Valid();
        fields.UserId = "+593 98-765-4321";
        Assert.Equal("593987654321", TemplateMessageBuilder.Build(fields).Destination);

        fields.UserId = "5.93988E+11";
        var problem = Assert.Single(Problems(fields));
        Assert.Equal("userId", problem.Field);

        fields.UserId = "  ";
        Assert.Contains(Problems(fields), p => p.Field == "userId" && p.Message.StartsWith("is empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, "")]
    [InlineData(0, "   ")]
    [InlineData(1, null)]
    public void An_empty_parameter_is_named_by_its_placeholder(int index, string? value)
    {
        var fields = Valid();
        var values = new List<string?> { "María", "10" };
        values[index] = value;
        fields.Parameters = values;

        var problem = Assert.Single(Problems(fields));
        Assert.Equal($"parameters[{index}]", problem.Field);
        Assert.Contains("{{" + (index + 1) + "}}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_header_and_button_values_are_refused_too()
    {
        var fields = Valid();
        fields.HeaderParameters = new[] { "" };
        fields.ButtonParameters = new[] { "ok", " " };

        Assert.Equal(new[] { "headerParameters[0]", "buttonParameters[1]" }, Problems(fields).Select(p => p.Field));
    }

    [Theory]
    [InlineData("System.String[]")]
    [InlineData("System.Object[]")]
    [InlineData("System.Collections.Generic.List`1[System.String]")]
    public void A_list_flattened_by_Export_Csv_is_never_sent_as_a_value(string flattened)
    {
        var fields = Valid();
        fields.Parameters = new[] { flattened };

        var problem = Assert.Single(Problems(fields));
        Assert.Equal("parameters[0]", problem.Field);
        Assert.Contains("Export-Clixml", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mis_decoded_parameter_is_never_sent()
    {
        var fields = Valid();
        fields.Parameters = new[] { "Jos\uFFFD", "10" };

        Assert.Equal("parameters[0]", Assert.Single(Problems(fields)).Field);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("recordatorio pago", "contains spaces")]
    public void A_template_name_is_required_and_has_no_spaces(string? name, string expected)
    {
        var fields = Valid();
        fields.TemplateName = name;

        var problem = Assert.Single(Problems(fields));
        Assert.Equal("templateName", problem.Field);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("es", true)]
    [InlineData("pt_BR", true)]
    [InlineData("es-419", true)]
    [InlineData("español", false)]
    [InlineData("e", false)]
    public void A_language_is_a_code(string language, bool valid)
    {
        var fields = Valid();
        fields.Language = language;

        Assert.Equal(valid, TemplateMessageBuilder.TryBuild(fields, out _, out _, out _));
    }

    [Theory]
    [InlineData("https://cdn.example.com/f.pdf", null, "document")]
    [InlineData("https://cdn.example.com/p.JPG", null, "image")]
    [InlineData("https://cdn.example.com/v.mp4", null, "video")]
    [InlineData("https://erp.example.com/descargar?id=4", "file", "document")]
    [InlineData("https://erp.example.com/descargar?id=4", "VIDEO", "video")]
    public void A_media_template_type_is_inferred_or_named(string url, string? type, string expected)
    {
        var fields = Valid();
        fields.MediaUrl = url;
        fields.Type = type;

        Assert.True(TemplateMessageBuilder.TryBuild(fields, out var message, out var problems, out var resolved), string.Join(" ", problems));
        Assert.Equal(expected, resolved);
        Assert.Equal(expected, message.Type);
        Assert.Equal(url, message.MediaUrl);
    }

    [Theory]
    [InlineData("image", null, "mediaUrl", "is empty")]
    [InlineData("document", "http://cdn.example.com/f.pdf", "mediaUrl", "uses http")]
    [InlineData(null, "https://erp.example.com/descargar?id=4", "type", "cannot tell")]
    [InlineData("carousel", null, "type", "not a template type")]
    public void A_media_template_needs_its_https_url(string? type, string? url, string field, string expected)
    {
        var fields = Valid();
        fields.Type = type;
        fields.MediaUrl = url;

        var problem = Assert.Single(Problems(fields));
        Assert.Equal(field, problem.Field);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_the_type_does_not_carry_are_refused()
    {
        var text = Valid();
        text.Type = "text";
        text.MediaUrl = "https://cdn.example.com/p.jpg";
        Assert.Equal("mediaUrl", Assert.Single(Problems(text)).Field);

        var image = Valid();
        image.MediaUrl = "https://cdn.example.com/p.jpg";
        image.FileName = "p.jpg";
        Assert.Equal("fileName", Assert.Single(Problems(image)).Field);

        var document = Valid();
        document.MediaUrl = "https://cdn.example.com/f.pdf";
        document.FileName = "facturas/f.pdf";
        Assert.Contains("path separator", Assert.Single(Problems(document)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_row_is_reported_at_once()
    {
        var fields = new TemplateMessageFields { Type = "image", Parameters = new[] { "" } };

        Assert.Equal(new[] { "userId", "templateName", "parameters[0]", "mediaUrl" }, Problems(fields).Select(p => p.Field));
    }

    [Fact]
    public void Building_does_not_change_the_callers_fields()
    {
        var fields = Valid();
        fields.UserId = " +593987654321 ";
        fields.Language = " es ";

        TemplateMessageBuilder.Build(fields);

        Assert.Equal(" +593987654321 ", fields.UserId);
        Assert.Equal(" es ", fields.Language);
    }
}
