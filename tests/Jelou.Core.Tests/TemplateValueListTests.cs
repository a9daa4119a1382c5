using Jelou.Results;

namespace Jelou.Tests;

/// <summary>
/// The text form of a template result's values: what Export-Csv writes for them, read back when a CSV report is piped
/// into Send-JelouTemplate again.
/// </summary>
public sealed class TemplateValueListTests
{
    public static TheoryData<string?[]> Lists() => new()
    {
        new string?[] { "José \"Pepe\" Núñez, hijo", "1.234,56" },
        new string?[] { "María; Peña | Ibáñez", "[\"no es una lista\"]", "a\\b", "tab\there", "línea\nnueva" },
        new string?[] { "Zoë 😀", "\"", "," },
        new string?[] { "ok", null, "   " },
        new string?[] { },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void Its_text_reads_back_as_the_same_values(string?[] values)
    {
        var text = new TemplateValueList(values).ToString();

        Assert.True(TemplateValueList.IsListText(text));
        Assert.True(TemplateValueList.TryParse(text, out var back, out var problem), problem);
        Assert.Equal(values, back);
    }

    [Fact]
    public void Its_text_is_a_JSON_array_that_keeps_accents_readable()
    {
        Assert.Equal("[\"José \\\"Pepe\\\" Núñez, hijo\",\"1.234,56\"]", new TemplateValueList(new[] { "José \"Pepe\" Núñez, hijo", "1.234,56" }).ToString());
        Assert.Equal("[]", new TemplateValueList(Array.Empty<string>()).ToString());
        Assert.Equal("[\"a\",null]", new TemplateValueList(new[] { "a", null }).ToString());
    }

    [Theory]
    [InlineData("[\"a\"]", true)]
    [InlineData("  [ \"a\", \"b\" ]", true)]
    [InlineData("[]", true)]
    [InlineData("[ ]", true)]
    [InlineData("[\"sin cerrar", true)]
    [InlineData("[482913]", false)]
    [InlineData("[urgente] hoy", false)]
    [InlineData("José", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("System.String[]", false)]
    public void Only_text_that_starts_as_a_list_of_strings_is_list_text(string? text, bool expected)
    {
        Assert.Equal(expected, TemplateValueList.IsListText(text));
    }

    [Theory]
    [InlineData("[\"Ana\",\"10,00\"", "is not valid JSON")]
    [InlineData("[\"Ana\",10]", "has a number as item 2")]
    [InlineData("[\"Ana\",[\"b\"]]", "has an array as item 2")]
    [InlineData("[\"Ana\",true]", "has true as item 2")]
    [InlineData("{\"a\":1}", "is not a JSON array")]
    [InlineData(null, "is empty")]
    public void Anything_else_is_refused_with_the_reason(string? text, string reason)
    {
        Assert.False(TemplateValueList.TryParse(text, out var values, out var problem));
        Assert.Null(values);
        Assert.StartsWith(reason, problem, StringComparison.Ordinal);
    }
}
