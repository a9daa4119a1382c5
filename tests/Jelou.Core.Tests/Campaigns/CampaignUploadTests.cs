using System.Text;
using System.Text.Json.Nodes;
using Jelou.Campaigns;
using Jelou.FakeApi;
using Jelou.Http;

namespace Jelou.Tests.Campaigns;

/// <summary>
/// POST /v1/hsm/file over loopback: the multipart and JSON bodies as the fake received them satisfy
/// <c>HsmBulkMultipartRequest</c> and <c>HsmBulkJsonRequest</c> of shared/jelou-openapi.json and name only declared
/// properties; the multipart writer's parts; and the answer <c>{message:[...], status}</c> read for success and failure.
/// </summary>
public sealed class CampaignUploadTests : IClassFixture<FakeServerFixture>
{
    private const string Csv = "telefono,nombre,monto\r\n593987654321,José Muñoz,10\r\n593987654322,Ana,20\r\n";
    private readonly FakeServerFixture fixture;

    public CampaignUploadTests(FakeServerFixture fixture) => this.fixture = fixture;

    private FakeJelouServer Fresh()
    {
        var server = fixture.Fresh();
        server.Campaigns.Reset();
        return server;
    }

    private static CampaignRequest Upload(string template = "recordatorio_pago") => new("bot-1", "recordatorio_mayo", template)
    {
        Parameters = new[] { new CampaignParameter(2, "monto"), new CampaignParameter(1, "nombre") },
        File = new UTF8Encoding(false).GetBytes(Csv),
        FileName = "clientes.csv",
        ScheduledAt = new DateTimeOffset(2030, 5, 1, 9, 0, 0, TimeSpan.FromHours(-5)),
    };

    [Fact]
    public async Task A_multipart_upload_reaches_the_server_as_a_valid_HsmBulkMultipartRequest()
    {
        var server = Fresh();
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload(), CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        var upload = Assert.Single(server.Campaigns.Uploads);
        Assert.StartsWith("multipart/form-data; boundary=", upload.ContentType, StringComparison.Ordinal);
        Assert.Equal(Csv, upload.File);
        Assert.Equal("clientes.csv", upload.FileName);
        Assert.StartsWith("text/csv", upload.FileContentType, StringComparison.Ordinal);

        // The form as an object: each text field as sent, params read as the JSON it carries, the file as its text.
        var form = new JsonObject();
        foreach (var field in upload.Fields)
        {
            form[field.Key] = field.Key == "params" ? JsonNode.Parse(field.Value) : JsonValue.Create(field.Value);
        }

        form["file"] = upload.File;
        Assert.Empty(await OpenApiContract.ValidateAsync("HsmBulkMultipartRequest", form.ToJsonString()));
        AssertOnlyDeclared("HsmBulkMultipartRequest", form);
        Assert.Equal("""[{"param":1,"column":"nombre"},{"param":2,"column":"monto"}]""", upload.Fields["params"]);
        Assert.Equal("2030-05-01T14:00:00.000Z", upload.Fields["scheduledAt"]);
        Assert.Equal(new[] { "campaignName", "elementName", "botId", "params", "scheduledAt" }, upload.Fields.Keys);
    }

    [Fact]
    public async Task A_file_URL_reaches_the_server_as_a_valid_HsmBulkJsonRequest()
    {
        var server = Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        var request = new CampaignRequest("bot-1", "facturas_abril", "factura_pdf")
        {
            Parameters = new[] { new CampaignParameter(1, "nombre") },
            FileUrl = new Uri("https://cdn.example.com/campanas/facturas.csv"),
            Type = "document",
            MediaUrl = "https://cdn.example.com/facturas/abril.pdf",
        };

        var result = await client.StartCampaignAsync(request, CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        var upload = Assert.Single(server.Campaigns.Uploads);
        Assert.StartsWith("application/json", upload.ContentType, StringComparison.Ordinal);
        Assert.Empty(await OpenApiContract.ValidateAsync("HsmBulkJsonRequest", upload.Json!));
        var sent = JsonNode.Parse(upload.Json!)!.AsObject();
        AssertOnlyDeclared("HsmBulkJsonRequest", sent);
        Assert.Equal("https://cdn.example.com/campanas/facturas.csv", sent["fileUrl"]!.GetValue<string>());
        Assert.Null(upload.File);
    }

    [Theory]
    [InlineData("HsmBulkJsonRequest", """{"campaignName":"x","elementName":"t","botId":"b"}""")]
    [InlineData("HsmBulkJsonRequest", """{"campaignName":"x","elementName":"t","botId":"b","fileUrl":"https://e.com/a.csv","params":[{"param":"uno","column":"a"}]}""")]
    [InlineData("HsmBulkMultipartRequest", """{"campaignName":"x","elementName":"t","file":"a,b"}""")]
    public async Task The_validator_rejects_bodies_that_break_the_contract(string schema, string json)
    {
        Assert.NotEmpty(await OpenApiContract.ValidateAsync(schema, json));
    }

    [Fact]
    public async Task The_multipart_writer_makes_named_text_fields_and_one_csv_file_part()
    {
        var request = Upload();
        request.FileName = "campaña de mayo.csv";
        request.Type = "text";

        using var form = request.ToForm();
        var parts = form.ToList();
        var body = await form.ReadAsStringAsync();

        Assert.Equal(new[] { "campaignName", "elementName", "botId", "params", "type", "scheduledAt", "file" }, parts.Select(p => p.Headers.ContentDisposition!.Name!.Trim('"')));
        Assert.Contains("name=\"campaignName\"", body, StringComparison.Ordinal);
        Assert.Contains("filename=\"campa_a de mayo.csv\"", body, StringComparison.Ordinal);
        Assert.All(parts.Take(parts.Count - 1), p => Assert.Null(p.Headers.ContentType));
        var file = parts[parts.Count - 1];
        Assert.Equal("text/csv", file.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", file.Headers.ContentType.CharSet);
        Assert.Contains("José Muñoz", body, StringComparison.Ordinal);
        Assert.Contains("recordatorio_mayo", body, StringComparison.Ordinal);

        // Each attempt gets a form of its own: the transport disposes of the content it sent.
        using var again = request.ToForm();
        Assert.NotSame(form, again);
        Assert.Equal(parts.Count, again.Count());
    }

    [Fact]
    public async Task A_template_the_server_does_not_have_is_a_failure_that_names_it()
    {
        var server = Fresh();
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload("promocion_verano"), CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal(400, result.HttpStatus);
        Assert.Equal("failed", result.Status);
        Assert.Equal(new[] { "Template does not exist or is not approved" }, result.Messages);
        Assert.Equal(HsmSendEndpoint.TemplateNotFoundId, result.ErrorId);
        Assert.Contains("promocion_verano", result.Error, StringComparison.Ordinal);
        Assert.False(result.PossiblyCreated);
    }

    [Fact]
    public async Task A_2xx_that_reports_failed_is_a_failure_with_the_server_s_messages()
    {
        var server = Fresh();
        server.Faults.Enqueue(new FakeResponse(200, """{"message":["File could not be processed","Row 3 is invalid"],"status":"failed"}"""));
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload(), CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal("failed", result.Status);
        Assert.Equal(new[] { "File could not be processed", "Row 3 is invalid" }, result.Messages);
        Assert.Contains("File could not be processed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_reads_the_status_and_messages()
    {
        var server = Fresh();
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload(), CoreTestSupport.NoRetry, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal("success", result.Status);
        Assert.Equal(new[] { "Campaign recordatorio_mayo created" }, result.Messages);
        Assert.Null(result.Error);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public async Task A_500_is_not_retried_and_says_the_campaign_may_exist()
    {
        var server = Fresh();
        server.Faults.Enqueue(new FakeResponse(500));
        server.Faults.Enqueue(new FakeResponse(500));
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload(), CoreTestSupport.FastRetry(), TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.True(result.PossiblyCreated);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("may have been created; check Get-JelouCampaign", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Ledger.TotalRequests);
    }

    [Fact]
    public async Task A_503_is_retried_with_a_fresh_form_since_nothing_was_created()
    {
        var server = Fresh();
        server.Faults.Enqueue(FakeResponse.ServiceUnavailable("0"));
        using var client = CoreTestSupport.ClientFor(server);

        var result = await client.StartCampaignAsync(Upload(), CoreTestSupport.FastRetry(), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, result.Attempts);
        var upload = Assert.Single(server.Campaigns.Uploads);
        Assert.Equal(Csv, upload.File);
    }

    [Fact]
    public void A_request_needs_exactly_one_of_a_file_and_a_URL()
    {
        using var client = CoreTestSupport.ClientFor(new Uri("http://127.0.0.1:1/"));
        var neither = new CampaignRequest("b", "c", "t");
        var both = new CampaignRequest("b", "c", "t") { File = new byte[] { 1 }, FileUrl = new Uri("https://e.com/a.csv") };

        Assert.Throws<ArgumentException>(() => { _ = client.StartCampaignAsync(neither); });
        Assert.Throws<ArgumentException>(() => { _ = client.StartCampaignAsync(both); });
        Assert.Throws<ArgumentException>(() => new CampaignRequest(" ", "c", "t"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CampaignParameter(0, "a"));
    }

    private static void AssertOnlyDeclared(string schema, JsonObject sent)
    {
        var declared = OpenApiContract.Document()["components"]!["schemas"]![schema]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(sent.Select(p => p.Key), key => Assert.Contains(key, declared));
    }
}
