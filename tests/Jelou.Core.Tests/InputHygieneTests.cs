using System.Text.Json.Nodes;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// Issue 17, items 15 and 16: mis-decoded or invisible characters never reach a customer, and recipient ids that are
/// surely wrong are refused (or, for a formatted phone number, normalised to digits).
/// </summary>
public sealed class InputHygieneTests
{
    private const string User = "593999000001";

    // What Import-Csv in PowerShell 7 makes of "Señor José, ¿cómo está?" saved by Excel in Windows-1252.
    private const string Misdecoded = "Se\uFFFDor Jos\uFFFD, \uFFFDc\uFFFDmo est\uFFFD?";

    // ---- text fields ----------------------------------------------------------------------------------------------

    [Fact]
    public void Replacement_characters_in_the_text_skip_the_row_and_say_how_to_read_the_file()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Text = Misdecoded }));

        Assert.Equal("text", problem.Field);
        Assert.Contains("U+FFFD", problem.Message, StringComparison.Ordinal);
        Assert.Contains("wrong encoding", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Import-Csv -Encoding", problem.Message, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\u0007")]
    [InlineData("\u001B")]
    [InlineData("\u0093")]
    [InlineData("\r")]
    public void A_control_character_in_the_text_is_a_problem_that_names_it(string control)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Text = "Hola" + control + "Ana" }));

        Assert.Equal("text", problem.Field);
        Assert.Contains("U+" + ((int)control[0]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture), problem.Message, StringComparison.Ordinal);
        Assert.Contains("character 5", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(control, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_says_how_to_read_a_utf16_file()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Text = "H\0o\0l\0a\0" }));
        Assert.Contains("NUL", problem.Message, StringComparison.Ordinal);
        Assert.Contains("-Encoding Unicode", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tabs_and_line_breaks_are_allowed_in_text()
    {
        var message = Assert.IsType<TextMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Text = "Uno\tdos\nTres\r\ncuatro" }));
        Assert.Equal("Uno\tdos\nTres\r\ncuatro", message.Text);
    }

    [Fact]
    public void Every_text_field_is_checked_and_the_encoding_fix_is_said_once()
    {
        var problems = Problems(new BotMessageFields
        {
            UserId = User,
            Title = "T\uFFFDtulo",
            Text = "Elija una opci\uFFFDn",
            ButtonText = "Ver\0",
            Options = new[] { new ListOption("Norte"), new ListOption("Sur\uFFFD") { Description = "Zona\u0001", Id = "s\uFFFD" } },
        });

        var fields = problems.Select(p => p.Field).ToList();
        Assert.Equal(new[] { "text", "title", "buttonText", "options[1].id", "options[1].title", "options[1].description" }, fields);
        Assert.Single(problems, p => p.Message.Contains("Import-Csv -Encoding", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Caption")]
    [InlineData("Header")]
    [InlineData("MediaUrl")]
    [InlineData("FileName")]
    [InlineData("Url")]
    [InlineData("Type")]
    public void Other_string_fields_are_checked_too(string property)
    {
        var fields = new BotMessageFields { UserId = User, Text = "ok" };
        typeof(BotMessageFields).GetProperty(property)!.SetValue(fields, "x\uFFFDy");

        var expected = char.ToLowerInvariant(property[0]) + property.Substring(1);
        Assert.Contains(Problems(fields), p => p.Field == expected && p.Message.Contains("U+FFFD", StringComparison.Ordinal));
    }

    [Fact]
    public void Quick_replies_contact_cards_and_raw_payloads_are_checked()
    {
        Assert.Contains(Problems(new BotMessageFields { UserId = User, Text = "¿Sí?", QuickReplies = new[] { "S\uFFFD" } }), p => p.Field == "quick_replies[0].title" && p.Message.Contains("U+FFFD", StringComparison.Ordinal));

        var card = new Contact { Name = new ContactName { FormattedName = "Jos\uFFFD" }, Emails = new List<ContactEmail> { new() { Email = "a\0@b.ec" } } };
        var cardProblems = Problems(new BotMessageFields { UserId = User, Contacts = new[] { card } });
        Assert.Equal(new[] { "contacts[0].name.formatted_name", "contacts[0].emails[0].email" }, cardProblems.Select(p => p.Field));

        var payload = new JsonObject { ["type"] = "CAROUSEL", ["cards"] = new JsonArray(new JsonObject { ["title"] = "Caf\uFFFD" }) };
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Payload = payload }));
        Assert.Equal("payload.cards[0].title", problem.Field);
    }

    // ---- recipient ids --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("5.93988E+11")]
    [InlineData("5,93988E+11")]
    [InlineData("5.93988e+011")]
    [InlineData("6E+11")]
    public void An_id_in_excel_scientific_notation_is_refused(string id)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = id, Text = "Hola" }));
        Assert.Equal("userId", problem.Field);
        Assert.Contains("scientific notation", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Text", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("593999\0000001")]
    [InlineData("593999000001\0")]
    [InlineData("5939\t99000001")]
    [InlineData("59399900\u00850001")]
    public void An_id_with_a_control_character_is_refused(string id)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = id, Text = "Hola" }));
        Assert.Equal("userId", problem.Field);
        Assert.Contains("control character", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_with_a_replacement_character_is_refused()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = "jos\uFFFD@example", Text = "Hola" }));
        Assert.Equal("userId", problem.Field);
        Assert.Contains("wrong encoding", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+593 98-765 4321", "593987654321")]
    [InlineData("(593) 98 765 4321", "593987654321")]
    [InlineData("+593987654321", "593987654321")]
    [InlineData("593-98-765-4321", "593987654321")]
    [InlineData("+1 (415) 555.0100", "14155550100")]
    [InlineData("593\u00A098\u00A0765\u00A04321", "593987654321")]
    public void A_formatted_phone_number_is_sent_as_its_digits(string given, string sent)
    {
        var message = BotMessageBuilder.Build(new BotMessageFields { UserId = given, Text = "Hola" });
        Assert.Equal(sent, message.UserId);
    }

    [Theory]
    [InlineData("593987654321")]
    [InlineData("2459876543210987")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("12345678-1234-1234-1234-123456789012")]
    [InlineData("tg_553311")]
    [InlineData("user.name@example.com")]
    [InlineData("5e12")]
    [InlineData("0991234567")]
    [InlineData("12-34")]
    public void Other_ids_are_left_alone(string id)
    {
        var message = BotMessageBuilder.Build(new BotMessageFields { UserId = id, Text = "Hola" });
        Assert.Equal(id, message.UserId);
    }

    [Theory]
    [InlineData("098 765 4321", "starts with 0")]
    [InlineData("+593 98", "has 5 digits")]
    [InlineData("(593) 98 765 4321 0000 11", "has 18 digits")]
    public void A_formatted_phone_number_that_cannot_be_right_is_refused(string id, string reason)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = id, Text = "Hola" }));
        Assert.Equal("userId", problem.Field);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
        Assert.Contains("country code", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recipient_inside_a_raw_payload_follows_the_same_rules()
    {
        var message = BotMessageBuilder.Build(new BotMessageFields { Payload = new JsonObject { ["type"] = "CAROUSEL", ["userId"] = "+593 98-765 4321" } });
        Assert.Equal("593987654321", message.UserId);

        var problem = Assert.Single(Problems(new BotMessageFields { Payload = new JsonObject { ["type"] = "CAROUSEL", ["userId"] = "5.93988E+11" } }));
        Assert.Equal("payload.userId", problem.Field);

        // The same number given twice, once formatted, is the same recipient.
        Assert.Equal("593987654321", BotMessageBuilder.Build(new BotMessageFields { UserId = "593987654321", Payload = new JsonObject { ["type"] = "CAROUSEL", ["userId"] = "+593 98 765 4321" } }).UserId);
    }

    // ---- room messages --------------------------------------------------------------------------------------------

    [Fact]
    public void Room_text_media_urls_and_types_are_checked()
    {
        var problems = RoomProblems("sender", new RoomMessageFields { Text = Misdecoded }, new RoomMessageFields { Type = "IMAGE", MediaUrl = "https://example.com/a\0.jpg", Text = "ok" });

        Assert.Equal(new[] { "messages[0].text", "messages[1].mediaUrl" }, problems.Select(p => p.Field));
        Assert.Contains("Import-Csv -Encoding", problems[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bot\0-1", "control character")]
    [InlineData("5.93988E+11", "scientific notation")]
    [InlineData("b\uFFFDt", "wrong encoding")]
    public void A_room_sender_id_that_is_surely_wrong_is_refused(string senderId, string reason)
    {
        var problem = Assert.Single(RoomProblems(senderId, new RoomMessageFields { Text = "Hola" }));
        Assert.Equal("senderId", problem.Field);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("+593 98-765 4321")]
    public void A_room_sender_id_is_not_a_phone_number_and_is_sent_as_given(string senderId)
    {
        Assert.True(RoomMessageBuilder.TryBuild(senderId, new[] { new RoomMessageFields { Text = "Hola" } }, out var request, out _));
        Assert.Equal(senderId, request!.SenderId);
    }

    private static IReadOnlyList<ValidationProblem> Problems(BotMessageFields fields)
    {
        Assert.False(BotMessageBuilder.TryBuild(fields, out var message, out var problems), "the row should have been refused");
        Assert.Null(message);
        return problems;
    }

    private static IReadOnlyList<ValidationProblem> RoomProblems(string senderId, params RoomMessageFields[] messages)
    {
        Assert.False(RoomMessageBuilder.TryBuild(senderId, messages, out var request, out var problems), "the request should have been refused");
        Assert.Null(request);
        return problems;
    }
}
