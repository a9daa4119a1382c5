using System.Globalization;
using System.Text.Json;
using Jelou.Campaigns;
using Jelou.Http;
using Jelou.Notifications;

namespace Jelou.Tests.Endpoints;

/// <summary>
/// The property readers the listings share: null, never an error, for what is missing or of another type; and a
/// timestamp read the same way for campaigns and notifications.
/// </summary>
public sealed class JsonFieldsTests
{
    private const string Sample = """{"s":"  hola ","n":42,"big":12345678901234,"neg":-3,"f":1.5,"b":true,"o":{"code":"es","id":7},"a":[1,2],"cnt":"12","sig":"-12","nul":null}""";

    [Theory]
    [InlineData("s", "  hola ", "  hola ")]
    [InlineData("n", null, "42")]
    [InlineData("f", null, "1.5")]
    [InlineData("b", null, null)]
    [InlineData("o", null, null)]
    [InlineData("nul", null, null)]
    [InlineData("missing", null, null)]
    public void String_is_a_JSON_string_only_and_Text_a_number_too(string name, string? expectedString, string? expectedText)
    {
        using var document = JsonDocument.Parse(Sample);

        Assert.Equal(expectedString, JsonFields.String(document.RootElement, name));
        Assert.Equal(expectedText, JsonFields.Text(document.RootElement, name));
    }

    [Fact]
    public void Nested_readers_read_inside_an_object_only()
    {
        using var document = JsonDocument.Parse(Sample);
        var root = document.RootElement;

        Assert.Equal("es", JsonFields.String(root, "o", "code"));
        Assert.Null(JsonFields.String(root, "o", "id"));
        Assert.Equal("7", JsonFields.Text(root, "o", "id"));
        Assert.Null(JsonFields.Text(root, "s", "code"));
        Assert.Null(JsonFields.Text(root, "missing", "code"));
        Assert.Equal(2, JsonFields.Array(root, "a")!.Value.GetArrayLength());
        Assert.Null(JsonFields.Array(root, "o"));
        Assert.Null(JsonFields.Object(root, "a"));
    }

    [Theory]
    [InlineData("n", NumberStyles.None, 42L)]
    [InlineData("big", NumberStyles.None, 12345678901234L)]
    [InlineData("neg", NumberStyles.None, -3L)]
    [InlineData("cnt", NumberStyles.None, 12L)]
    [InlineData("sig", NumberStyles.None, null)]
    [InlineData("sig", NumberStyles.Integer, -12L)]
    [InlineData("f", NumberStyles.Integer, null)]
    [InlineData("s", NumberStyles.Integer, null)]
    [InlineData("b", NumberStyles.Integer, null)]
    public void Integer_reads_a_JSON_integer_or_a_string_in_the_styles_given(string name, NumberStyles styles, long? expected)
    {
        using var document = JsonDocument.Parse(Sample);

        Assert.Equal(expected, JsonFields.Integer(document.RootElement, name, styles));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void An_element_that_is_not_an_object_has_no_properties(string json)
    {
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement;

        Assert.Null(JsonFields.Text(element, "n"));
        Assert.Null(JsonFields.String(element, "s"));
        Assert.Null(JsonFields.Integer(element, "n", NumberStyles.Integer));
        Assert.Null(JsonFields.Time(element, "t"));
        Assert.Null(JsonFields.Array(element, "a"));
    }

    [Theory]
    [InlineData("1777644000000")]
    [InlineData("1777644000")]
    [InlineData("\"2026-05-01T09:00:00-05:00\"")]
    public void A_campaign_and_a_notification_read_the_same_timestamps(string time)
    {
        // Epoch seconds were read for notifications only; a campaign took them for milliseconds (a date in 1970).
        using var campaign = JsonDocument.Parse("""{"_id":"c1","createdAt":TIME}""".Replace("TIME", time));
        using var notification = JsonDocument.Parse("""{"messageId":"m1","createdAt":TIME}""".Replace("TIME", time));
        var expected = new DateTimeOffset(2026, 5, 1, 14, 0, 0, TimeSpan.Zero);

        Assert.Equal(expected, JelouCampaign.Read(campaign.RootElement)!.CreatedAt);
        Assert.Equal(expected, NotificationListParser.ReadItem(notification.RootElement)!.CreatedAt);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("253402300800000")]
    [InlineData("1.5")]
    [InlineData("true")]
    public void A_number_that_is_no_time_reads_as_none(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Null(ApiTime.Read(document.RootElement));
    }
}
