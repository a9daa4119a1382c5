using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;

namespace Jelou.Tests;

/// <summary>
/// Every documented error body shape, answered by the fake server for every documented status, read into the
/// <see cref="SendOutcome"/> a real <see cref="JelouClient"/> returns.
/// </summary>
public sealed class ErrorParsingTests : IClassFixture<FakeServerFixture>
{
    private const string G4Message = "Los valores ingresados no son correctos.";
    private const string HtmlPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center>nginx</center></body>\r\n</html>";

    private static readonly int[] Statuses = { 400, 401, 403, 404, 422, 429, 500, 502, 503, 504 };
    private static readonly string[] Shapes = { "g4", "plain", "legacy", "code", "html", "empty" };

    private readonly FakeServerFixture fixture;

    public ErrorParsingTests(FakeServerFixture fixture) => this.fixture = fixture;

    public static TheoryData<int, string> StatusesAndShapes
    {
        get
        {
            var data = new TheoryData<int, string>();
            foreach (var status in Statuses)
            {
                foreach (var shape in Shapes)
                {
                    data.Add(status, shape);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StatusesAndShapes))]
    public async Task Each_documented_error_shape_is_read_for_each_status(int status, string shape)
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(shape switch
        {
            "g4" => FakeResponse.G4Error(status, "E0422", "VALIDATOR_ERROR", G4Message),
            "plain" => FakeResponse.PlainMessage(status, "Authentication failed"),
            "legacy" => FakeResponse.LegacyHsm(status, "Número inválido", "Plantilla no aprobada"),
            "code" => FakeResponse.CodeOnly(status, "bot_not_found", "Bot not assigned to your company"),
            "html" => FakeResponse.Text(status, HtmlPage, "text/html"),
            "empty" => new FakeResponse(status, string.Empty),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        });

        var (outcome, error) = await SendExpectingFailureAsync(server);

        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(1, outcome.Attempts);
        Assert.Null(outcome.MessageId);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(ExpectedKind(status), error.Kind);
        Assert.Equal(ExpectedErrorId(status), error.ErrorId);
        Assert.Equal(status is 500 or 502 or 504, error.PossiblyDelivered);
        Assert.Contains(status.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1, server.Ledger.TotalRequests);
        Assert.Equal(0, server.Ledger.Count);
        Assert.Same(error, Assert.Throws<JelouApiException>(() => outcome.EnsureSuccess()));

        switch (shape)
        {
            case "g4":
                Assert.Equal("E0422", error.ErrorCode);
                Assert.Equal("VALIDATOR_ERROR", error.ErrorKey);
                Assert.Equal(G4Message, error.ApiMessage);
                Assert.Contains("E0422", error.Message, StringComparison.Ordinal);
                Assert.Contains(G4Message, error.Message, StringComparison.Ordinal);
                break;
            case "plain":
                Assert.Null(error.ErrorCode);
                Assert.Null(error.ErrorKey);
                Assert.Equal("Authentication failed", error.ApiMessage);
                Assert.Contains("Authentication failed", error.Message, StringComparison.Ordinal);
                break;
            case "legacy":
                Assert.Null(error.ErrorCode);
                Assert.Contains("Número inválido", error.ApiMessage, StringComparison.Ordinal);
                Assert.Contains("Plantilla no aprobada", error.ApiMessage, StringComparison.Ordinal);
                break;
            case "code":
                Assert.Equal("bot_not_found", error.ErrorCode);
                Assert.Equal("Bot not assigned to your company", error.ApiMessage);
                Assert.Contains("bot_not_found", error.Message, StringComparison.Ordinal);
                break;
            case "html":
                Assert.Null(error.ErrorCode);
                Assert.Null(error.ErrorKey);
                Assert.False(string.IsNullOrEmpty(error.ApiMessage));
                break;
            case "empty":
                Assert.Null(error.ErrorCode);
                Assert.Null(error.ErrorKey);
                Assert.Null(error.ApiMessage);
                break;
        }
    }

    [Fact]
    public async Task A_G4_validation_error_names_the_rejected_field()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.G4ValidationError("userId", "userId must not be empty", "userId no debe estar vacío"));

        var (_, error) = await SendExpectingFailureAsync(server);

        Assert.Equal(JelouErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("E0422", error.ErrorCode);
        Assert.Equal("VALIDATOR_ERROR", error.ErrorKey);
        Assert.Contains("userId: userId must not be empty", error.ApiMessage, StringComparison.Ordinal);
        Assert.Contains("userId must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_s_own_422_for_an_empty_user_id_is_read()
    {
        // RawBotMessage bypasses the builder, so the body really reaches the server with userId "".
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, new RawBotMessage(" ", new JsonObject { ["type"] = "text", ["text"] = "hola" }), CoreTestSupport.NoRetry);

        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(422, error.StatusCode);
        Assert.Equal(JelouErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("VALIDATOR_ERROR", error.ErrorKey);
        Assert.Contains("userId", error.ApiMessage, StringComparison.Ordinal);
        Assert.Equal(0, server.Ledger.Count);
    }

    [Fact]
    public async Task Wrong_credentials_give_the_plain_401_as_Authentication()
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText("test-client", "wrong-secret"));
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text());

        var error = Assert.IsType<JelouApiException>(outcome.Error);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal(JelouErrorKind.Authentication, error.Kind);
        Assert.Equal("JelouAuthenticationFailed", error.ErrorId);
        Assert.Equal("Authentication failed", error.ApiMessage);
        Assert.True(error.IsAccountLevel);
        Assert.False(error.PossiblyDelivered);
    }

    [Fact]
    public async Task Unknown_and_forbidden_bots_give_NotFound_and_PermissionDenied()
    {
        await using var server = await FakeJelouServer.StartAsync(new FakeJelouOptions
        {
            KnownBots = new HashSet<string>(StringComparer.Ordinal) { "bot-ok", "bot-forbidden" },
            ForbiddenBots = new HashSet<string>(StringComparer.Ordinal) { "bot-forbidden" },
        });
        using var client = CoreTestSupport.ClientFor(server);

        var missing = Assert.IsType<JelouApiException>((await client.SendBotMessageAsync("bot-missing", CoreTestSupport.Text())).Error);
        Assert.Equal(JelouErrorKind.NotFound, missing.Kind);
        Assert.Equal("E1019", missing.ErrorCode);
        Assert.Equal("BOT_NOT_FOUND", missing.ErrorKey);
        Assert.Equal("JelouNotFound", missing.ErrorId);

        var forbidden = Assert.IsType<JelouApiException>((await client.SendBotMessageAsync("bot-forbidden", CoreTestSupport.Text())).Error);
        Assert.Equal(JelouErrorKind.PermissionDenied, forbidden.Kind);
        Assert.Equal("JelouPermissionDenied", forbidden.ErrorId);

        Assert.True((await client.SendBotMessageAsync("bot-ok", CoreTestSupport.Text())).Succeeded);
        Assert.Equal(3, server.Ledger.TotalRequests);
        Assert.Equal(1, server.Ledger.Count);
    }

    [Fact]
    public async Task A_2xx_that_says_success_false_is_a_failure()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, """{"success":false,"message":"no enviado"}"""));
        var (outcome, error) = await SendExpectingFailureAsync(server);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal(JelouErrorKind.Unexpected, error.Kind);
        Assert.Contains("success=false", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"success":true,"messageId":"msg_1"}""", "True", "msg_1")]
    [InlineData("""{"messageId":"msg_2","success":true}""", "True", "msg_2")]
    [InlineData("""{"status":"success","message":"Messages sent","messageId":"msg_3"}""", "", "msg_3")]
    [InlineData("""{"success":false,"message":{"es":"no","en":"no"},"extra":[1,{"a":null}]}""", "False", null)]
    [InlineData("""{"success":null,"messageId":null}""", "", null)]
    [InlineData("""  {"messageId":"m\u00e1s"}  """, "", "más")]
    [InlineData("""{"Success":false,"MessageId":"other-case"}""", "", null)]
    [InlineData("""{}""", "", null)]
    public void A_success_body_is_read_for_success_and_messageId(string body, string success, string? messageId)
    {
        var parsed = MessageResponseParser.TryParse(Encoding.UTF8.GetBytes(body));
        Assert.NotNull(parsed);
        Assert.Equal(success, parsed.Success?.ToString() ?? string.Empty);
        Assert.Equal(messageId, parsed.MessageId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ok")]
    [InlineData("[]")]
    [InlineData("\"sent\"")]
    [InlineData("""{"success":"true"}""")]
    [InlineData("""{"success":true,"messageId":42}""")]
    [InlineData("""{"success":true""")]
    [InlineData("""{"success":true} trailing""")]
    [InlineData("""{"success":true}{"success":false}""")]
    [InlineData("""{"success":true,"messageId":"\udc00"}""")]
    [InlineData("""{"\udc00abcdefgh":0,"success":true}""")]
    public void A_success_body_that_is_not_the_documented_object_is_not_read(string body)
    {
        Assert.Null(MessageResponseParser.TryParse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void A_success_body_that_is_not_UTF_8_is_not_read_and_does_not_throw()
    {
        // "café" in Latin-1, as a misconfigured proxy might send it.
        var latin1 = new byte[] { (byte)'{', (byte)'"', (byte)'m', (byte)'e', (byte)'s', (byte)'s', (byte)'a', (byte)'g', (byte)'e', (byte)'I', (byte)'d', (byte)'"', (byte)':', (byte)'"', (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'"', (byte)'}' };
        Assert.Null(MessageResponseParser.TryParse(latin1));
    }

    [Fact]
    public async Task A_2xx_with_an_unreadable_message_id_is_still_sent()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, """{"success":true,"messageId":"\udc00"}"""));
        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Null(outcome.MessageId);
    }

    // ---- Retry-After ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(429, "7", 7)]
    [InlineData(503, "2", 2)]
    [InlineData(429, "0", 0)]
    public async Task Retry_after_in_seconds_is_read(int status, string header, int seconds)
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(status == 429 ? FakeResponse.TooManyRequests(header) : FakeResponse.ServiceUnavailable(header));
        var (_, error) = await SendExpectingFailureAsync(server);
        Assert.Equal(TimeSpan.FromSeconds(seconds), error.RetryAfter);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_read_as_the_time_left()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests(DateTimeOffset.UtcNow.AddSeconds(30).ToString("r", CultureInfo.InvariantCulture)));
        var (_, error) = await SendExpectingFailureAsync(server);

        Assert.NotNull(error.RetryAfter);
        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
        Assert.Equal(JelouErrorKind.RateLimited, error.Kind);
    }

    [Fact]
    public async Task Retry_after_in_the_past_or_missing()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("r", CultureInfo.InvariantCulture)));
        var (_, past) = await SendExpectingFailureAsync(server);
        Assert.Equal(TimeSpan.Zero, past.RetryAfter);

        server.Faults.Enqueue(FakeResponse.TooManyRequests(null));
        var (_, missing) = await SendExpectingFailureAsync(server);
        Assert.Null(missing.RetryAfter);
    }

    [Fact]
    public void ParseRetryAfter_reads_both_forms()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(120), ErrorBodyParser.ParseRetryAfter(RetryConditionHeaderValue.Parse("120"), now));
        Assert.Equal(TimeSpan.FromSeconds(90), ErrorBodyParser.ParseRetryAfter(RetryConditionHeaderValue.Parse("Sat, 01 Mar 2025 12:01:30 GMT"), now));
        Assert.Equal(TimeSpan.Zero, ErrorBodyParser.ParseRetryAfter(RetryConditionHeaderValue.Parse("Sat, 01 Mar 2025 11:00:00 GMT"), now));
        Assert.Null(ErrorBodyParser.ParseRetryAfter(null, now));
    }

    // ---- the parser directly ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"message":"Bot inactivo","statusMessage":"failed","status":0}""", null, null, "Bot inactivo")]
    [InlineData("""{"message":["uno","dos"],"error":{"code":"E1019","key":"BOT_NOT_FOUND","description":"d"}}""", "E1019", "BOT_NOT_FOUND", "uno; dos")]
    [InlineData("""{"error":{"code":"E0500","key":"INTERNAL","description":"falló"}}""", "E0500", "INTERNAL", "falló")]
    [InlineData("""{"code":"forbidden_bot","description":"You may not use this bot"}""", "forbidden_bot", null, "You may not use this bot")]
    [InlineData("""{"error":"Too many requests"}""", null, null, "Too many requests")]
    [InlineData("\"solo texto\"", null, null, "solo texto")]
    [InlineData("[1,2,3]", null, null, null)]
    [InlineData("Service Unavailable\nRetry later", null, null, "Service Unavailable")]
    [InlineData("   ", null, null, null)]
    public void The_parser_reads_each_body_shape(string body, string? code, string? key, string? apiMessage)
    {
        var error = ErrorBodyParser.Parse(400, body, null, new Redactor("unrelated-secret"), DateTimeOffset.UtcNow);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(key, error.ErrorKey);
        Assert.Equal(apiMessage, error.ApiMessage);
        Assert.Equal(JelouErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public void A_very_long_server_message_is_truncated()
    {
        var error = ErrorBodyParser.Parse(500, "{\"message\":\"" + new string('x', 5000) + "\"}", null, new Redactor(), DateTimeOffset.UtcNow);
        Assert.NotNull(error.ApiMessage);
        Assert.InRange(error.ApiMessage!.Length, 100, 600);
        Assert.EndsWith("...", error.ApiMessage, StringComparison.Ordinal);
    }

    // ---- secrets never reach the user ------------------------------------------------------------------------------------

    private const string SecretClientId = "cliente-ñ";
    private const string Secret = "Sup3r:Sécret-ü";

    public static TheoryData<string> EchoShapes => new() { "g4", "plain", "code", "legacy", "html", "escaped-json", "lowercase-header" };

    [Theory]
    [MemberData(nameof(EchoShapes))]
    public async Task A_server_that_echoes_the_credentials_does_not_leak_them(string shape)
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretClientId + ":" + Secret));
        var header = "Authorization: Basic " + token;
        var server = fixture.Fresh();
        server.Faults.Enqueue(shape switch
        {
            "g4" => FakeResponse.G4Error(401, "E0401", "UNAUTHORIZED", "Rejected " + header + " with secret " + Secret),
            "plain" => FakeResponse.PlainMessage(401, "Bad credentials " + SecretClientId + ":" + Secret + " (" + header + ")"),
            "code" => FakeResponse.CodeOnly(403, "unauthorized " + token, "secret=" + Secret),
            "legacy" => FakeResponse.LegacyHsm(400, header, "secret " + Secret),
            "html" => FakeResponse.Text(502, "<html><body>" + header + " / " + Secret + "</body></html>", "text/html"),
            "escaped-json" => new FakeResponse(401, "{\"message\":\"secret " + JsonEscapeAll(Secret) + " header " + header + "\"}"),
            "lowercase-header" => FakeResponse.PlainMessage(401, "authorization: basic " + token + " token=" + token),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        });

        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText(SecretClientId, Secret));
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry);
        var error = Assert.IsType<JelouApiException>(outcome.Error);

        foreach (var text in new[] { error.Message, error.ToString(), error.ApiMessage ?? string.Empty, error.ErrorCode ?? string.Empty })
        {
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("***", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_false_answer_that_echoes_the_secret_does_not_leak_it()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, "{\"success\":false,\"message\":\"secret " + Secret + "\"}"));
        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText(SecretClientId, Secret));
        var error = Assert.IsType<JelouApiException>((await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry)).Error);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_false_answer_that_echoes_the_secret_json_escaped_does_not_leak_it()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(new FakeResponse(200, "{\"success\":false,\"message\":\"secret " + JsonEscapeAll(Secret) + "\"}"));
        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText(SecretClientId, Secret));
        var error = Assert.IsType<JelouApiException>((await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry)).Error);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonEscapeAll(Secret), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_Redact_removes_the_secret_and_any_basic_token()
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server, JelouCredential.FromPlainText(SecretClientId, Secret));
        var redacted = client.Redact("x " + Secret + " y Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== z Bearer abc.def-ghi");
        Assert.DoesNotContain(Secret, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def-ghi", redacted, StringComparison.Ordinal);
        Assert.StartsWith("x *** y Basic ***", redacted, StringComparison.Ordinal);
    }

    private async Task<(SendOutcome Outcome, JelouApiException Error)> SendExpectingFailureAsync(FakeJelouServer server)
    {
        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, CoreTestSupport.Text(), CoreTestSupport.NoRetry);
        Assert.False(outcome.Succeeded);
        return (outcome, Assert.IsType<JelouApiException>(outcome.Error));
    }

    private static JelouErrorKind ExpectedKind(int status) => status switch
    {
        400 or 422 => JelouErrorKind.InvalidRequest,
        401 => JelouErrorKind.Authentication,
        403 => JelouErrorKind.PermissionDenied,
        404 => JelouErrorKind.NotFound,
        429 => JelouErrorKind.RateLimited,
        _ => JelouErrorKind.ServerError,
    };

    private static string ExpectedErrorId(int status) => status switch
    {
        400 or 422 => "JelouInvalidRequest",
        401 => "JelouAuthenticationFailed",
        403 => "JelouPermissionDenied",
        404 => "JelouNotFound",
        429 => "JelouRateLimited",
        503 => "JelouServerError",
        _ => "JelouDeliveryUnknown",
    };

    private static string JsonEscapeAll(string text) =>
        string.Concat(text.Select(c => c < 128 ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)));
}
