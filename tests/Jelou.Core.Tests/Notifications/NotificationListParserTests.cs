using System.Text;
using Jelou.Http;
using Jelou.Notifications;

namespace Jelou.Tests.Notifications;

/// <summary>
/// The notifications answer read defensively (issue 15): the campaigns listing's envelope, a data array, the G4 success
/// envelope, a bare array; items with messageId or id, fields of unexpected JSON types, and unknown fields kept.
/// </summary>
public sealed class NotificationListParserTests
{
    private const string Item = """{"messageId":"wamid.1","destination":"593987654321","elementName":"recordatorio_pago","campaignId":"camp-7","sentStatus":"DELIVERED_USER","read":false,"createdAt":"2026-03-01T10:00:00.000Z","updatedAt":"2026-03-01T10:00:05.250Z"}""";

    [Fact]
    public void The_campaigns_envelope_gives_the_items_and_where_the_page_is()
    {
        var listing = Parse("""{"pagination":{"limit":50,"page":2,"total":120,"offset":50,"totalPages":3},"_metadata":{},"results":[""" + Item + "]}");

        Assert.True(listing.Paged);
        Assert.Equal(2, listing.Number);
        Assert.Equal(3, listing.TotalPages);
        Assert.Equal(120, listing.Total);
        var status = Assert.Single(listing.Items);
        Assert.Equal("wamid.1", status.MessageId);
        Assert.Equal("593987654321", status.UserId);
        Assert.Equal("recordatorio_pago", status.TemplateName);
        Assert.Equal("camp-7", status.CampaignId);
        Assert.Equal("DELIVERED_USER", status.Status);
        Assert.False(status.Read);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), status.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 5, 250, TimeSpan.Zero), status.UpdatedAt);
    }

    [Theory]
    [InlineData("""{"data":[ITEM]}""")]
    [InlineData("""[ITEM]""")]
    [InlineData("""{"statusMessage":"success","status":1,"data":{"results":[ITEM]}}""")]
    public void A_data_array_a_bare_array_or_a_data_object_count_and_without_pagination_are_the_whole_listing(string body)
    {
        var listing = Parse(body.Replace("ITEM", Item));

        Assert.False(listing.Paged);
        Assert.Equal(1, listing.Number);
        Assert.Equal(1, listing.TotalPages);
        Assert.Equal("wamid.1", Assert.Single(listing.Items).MessageId);
    }

    [Fact]
    public void The_pagination_of_a_data_object_is_read_there()
    {
        var listing = Parse("""{"status":1,"data":{"pagination":{"page":1,"totalPages":4,"total":160},"results":[""" + Item + "]}}");

        Assert.True(listing.Paged);
        Assert.Equal(4, listing.TotalPages);
        Assert.Equal(160, listing.Total);
    }

    [Fact]
    public void An_empty_page_is_a_page_with_no_items()
    {
        var listing = Parse("""{"pagination":{"limit":50,"page":1,"total":0,"offset":0,"totalPages":0},"results":[]}""");

        Assert.Empty(listing.Items);
        Assert.Equal(0, listing.Total);
    }

    [Fact]
    public void The_id_is_read_from_id_when_there_is_no_messageId_and_numbers_are_read_as_text()
    {
        var status = Assert.Single(Parse("""[{"id":"msg_9","campaignId":42,"destination":593987654321,"sentStatus":"read"}]""").Items);

        Assert.Equal("msg_9", status.MessageId);
        Assert.Equal("42", status.CampaignId);
        Assert.Equal("593987654321", status.UserId);
        Assert.Equal("READ", status.Status);
    }

    [Fact]
    public void Unknown_fields_stay_on_the_object_and_never_make_an_error()
    {
        var status = Assert.Single(Parse("""{"results":[{"messageId":"m1","sentStatus":"FAILED","error":{"code":131026,"message":"Message undeliverable"},"channel":"WHATSAPP","tags":[1,2]}]}""").Items);

        Assert.Equal("FAILED", status.Status);
        Assert.Equal(131026, status.Raw.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("WHATSAPP", status.Raw.GetProperty("channel").GetString());
        Assert.Equal(2, status.Raw.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public void Missing_or_mistyped_fields_are_empty()
    {
        var status = Assert.Single(Parse("""[{"messageId":"m1","destination":null,"elementName":{"name":"x"},"sentStatus":"","read":"yes","createdAt":"not a date","updatedAt":true}]""").Items);

        Assert.Equal("m1", status.MessageId);
        Assert.Null(status.UserId);
        Assert.Null(status.TemplateName);
        Assert.Null(status.CampaignId);
        Assert.Null(status.Status);
        Assert.Null(status.Read);
        Assert.Null(status.CreatedAt);
        Assert.Null(status.UpdatedAt);
    }

    [Fact]
    public void Items_that_are_not_objects_are_passed_over()
    {
        var listing = Parse("""{"results":[null,"m1",7,""" + Item + "]}");

        Assert.Equal("wamid.1", Assert.Single(listing.Items).MessageId);
    }

    [Theory]
    [InlineData("READ", true)]
    [InlineData("REPLY", true)]
    [InlineData("DELIVERED_USER", null)]
    public void Without_a_read_flag_a_read_or_replied_message_is_read(string sentStatus, bool? read)
    {
        var status = Assert.Single(Parse("""[{"messageId":"m1","sentStatus":"SENT"}]""".Replace("SENT", sentStatus)).Items);

        Assert.Equal(read, status.Read);
    }

    [Theory]
    [InlineData("""{"messageId":"m1","status":"delivered_user"}""", "DELIVERED_USER")]
    [InlineData("""{"messageId":"m1","status":"active"}""", null)]
    [InlineData("""{"messageId":"m1","sentStatus":"QUEUED_BY_META","status":"READ"}""", "QUEUED_BY_META")]
    public void Status_is_read_from_status_only_when_it_holds_a_documented_sentStatus(string item, string? expected)
    {
        Assert.Equal(expected, Assert.Single(Parse("[" + item + "]").Items).Status);
    }

    [Theory]
    [InlineData("1772359200000")]
    [InlineData("1772359200")]
    [InlineData("\"2026-03-01T05:00:00-05:00\"")]
    [InlineData("\"2026-03-01T10:00:00\"")]
    public void Times_are_ISO_8601_or_epoch_milliseconds_or_seconds_and_UTC_when_no_zone_is_given(string createdAt)
    {
        var status = Assert.Single(Parse("""[{"messageId":"m1","createdAt":TIME}]""".Replace("TIME", createdAt)).Items);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), status.CreatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"message":"ok"}""")]
    [InlineData("""{"results":{"messageId":"m1"}}""")]
    [InlineData("\"text\"")]
    public void A_body_without_a_list_is_not_a_listing(string body)
    {
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), NotificationListParser.ReadItem, out _));
    }

    [Fact]
    public void Times_are_sent_as_ISO_8601_in_UTC_with_milliseconds()
    {
        var quito = new DateTimeOffset(2026, 3, 1, 7, 30, 15, 120, TimeSpan.FromHours(-5));

        Assert.Equal("2026-03-01T12:30:15.120Z", ApiTime.Format(quito));
        Assert.Equal("2026-12-31T23:59:59.000Z", ApiTime.Format(new DateTimeOffset(2027, 1, 1, 0, 59, 59, TimeSpan.FromHours(1))));
    }

    private static Page<JelouMessageStatus> Parse(string body)
    {
        Assert.True(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), NotificationListParser.ReadItem, out var listing), "not read: " + body);
        return listing!;
    }
}
