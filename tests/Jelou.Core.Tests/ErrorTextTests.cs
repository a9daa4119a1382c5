using System.Net.Http.Headers;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// The sentences of error messages: the specific part first (the server's words before our boilerplate), a stop
/// between the server's message and our hint, problems joined as sentences, and advice that can be followed.
/// </summary>
public sealed class ErrorTextTests : IClassFixture<FakeServerFixture>
{
    private readonly FakeServerFixture fixture;

    public ErrorTextTests(FakeServerFixture fixture) => this.fixture = fixture;

    [Theory]
    [InlineData("""{"message":"invalid credentials"}""", 401, "invalid credentials. Jelou API answered 401 Unauthorized. Check the client id and secret (Set-JelouCredential).")]
    [InlineData("""{"message":"Bot inactivo."}""", 404, "Bot inactivo. Jelou API answered 404 NotFound. Check the bot or room id.")]
    [InlineData("""{"message":["Los valores no son correctos"],"error":{"code":"E0422","key":"VALIDATOR_ERROR"}}""", 400, "Los valores no son correctos. Jelou API answered 400 BadRequest (E0422 VALIDATOR_ERROR).")]
    [InlineData("", 403, "Jelou API answered 403 Forbidden. This account may not use the bot.")]
    [InlineData("""{"code":"bot_not_found"}""", 404, "Jelou API answered 404 NotFound (bot_not_found). Check the bot or room id.")]
    public void The_server_message_comes_first_and_is_a_sentence_of_its_own(string body, int status, string expected)
    {
        var error = ErrorBodyParser.Parse(status, body, null, new Redactor(), DateTimeOffset.UtcNow);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"message":["uno","dos"]}""", "uno; dos")]
    [InlineData("""{"message":["El número no es válido.","La plantilla no está aprobada."]}""", "El número no es válido. La plantilla no está aprobada.")]
    [InlineData("""{"message":["Falta el texto.","dos"]}""", "Falta el texto. dos")]
    public void Several_server_messages_are_joined_without_a_stop_before_a_semicolon(string body, string expected)
    {
        var error = ErrorBodyParser.Parse(400, body, null, new Redactor(), DateTimeOffset.UtcNow);
        Assert.Equal(expected, error.ApiMessage);
        Assert.DoesNotContain(".;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_message_that_ends_with_a_stop_gets_no_second_one()
    {
        var error = ErrorBodyParser.Parse(400, """{"message":"Texto demasiado largo..."}""", null, new Redactor(), DateTimeOffset.UtcNow);
        Assert.StartsWith("Texto demasiado largo... Jelou API answered 400", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, false, "Set -RateLimit to send more slowly.")]
    [InlineData(1, true, "Lower -RateLimit.")]
    [InlineData(8, false, "Lower -ThrottleLimit or set -RateLimit.")]
    [InlineData(8, true, "Lower -ThrottleLimit or -RateLimit.")]
    public void The_advice_after_a_429_names_only_what_can_still_be_lowered(int throttleLimit, bool paced, string hint)
    {
        using var pacer = paced ? BulkSender.CreatePacer(5) : null;
        var request = new SendRequestOptions { ThrottleLimit = throttleLimit, Pacer = pacer };
        var error = ErrorBodyParser.Parse(429, """{"message":"Too many requests"}""", RetryConditionHeaderValue.Parse("1"), new Redactor(), DateTimeOffset.UtcNow, request);
        Assert.Equal("Too many requests. Jelou API answered 429 TooManyRequests. " + hint, error.Message);
    }

    [Fact]
    public async Task A_batch_at_ThrottleLimit_1_is_not_told_to_lower_it()
    {
        var server = fixture.Fresh();
        server.Faults.Enqueue(FakeResponse.TooManyRequests("0"));
        server.Faults.Enqueue(FakeResponse.TooManyRequests("0"));
        var results = new List<JelouSendResult>();
        using (var client = CoreTestSupport.ClientFor(server))
        using (var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 1, Retry = RetrySettings.Default with { MaximumRetryCount = 0 } }))
        {
            sender.Submit(Row(1), c => results.Add(c.Result));
            sender.Submit(Row(2), c => results.Add(c.Result));
            sender.Drain(c => results.Add(c.Result));
        }

        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal("JelouRateLimited", r.ErrorId);
            Assert.DoesNotContain("ThrottleLimit", r.Error, StringComparison.Ordinal);
            Assert.Contains("-RateLimit", r.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Several_problems_of_a_row_are_separate_sentences()
    {
        Assert.False(BotMessageBuilder.TryBuild(new BotMessageFields(), out _, out var problems));
        Assert.True(problems.Count >= 2);
        var message = new JelouValidationException(problems).Message;

        Assert.DoesNotContain(".;", message, StringComparison.Ordinal);
        Assert.Equal(string.Join(" ", problems.Select(p => p.ToString())), message);
        Assert.StartsWith("userId: is empty; every message needs the recipient", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_without_a_stop_gets_one_when_joined()
    {
        var message = new JelouValidationException(new[] { new ValidationProblem("a", "is wrong"), new ValidationProblem("b", "is wrong too.") }).Message;
        Assert.Equal("a: is wrong. b: is wrong too.", message);
    }

    [Fact]
    public void A_room_request_without_messages_names_RoomMessage_not_the_Message_alias_of_Text()
    {
        Assert.False(RoomMessageBuilder.TryBuild("sender", Array.Empty<RoomMessageFields>(), out _, out var problems));
        var problem = Assert.Single(problems);
        Assert.Equal("messages", problem.Field);
        Assert.Equal("is empty; give -Text, -MediaUrl or -RoomMessage.", problem.Message);
    }

    private static BulkItem Row(long row)
    {
        var userId = "59399900" + row.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        var message = new TextMessage(userId, "Hola");
        return new BulkItem(new JelouBotMessageResult { Row = row, UserId = userId }, (c, o, ct) => c.SendBotMessageAsync(CoreTestSupport.BotId, message, o, ct));
    }
}
