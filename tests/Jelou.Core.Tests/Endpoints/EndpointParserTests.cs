using System.Text;
using Jelou.Http;

namespace Jelou.Tests.Endpoints;

/// <summary>
/// Success is decided per endpoint: the HSM endpoint's array answer gives each destination its own outcome, and a
/// 2xx whose body says it failed is a failure. The HSM endpoint's parser is tested here; its calls in TemplateSendTests.
/// </summary>
public sealed class EndpointParserTests
{
    private static ApiAnswer Answer(int status, string body) =>
        new(status, Encoding.UTF8.GetBytes(body), null, 1, TimeSpan.FromMilliseconds(5), Array.Empty<string>(), new Redactor("s3cret"));

    [Fact]
    public void An_HSM_array_answer_maps_each_destination_to_its_own_id()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999", "593988888888" });

        var result = endpoint.Complete(Answer(200, """[{"id":"id-2","destination":"593988888888"},{"id":"id-1","destination":"+593 999999999"}]"""));

        Assert.Null(result.Error);
        Assert.Equal(new[] { "593999999999", "593988888888" }, result.Destinations.Select(d => d.Destination));
        Assert.Equal(new[] { "id-1", "id-2" }, result.Destinations.Select(d => d.MessageId));
        Assert.All(result.Destinations, d => Assert.True(d.Succeeded));
    }

    [Fact]
    public void A_destination_the_HSM_answer_does_not_list_may_have_been_delivered()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999", "593977777777" });

        var result = endpoint.Complete(Answer(200, """[{"id":"id-1","destination":"593999999999"}]"""));

        Assert.True(result.Destinations[0].Succeeded);
        var missing = result.Destinations[1];
        Assert.False(missing.Succeeded);
        Assert.Null(missing.MessageId);
        Assert.True(missing.Error!.PossiblyDelivered);
        Assert.Contains("did not list destination 593977777777", missing.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_2xx_HSM_answer_that_says_status_failed_fails_every_destination()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999", "593988888888" });

        var result = endpoint.Complete(Answer(200, """{"message":["Template does not exist"],"status":"failed","_metadata":{"error":{}}}"""));

        Assert.NotNull(result.Error);
        // Followed by what to check: a missing template has its own error (TemplateSendTests).
        Assert.StartsWith("Template does not exist. Jelou API answered 200 but reported status failed.", result.Error!.Message, StringComparison.Ordinal);
        Assert.False(result.Error.PossiblyDelivered);
        Assert.All(result.Destinations, d => Assert.Same(result.Error, d.Error));
    }

    [Fact]
    public void An_HSM_failure_the_transport_read_fails_every_destination()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999" });
        var refused = new JelouApiException(JelouErrorKind.InvalidRequest, "refused", 422);

        var result = endpoint.Complete(new ApiAnswer(422, null, refused, 1, TimeSpan.Zero, Array.Empty<string>(), null));

        Assert.Same(refused, result.Error);
        Assert.Same(refused, Assert.Single(result.Destinations).Error);
    }

    [Fact]
    public void A_2xx_HSM_answer_that_is_not_an_array_is_accepted_without_ids()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999" });

        var result = endpoint.Complete(Answer(200, """{"message":"queued"}"""));

        var only = Assert.Single(result.Destinations);
        Assert.True(only.Succeeded);
        Assert.Null(only.MessageId);
    }

    [Theory]
    [InlineData("""{"status":"failed","message":"x"}""", "status failed")]
    [InlineData("""{"status":"ERROR"}""", "status ERROR")]
    [InlineData("""{"success":false}""", "success=false")]
    [InlineData("""{"status":"success","messageId":"m"}""", null)]
    [InlineData("""{"success":true,"status":{"failed":true}}""", null)]
    [InlineData("""[{"status":"failed"}]""", null)]
    [InlineData("not json", null)]
    [InlineData("", null)]
    public void A_2xx_body_reports_a_failure_only_by_status_failed_or_success_false(string body, string? reported)
    {
        Assert.Equal(reported, ReportedStatus.Failure(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void The_message_endpoints_keep_their_rule_a_status_failed_body_is_still_sent()
    {
        // Today's rule for bot and room messages: only success=false fails a 2xx.
        var outcome = BotMessageEndpoint.Instance.Complete(Answer(200, """{"status":"failed","messageId":"m-1"}"""));
        Assert.True(outcome.Succeeded);
        Assert.Equal("m-1", outcome.MessageId);

        var refused = RoomMessageEndpoint.Instance.Complete(Answer(200, """{"success":false,"message":"no"}"""));
        Assert.False(refused.Succeeded);
        Assert.Equal("no. Jelou API answered 200 but reported success=false.", refused.Error!.Message);
    }

    [Fact]
    public void A_route_escapes_each_value_as_one_segment_and_writes_the_query()
    {
        var route = new RouteTemplate("v1/bots/{botId}/campaigns/{campaignId}/template-messages");
        var query = new[] { new KeyValuePair<string, string?>("page", "2"), new KeyValuePair<string, string?>("skip", null), new KeyValuePair<string, string?>("q", "a b&c") };

        var relative = route.Expand(new ApiRequest(" bot/1 ", "c?2", null, query));

        Assert.Equal("v1/bots/bot%2F1/campaigns/c%3F2/template-messages?page=2&q=a%20b%26c", relative);
    }

    [Fact]
    public void A_route_value_that_is_empty_is_refused_by_name()
    {
        var route = new RouteTemplate("v1/bots/{botId}/templates");

        var error = Assert.Throws<ArgumentException>(() => route.Expand(new ApiRequest("  ")));

        Assert.StartsWith("The {botId} of v1/bots/{botId}/templates is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_body_keeps_its_content_type_and_is_marked_started_once_written()
    {
        var body = new MultipartBody(() =>
        {
            var form = new MultipartFormDataContent("boundary-1");
            form.Add(new StringContent("Campaña"), "campaignName");
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("phone\n593999999999\n")), "file", "rows.csv");
            return form;
        });

        using var content = body.CreateContent();
        Assert.False(content.Started);
        Assert.Equal("multipart/form-data", content.Headers.ContentType!.MediaType);
        var text = await content.ReadAsStringAsync();

        Assert.True(content.Started);
        Assert.Contains("--boundary-1", text, StringComparison.Ordinal);
        Assert.Contains("filename=rows.csv", text, StringComparison.Ordinal);
        Assert.Contains("Campaña", text, StringComparison.Ordinal);
    }
}
