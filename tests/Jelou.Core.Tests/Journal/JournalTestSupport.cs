using System.Text;
using System.Text.Json;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests.Journal;

/// <summary>A temporary folder for journal files, and ways to read a journal as a person (or a rerun) would.</summary>
internal sealed class TempJournal : IDisposable
{
    public TempJournal()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jelou-journal-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "send.jsonl");
    }

    public string Directory { get; }

    public string Path { get; }

    public SendJournal Open(string kind = "bot", List<string>? log = null) =>
        SendJournal.Open(Path, kind, kind == "bot" ? "Send-JelouBotMessage" : "Send-JelouRoomMessage", log is null ? null : log.Add);

    /// <summary>The journal's lines, read while a writer may still hold it open.</summary>
    public List<string> Lines()
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public List<JsonElement> Records() => Lines().Skip(1).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed may still hold a file; the temp folder is the OS's to clean then.
        }
    }
}

internal static class JournalTestSupport
{
    public static byte[] Body(BotMessage message) => BotMessageSerializer.Serialize(message);

    public static JournalRow Row(RowKeys keys, long row, string userId, string text = "Hola") =>
        new(keys.Next("POST v1/bots/bot-1/messages", userId, Body(new TextMessage(userId, text))), row, userId + " via bot bot-1");

    public static JelouBotMessageResult Result(long row, SendStatus status, string? messageId = null, int? http = null) => new()
    {
        Row = row,
        Status = status,
        MessageId = messageId,
        HttpStatus = http,
        ErrorId = status == SendStatus.Sent ? null : "JelouServerError",
        Error = status == SendStatus.Sent ? null : "The API failed.",
    };
}
