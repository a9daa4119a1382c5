using System.Text;
using System.Text.Json.Nodes;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// A template send over loopback and the mapping of its answer: the id of this row's destination, a 2xx that does not
/// list it or that says status failed, and the older "Template does not exist" error.
/// </summary>
public sealed class TemplateSendTests : IClassFixture<FakeServerFixture>
{
    private readonly FakeServerFixture fixture;

    public TemplateSendTests(FakeServerFixture fixture) => this.fixture = fixture;

    private static TemplateMessage Message(string name = "recordatorio_pago", string destination = "593987654321", params string[] values) =>
        TemplateMessageBuilder.Build(new TemplateMessageFields
        {
            UserId = destination,
            TemplateName = name,
            Language = "es",
            Parameters = values.Length == 0 && name == "recordatorio_pago" ? new[] { "María José", "25,50" } : values,
        });

    private async Task<SendOutcome> SendAsync(FakeJelouServer server, TemplateMessage message)
    {
        using var client = CoreTestSupport.ClientFor(server);
        return await client.SendTemplateAsync(CoreTestSupport.BotId, message, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_message_id_is_the_one_the_answer_gives_this_destination()
    {
        var server = fixture.Fresh();

        var outcome = await SendAsync(server, Message());

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal("hsm", entry.Endpoint);
        Assert.Equal(CoreTestSupport.BotId, entry.BotId);
        Assert.Equal("593987654321", entry.UserId);
        Assert.Equal(entry.MessageId, outcome.MessageId);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal("María José", JsonNode.Parse(entry.Body)!["parameters"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_2xx_that_lists_another_destination_is_not_sent()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, """[{"id":"x-1","destination":"593900000000"}]"""));

        var outcome = await SendAsync(server, Message());

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.MessageId);
        Assert.True(outcome.Error!.PossiblyDelivered);
        Assert.Contains("did not list destination 593987654321", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_2xx_that_says_status_failed_is_not_sent()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, """{"message":["Daily limit reached"],"status":"failed"}"""));

        var outcome = await SendAsync(server, Message());

        Assert.False(outcome.Succeeded);
        Assert.False(outcome.Error!.PossiblyDelivered);
        Assert.StartsWith("Daily limit reached.", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal("JelouUnexpectedResponse", outcome.Error.ErrorId);
    }

    [Theory]
    [InlineData("plantilla_inexistente", "Template does not exist")]
    [InlineData("promocion_verano", "is not approved")]
    public async Task A_missing_or_unapproved_template_has_its_own_error_id(string name, string said)
    {
        var server = fixture.Fresh();

        var outcome = await SendAsync(server, Message(name, values: "x"));

        var error = outcome.Error!;
        Assert.Equal("JelouTemplateNotFound", error.ErrorId);
        Assert.Equal(JelouErrorKind.NotFound, error.Kind);
        Assert.True(error.IsAccountLevel);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(said, error.ApiMessage, StringComparison.Ordinal);
        Assert.Contains($"Template '{name}' does not exist for this bot or is not approved", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Ledger.Entries);
    }

    [Fact]
    public void The_older_error_in_a_2xx_is_a_missing_template_too()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999" }, "recordatorio_pago");
        var body = Encoding.UTF8.GetBytes("""{"message":["Template does not exist"],"status":"failed","_metadata":{"error":{},"body":{}}}""");

        var result = endpoint.Complete(new ApiAnswer(200, body, null, 1, TimeSpan.Zero, Array.Empty<string>(), new Redactor("s3cret")));

        Assert.Equal(HsmSendEndpoint.TemplateNotFoundId, result.Error!.ErrorId);
        Assert.StartsWith("Template does not exist. Jelou API answered 200 but reported status failed.", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_echoed_from_the_request_are_not_the_servers_verdict()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999" }, "aviso_template_not_found");
        var refused = new JelouApiException(JelouErrorKind.InvalidRequest, "refused", 400);
        var body = Encoding.UTF8.GetBytes("""{"message":["Invalid destination"],"status":"failed","_metadata":{"error":{},"body":{"elementName":"aviso_template_not_found","parameters":["Template does not exist"]}}}""");

        var result = endpoint.Complete(new ApiAnswer(400, body, refused, 1, TimeSpan.Zero, Array.Empty<string>(), null));

        Assert.Same(refused, result.Error);
    }

    [Fact]
    public void Another_refusal_keeps_the_id_of_its_status()
    {
        var endpoint = new HsmSendEndpoint(new[] { "593999999999" }, "recordatorio_pago");
        var refused = new JelouApiException(JelouErrorKind.InvalidRequest, "refused", 400);
        var body = Encoding.UTF8.GetBytes("""{"message":["Invalid destination"],"status":"failed"}""");

        var result = endpoint.Complete(new ApiAnswer(400, body, refused, 1, TimeSpan.Zero, Array.Empty<string>(), null));

        Assert.Same(refused, result.Error);
        Assert.Equal("JelouInvalidRequest", result.Error!.ErrorId);
    }
}
