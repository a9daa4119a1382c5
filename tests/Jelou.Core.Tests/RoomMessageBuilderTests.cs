using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

public sealed class RoomMessageBuilderTests
{
    [Theory]
    [InlineData("https://example.com/a.jpg", "IMAGE")]
    [InlineData("https://example.com/a.PNG", "IMAGE")]
    [InlineData("https://example.com/a.mp4", "VIDEO")]
    [InlineData("https://example.com/a.pdf", "DOCUMENT")]
    [InlineData("https://example.com/download?id=1", "DOCUMENT")]
    public void Media_type_is_inferred_from_the_url(string url, string expected)
    {
        var request = Build("sender", new RoomMessageFields { MediaUrl = url });
        Assert.Equal(expected, Assert.Single(request.Messages).Type);
    }

    [Theory]
    [InlineData("text", "TEXT")]
    [InlineData("Image", "IMAGE")]
    [InlineData("video", "VIDEO")]
    [InlineData("document", "DOCUMENT")]
    [InlineData("file", "DOCUMENT")]
    public void Types_are_sent_uppercase(string given, string wire)
    {
        var fields = new RoomMessageFields { Type = given, Text = "hola" };
        if (wire != "TEXT")
        {
            fields.MediaUrl = "https://example.com/x";
        }

        Assert.Equal(wire, Assert.Single(Build("sender", fields).Messages).Type);
    }

    [Fact]
    public void Every_message_gets_a_distinct_uuid_unless_one_is_given()
    {
        var given = Guid.NewGuid();
        var request = Build("sender", new RoomMessageFields { Text = "a" }, new RoomMessageFields { Text = "b" }, new RoomMessageFields { Text = "c", Id = given });
        Assert.Equal(3, request.Messages.Select(m => m.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(request.Messages, m => Assert.True(Guid.TryParse(m.Id, out _)));
        Assert.Equal(given.ToString("D"), request.Messages[2].Id);
    }

    [Fact]
    public void Sender_id_is_trimmed_and_required()
    {
        Assert.Equal("sender", Build("  sender ", new RoomMessageFields { Text = "a" }).SenderId);

        var problems = Problems(" ", new RoomMessageFields { Text = "a" });
        Assert.Equal("senderId", Assert.Single(problems).Field);
    }

    [Fact]
    public void At_least_one_message_is_required()
    {
        Assert.Equal("messages", Assert.Single(Problems("sender")).Field);
    }

    [Fact]
    public void Every_problem_of_every_message_is_reported_with_its_index()
    {
        var problems = Problems(
            "",
            new RoomMessageFields { Text = "ok" },
            new RoomMessageFields { Type = "TEXT", MediaUrl = "https://example.com/a.jpg" },
            new RoomMessageFields { Type = "IMAGE" },
            new RoomMessageFields { Type = "VIDEO", MediaUrl = "http://example.com/a.mp4" },
            new RoomMessageFields { Type = "STICKER", MediaUrl = "https://example.com/a.webp" },
            new RoomMessageFields());

        Assert.Equal(
            new[] { "messages[1].mediaUrl", "messages[1].text", "messages[2].mediaUrl", "messages[3].mediaUrl", "messages[4].type", "messages[5].type", "senderId" },
            problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));
        Assert.Contains("http://example.com/a.mp4", problems.Single(p => p.Field == "messages[3].mediaUrl").Message, StringComparison.Ordinal);
        Assert.Contains("HTTPS", problems.Single(p => p.Field == "messages[3].mediaUrl").Message, StringComparison.Ordinal);
        Assert.Contains("'STICKER'", problems.Single(p => p.Field == "messages[4].type").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_media_message_keeps_its_text_as_caption()
    {
        var message = Assert.Single(Build("s", new RoomMessageFields { MediaUrl = " https://example.com/a.jpg ", Text = "Pie de foto" }).Messages);
        Assert.Equal("https://example.com/a.jpg", message.MediaUrl);
        Assert.Equal("Pie de foto", message.Text);
    }

    private static RoomMessageRequest Build(string senderId, params RoomMessageFields[] messages)
    {
        Assert.True(RoomMessageBuilder.TryBuild(senderId, messages, out var request, out var problems), string.Join("; ", problems));
        Assert.Empty(problems);
        return request;
    }

    private static IReadOnlyList<ValidationProblem> Problems(string senderId, params RoomMessageFields[] messages)
    {
        Assert.False(RoomMessageBuilder.TryBuild(senderId, messages, out var request, out var problems));
        Assert.Null(request);
        return problems;
    }
}
