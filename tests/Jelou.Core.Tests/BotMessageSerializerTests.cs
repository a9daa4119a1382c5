using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>The bytes of a request body: UTF-8 text kept as written, JSON's own special characters escaped.</summary>
public sealed class BotMessageSerializerTests
{
    [Fact]
    public void Accented_and_non_Latin_text_is_written_as_UTF_8_not_as_escapes()
    {
        const string Text = "Hola José, ¿su pedido está listo? Ñandú 你好";
        var body = BotMessageSerializer.Serialize(BotMessageBuilder.Build(new BotMessageFields { UserId = "593900000001", Text = Text }));

        var json = Encoding.UTF8.GetString(body);
        Assert.Contains(Text, json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        Assert.Equal(Text, JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void An_emoji_survives_the_round_trip()
    {
        // The encoder writes characters outside the Basic Multilingual Plane as escaped surrogate pairs: valid JSON either way.
        const string Text = "¡Listo! 🎉👍🏽";
        var body = BotMessageSerializer.Serialize(BotMessageBuilder.Build(new BotMessageFields { UserId = "593900000001", Text = Text }));

        Assert.Equal(Text, JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_are_still_escaped_and_nothing_else()
    {
        const string Text = "dijo \"listo\" en C:\\pedidos\n\tfin <b>&</b>";
        var body = BotMessageSerializer.Serialize(BotMessageBuilder.Build(new BotMessageFields { UserId = "593900000001", Text = Text }));

        var json = Encoding.UTF8.GetString(body);
        Assert.Contains("dijo \\\"listo\\\" en C:\\\\pedidos\\n\\tfin", json, StringComparison.Ordinal);

        // Only HTML-sensitive characters are left alone, as a body is never embedded in a page.
        Assert.Contains("<b>&</b>", json, StringComparison.Ordinal);
        Assert.Equal(Text, JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void A_raw_payload_is_written_with_the_same_encoder()
    {
        var payload = (System.Text.Json.Nodes.JsonObject)JsonPayload.FromObject(new Dictionary<string, object> { ["type"] = "text", ["text"] = "está" })!;
        var body = BotMessageSerializer.Serialize(new RawBotMessage("593900000001", payload));

        Assert.Contains("está", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_after_a_very_large_one_or_a_failed_one_on_the_same_thread_is_whole()
    {
        var big = new JsonObject { ["type"] = "text", ["text"] = new string('x', 100_000) };
        Assert.True(BotMessageSerializer.Serialize(new RawBotMessage("593900000001", big)).Length > 100_000);

        // A nesting deeper than the writer allows fails midway through the body.
        JsonNode deep = new JsonArray();
        for (var i = 0; i < 1200; i++)
        {
            deep = new JsonArray(deep);
        }

        Assert.ThrowsAny<Exception>(() => BotMessageSerializer.Serialize(new RawBotMessage("593900000001", new JsonObject { ["type"] = "text", ["deep"] = deep })));

        var body = BotMessageSerializer.Serialize(BotMessageBuilder.Build(new BotMessageFields { UserId = "593900000002", Text = "hola" }));
        Assert.Equal("""{"type":"text","userId":"593900000002","text":"hola"}""", Encoding.UTF8.GetString(body));
    }
}
