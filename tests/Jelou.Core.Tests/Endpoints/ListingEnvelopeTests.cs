using System.Text;
using Jelou.Campaigns;
using Jelou.Http;
using Jelou.Notifications;
using Jelou.Templates;

namespace Jelou.Tests.Endpoints;

/// <summary>
/// One envelope reader for every listing: a shape that one of the campaigns, notifications or templates parsers
/// accepted before they shared <see cref="ListingEnvelope"/> is now read for all three, each with its own items.
/// </summary>
public sealed class ListingEnvelopeTests
{
    /// <summary>The shapes, each with the page number, total pages and total it says, and whether it has pagination.</summary>
    public static TheoryData<string, string, int, int?, long?, bool> Shapes()
    {
        var shapes = new (string Body, int Number, int? TotalPages, long? Total, bool Paged)[]
        {
            // Counts as strings (the campaigns reader only, before).
            ("""{"pagination":{"limit":"50","page":"2","total":"120","totalPages":"3"},"results":[ITEM]}""", 2, 3, 120, true),

            // The G4 success envelope with its pagination inside (not the templates reader, before).
            ("""{"statusMessage":"success","status":1,"data":{"pagination":{"page":1,"totalPages":4,"total":160},"results":[ITEM]}}""", 1, 4, 160, true),

            // A data object holding a data array (the campaigns reader only, before).
            ("""{"status":1,"data":{"data":[ITEM]}}""", 1, 1, 1, false),

            // A data object with the pagination beside it (the notifications reader only, before).
            ("""{"pagination":{"page":3,"totalPages":5,"total":201},"data":{"results":[ITEM]}}""", 3, 5, 201, true),

            // A total beyond an int, and as many pages as an int holds (the notifications reader only, before).
            ("""{"pagination":{"page":1,"totalPages":9999999999,"total":3000000000},"results":[ITEM]}""", 1, int.MaxValue, 3_000_000_000, true),
        };

        var data = new TheoryData<string, string, int, int?, long?, bool>();
        foreach (var listing in new[] { "campaigns", "notifications", "templates" })
        {
            foreach (var shape in shapes)
            {
                data.Add(listing, shape.Body, shape.Number, shape.TotalPages, shape.Total, shape.Paged);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_listing_reads_every_shape(string listing, string body, int number, int? totalPages, long? total, bool paged)
    {
        var (ids, page) = Read(listing, body);

        Assert.Equal(new[] { "x1" }, ids);
        Assert.Equal(number, page.Number);
        Assert.Equal(totalPages, page.TotalPages);
        Assert.Equal(total, page.Total);
        Assert.Equal(paged, page.Paged);
    }

    [Theory]
    [InlineData("campaigns")]
    [InlineData("notifications")]
    [InlineData("templates")]
    public void A_count_that_is_not_a_count_is_not_known_and_the_page_is_still_read(string listing)
    {
        var (ids, page) = Read(listing, """{"pagination":{"page":"-2","totalPages":"many","total":-5},"results":[ITEM]}""");

        Assert.Equal(new[] { "x1" }, ids);
        Assert.Equal(1, page.Number);
        Assert.Null(page.TotalPages);
        Assert.Null(page.Total);
    }

    [Theory]
    [InlineData("""{"data":{"results":{"_id":"x1"}}}""")]
    [InlineData("""{"data":{"data":{"data":[]}}}""")]
    [InlineData("""{"pagination":{"page":1},"data":"x1"}""")]
    public void A_data_object_without_a_list_is_not_a_page(string body)
    {
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), JelouCampaign.Read, out _));
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), NotificationListParser.ReadItem, out _));
        Assert.False(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), TemplateListParser.ReadItem, out _));
    }

    private static (string?[] Ids, (int Number, int? TotalPages, long? Total, bool Paged) Page) Read(string listing, string body)
    {
        switch (listing)
        {
            case "campaigns":
                var campaigns = Parse(body.Replace("ITEM", """{"_id":"x1","name":"mayo"}"""), JelouCampaign.Read);
                return (campaigns.Items.Select(c => c.Id).ToArray(), (campaigns.Number, campaigns.TotalPages, campaigns.Total, campaigns.Paged));
            case "notifications":
                var statuses = Parse(body.Replace("ITEM", """{"messageId":"x1","sentStatus":"READ"}"""), NotificationListParser.ReadItem);
                return (statuses.Items.Select(s => s.MessageId).ToArray(), (statuses.Number, statuses.TotalPages, statuses.Total, statuses.Paged));
            default:
                var templates = Parse(body.Replace("ITEM", """{"elementName":"x1","language":"es"}"""), TemplateListParser.ReadItem);
                return (templates.Items.Select(t => (string?)t.Name).ToArray(), (templates.Number, templates.TotalPages, templates.Total, templates.Paged));
        }
    }

    private static Page<T> Parse<T>(string body, Func<System.Text.Json.JsonElement, T?> read)
        where T : class
    {
        Assert.True(ListingEnvelope.TryRead(Encoding.UTF8.GetBytes(body), read, out var page), "not read: " + body);
        return page!;
    }

}
