using System.Text;
using Jelou.Journal;
using Jelou.Messages;

namespace Jelou.Tests.Journal;

/// <summary>Issue 18: a row's identity comes from the request itself, so it survives a re-import of the same CSV.</summary>
public sealed class RowKeyTests
{
    private const string Endpoint = "POST v1/bots/bot-1/messages";

    [Fact]
    public void The_same_request_gets_the_same_key_in_another_batch()
    {
        using var first = new RowKeys();
        using var second = new RowKeys();
        var body = JournalTestSupport.Body(new TextMessage("593999000001", "Hola Ana"));

        // A re-import builds new objects with the same content: only the bytes count.
        var again = JournalTestSupport.Body(new TextMessage("593999000001", "Hola Ana"));

        Assert.Equal(first.Next(Endpoint, "593999000001", body), second.Next(Endpoint, "593999000001", again));
    }

    [Fact]
    public void Two_identical_rows_are_two_messages_numbered_in_input_order()
    {
        using var keys = new RowKeys();
        var body = JournalTestSupport.Body(new TextMessage("593999000001", "Recordatorio"));

        var one = keys.Next(Endpoint, "593999000001", body);
        var other = keys.Next(Endpoint, "593999000002", JournalTestSupport.Body(new TextMessage("593999000002", "Recordatorio")));
        var two = keys.Next(Endpoint, "593999000001", body);

        Assert.Equal(one.Hash, two.Hash);
        Assert.Equal(1, one.Occurrence);
        Assert.Equal(2, two.Occurrence);
        Assert.NotEqual(one, two);
        Assert.Equal(1, other.Occurrence);
    }

    [Theory]
    [InlineData("593999000009", "Hola Ana", Endpoint)]
    [InlineData("593999000001", "Hola Ana!", Endpoint)]
    [InlineData("593999000001", "Hola Ana", "POST v1/bots/bot-2/messages")]
    public void An_edited_row_is_a_new_message(string userId, string text, string endpoint)
    {
        using var keys = new RowKeys();
        var original = keys.Next(Endpoint, "593999000001", JournalTestSupport.Body(new TextMessage("593999000001", "Hola Ana")));

        using var rerun = new RowKeys();
        var edited = rerun.Next(endpoint, userId, JournalTestSupport.Body(new TextMessage(userId, text)));

        Assert.NotEqual(original.Hash, edited.Hash);
        Assert.Equal(1, edited.Occurrence);
    }

    [Fact]
    public void Property_order_and_whitespace_do_not_change_the_key()
    {
        // A raw payload from a hashtable comes out in a different key order in every process.
        using var keys = new RowKeys();
        var one = keys.Next(Endpoint, "u", Encoding.UTF8.GetBytes("{\"type\":\"x\",\"userId\":\"u\",\"data\":{\"b\":1,\"a\":[2,{\"d\":3,\"c\":4}]}}"));
        using var again = new RowKeys();
        var two = again.Next(Endpoint, "u", Encoding.UTF8.GetBytes("{ \"data\": { \"a\": [2, {\"c\":4, \"d\":3}], \"b\": 1 }, \"userId\": \"u\", \"type\": \"x\" }"));

        Assert.Equal(one, two);
    }

    [Fact]
    public void Array_order_is_part_of_the_message()
    {
        using var keys = new RowKeys();
        var one = keys.Next(Endpoint, "u", Encoding.UTF8.GetBytes("{\"replies\":[\"Si\",\"No\"]}"));
        var two = keys.Next(Endpoint, "u", Encoding.UTF8.GetBytes("{\"replies\":[\"No\",\"Si\"]}"));

        Assert.NotEqual(one.Hash, two.Hash);
    }

    [Fact]
    public void The_hash_is_128_bits_of_lowercase_hex()
    {
        using var keys = new RowKeys();
        var key = keys.Next(Endpoint, "u", Encoding.UTF8.GetBytes("{}"));

        Assert.Matches("^[0-9a-f]{32}$", key.Hash);
        Assert.Equal(key.Hash + ":1", key.ToString());
    }
}
