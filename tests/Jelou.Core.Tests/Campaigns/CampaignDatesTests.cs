using System.Text.Json;
using Jelou.Campaigns;
using Jelou.Http;

namespace Jelou.Tests.Campaigns;

/// <summary>Dates of the campaign endpoints: ISO 8601 in UTC with milliseconds out, and the API's timestamps in.</summary>
public sealed class CampaignDatesTests
{
    [Fact]
    public void A_UTC_date_is_formatted_as_ISO_8601_with_Z_and_milliseconds()
    {
        var date = new DateTime(2026, 5, 1, 14, 5, 9, 250, DateTimeKind.Utc);

        Assert.Equal("2026-05-01T14:05:09.250Z", CampaignDates.Format(date));
    }

    [Fact]
    public void A_local_or_unspecified_date_is_converted_from_local_time()
    {
        var local = new DateTime(2026, 5, 1, 9, 0, 0, DateTimeKind.Local);
        var unspecified = new DateTime(2026, 5, 1, 9, 0, 0, DateTimeKind.Unspecified);
        var expected = local.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, CampaignDates.Format(local));
        Assert.Equal(expected, CampaignDates.Format(unspecified));
        Assert.Equal(TimeSpan.Zero, CampaignDates.ToUtc(unspecified).Offset);
    }

    [Fact]
    public void An_offset_date_is_formatted_in_UTC()
    {
        var quito = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal("2026-05-01T14:00:00.000Z", CampaignDates.Format(quito));
    }

    [Fact]
    public void The_format_does_not_depend_on_the_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal("2026-05-01T14:00:00.000Z", CampaignDates.Format(new DateTime(2026, 5, 1, 14, 0, 0, DateTimeKind.Utc)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("\"2026-05-01T14:00:00.000Z\"", "2026-05-01T14:00:00.000Z")]
    [InlineData("\"2026-05-01T09:00:00-05:00\"", "2026-05-01T14:00:00.000Z")]
    [InlineData("\"2026-05-01T14:00:00\"", "2026-05-01T14:00:00.000Z")]
    [InlineData("1777644000000", "2026-05-01T14:00:00.000Z")]
    public void The_API_timestamps_are_read_as_UTC(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, CampaignDates.Format(ApiTime.Read(document.RootElement)!.Value));
    }

    [Theory]
    [InlineData("\"mañana\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("-5")]
    public void Anything_else_reads_as_no_date(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Null(ApiTime.Read(document.RootElement));
    }
}
