using System.Text.Json.Nodes;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// The rules every builder shares: a media URL is judged the same way for a bot message and a room message, because
/// jelou-api.md documents no difference between them (§2.1 gives the rule; §3 says only that rooms need one).
/// </summary>
public sealed class SharedRulesTests
{
    private const string User = "593999999999";

    public static TheoryData<string> MediaUrls => new()
    {
        "https://example.com/a.jpg",
        " https://example.com/a.jpg ",
        "HTTPS://EXAMPLE.COM/A.JPG",
        "http://example.com/a.jpg",
        "http://example.com/" + new string('p', 60) + ".jpg",
        "example.com/a.jpg",
        "ftp://example.com/a.jpg",
        "file:///tmp/a.jpg",
        "https://example.com/" + new string('a', 2048 - 24) + ".jpg",
        "https://example.com/" + new string('a', 2048 - 23) + ".jpg",
    };

    [Theory]
    [MemberData(nameof(MediaUrls))]
    public void Room_and_bot_media_urls_follow_one_rule(string url)
    {
        BotMessageBuilder.TryBuild(new BotMessageFields { UserId = User, Type = "image", MediaUrl = url }, out _, out var botProblems);
        RoomMessageBuilder.TryBuild("sender", new[] { new RoomMessageFields { Type = "IMAGE", MediaUrl = url } }, out _, out var roomProblems);

        var bot = botProblems.Where(p => p.Field == "mediaUrl").Select(p => p.Message).ToList();
        var room = roomProblems.Where(p => p.Field == "messages[0].mediaUrl").Select(p => p.Message).ToList();
        Assert.Equal(bot, room);
        Assert.DoesNotContain(botProblems, p => p.Field != "mediaUrl");
        Assert.DoesNotContain(roomProblems, p => p.Field != "messages[0].mediaUrl");
    }

    [Fact]
    public void A_media_url_over_2048_characters_is_refused_for_a_room_too()
    {
        var url = "https://example.com/" + new string('a', 2048 - 23) + ".jpg";
        Assert.Equal(2049, url.Length);

        Assert.False(RoomMessageBuilder.TryBuild("sender", new[] { new RoomMessageFields { MediaUrl = url } }, out _, out var problems));
        var problem = Assert.Single(problems);
        Assert.Equal("messages[0].mediaUrl", problem.Field);
        Assert.Contains("2049", problem.Message, StringComparison.Ordinal);
        Assert.Contains("2048", problem.Message, StringComparison.Ordinal);

        Assert.True(RoomMessageBuilder.TryBuild("sender", new[] { new RoomMessageFields { MediaUrl = url.Substring(0, 2044) + ".jpg" } }, out _, out _));
    }

    [Fact]
    public void A_missing_media_url_is_required_in_both_builders()
    {
        BotMessageBuilder.TryBuild(new BotMessageFields { UserId = User, Type = "video" }, out _, out var botProblems);
        RoomMessageBuilder.TryBuild("sender", new[] { new RoomMessageFields { Type = "VIDEO" } }, out _, out var roomProblems);

        Assert.Contains("public HTTPS URL", Assert.Single(botProblems, p => p.Field == "mediaUrl").Message, StringComparison.Ordinal);
        Assert.Contains("public HTTPS URL", Assert.Single(roomProblems, p => p.Field == "messages[0].mediaUrl").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_property_of_BotMessageFields_has_its_one_entry_in_BotFields()
    {
        // A field added to BotMessageFields but not to BotFields would be lost on a resend and in reports.
        var full = new BotMessageFields
        {
            UserId = "593999999999",
            Type = "text",
            Text = "hola",
            Title = "t",
            Header = "h",
            Caption = "c",
            MediaUrl = "https://example.com/a.jpg",
            FileName = "a.pdf",
            Latitude = 1.5,
            Longitude = -2.5,
            QuickReplies = new[] { "Sí" },
            Options = new[] { new ListOption("Uno") },
            ButtonText = "b",
            Url = "https://example.com",
            Contacts = new[] { new Contact() },
            Payload = new JsonObject { ["type"] = "CAROUSEL" },
        };
        var properties = typeof(BotMessageFields).GetProperties();
        Assert.All(properties, p => Assert.NotNull(p.GetValue(full)));
        Assert.Equal(properties.Length, BotFields.All.Count);

        var fromSent = BotFields.Merge(new BotMessageFields(), full, _ => false);
        var fromCommandLine = BotFields.Merge(full, new BotMessageFields(), _ => true);
        var normalized = BotFields.Normalize(full);
        foreach (var property in properties)
        {
            Assert.Equal(property.GetValue(full), property.GetValue(fromSent));
            Assert.Equal(property.GetValue(full), property.GetValue(fromCommandLine));
            Assert.Equal(property.GetValue(full), property.GetValue(normalized));
        }

        var report = full.ToString();
        Assert.All(BotFields.All, f => Assert.Contains(f.Label + "=", report, StringComparison.Ordinal));
    }

    [Fact]
    public void A_resend_takes_each_field_from_the_command_line_only_where_its_parameter_was_given()
    {
        var sent = new BotMessageFields { UserId = "593999999999", Text = "hola", QuickReplies = new[] { "Sí", "No" } };
        var given = new BotMessageFields { UserId = "593988888888", Text = "adiós", QuickReplies = new[] { "Vale" } };

        var merged = BotFields.Merge(given, sent, parameter => parameter is "Text" or "QuickReply");
        Assert.Equal("593999999999", merged.UserId);
        Assert.Equal("adiós", merged.Text);
        Assert.Equal(new[] { "Vale" }, merged.QuickReplies);
    }
}
