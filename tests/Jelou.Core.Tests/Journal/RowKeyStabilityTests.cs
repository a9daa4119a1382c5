using System.Text;
using Jelou.Journal;

namespace Jelou.Tests.Journal;

/// <summary>
/// Issue 18: a row's key must not change between module versions, or a rerun after an update would not find the rows
/// an earlier version sent and would send them again. The values were computed by the first version that wrote journals.
/// </summary>
public sealed class RowKeyStabilityTests
{
    [Fact]
    public void Keys_are_the_same_as_the_first_journal_version_computed()
    {
        using var keys = new RowKeys();
        var body = Encoding.UTF8.GetBytes("{\"userId\":\"593987654321\",\"type\":\"text\",\"text\":\"Hola ñ \\\"x\\\"\",\"buttons\":[{\"b\":1.0,\"a\":null}]}");

        Assert.Equal("f7ac9399e416246176f0d3fdd005d02f:1", keys.Next("POST v1/bots/b1/messages", "593987654321", body).ToString());
        Assert.Equal("f7ac9399e416246176f0d3fdd005d02f:2", keys.Next("POST v1/bots/b1/messages", "593987654321", body).ToString());
        Assert.Equal(
            "5097a786a23b0b19661ecc3e153eabf8:1",
            keys.Next("POST v1/rooms/r1/messages", "room-ñ-1", Encoding.UTF8.GetBytes("{\"z\":{\"y\":2,\"x\":[3,{\"q\":true,\"p\":false}]}}")).ToString());
    }
}
