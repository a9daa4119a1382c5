using System.Text;
using Jelou.Journal;
using Jelou.Results;

namespace Jelou.Tests.Journal;

/// <summary>Issue 18: the journal file itself: its records, what a rerun reads back, and the journals it refuses.</summary>
public sealed class SendJournalTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_new_journal_has_a_header_then_a_start_and_a_done_record_per_row()
    {
        using var keys = new RowKeys();
        var row = JournalTestSupport.Row(keys, 7, "593999000001");
        using (var journal = temp.Open())
        {
            journal.Started(row);

            // Before the outcome, the start record is in the file already.
            Assert.Equal(2, temp.Lines().Count);
            journal.Completed(row, JournalTestSupport.Result(7, SendStatus.Sent, "msg_41", 200));
        }

        var lines = temp.Lines();
        Assert.Equal(3, lines.Count);
        using var header = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal("Jelou send journal", header.RootElement.GetProperty("format").GetString());
        Assert.Equal(1, header.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("bot", header.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Send-JelouBotMessage", header.RootElement.GetProperty("command").GetString());

        var records = temp.Records();
        Assert.Equal("start", records[0].GetProperty("event").GetString());
        Assert.Equal(7, records[0].GetProperty("row").GetInt64());
        Assert.Equal(row.Key.Hash, records[0].GetProperty("key").GetString());
        Assert.Equal(1, records[0].GetProperty("n").GetInt32());
        Assert.Equal("593999000001 via bot bot-1", records[0].GetProperty("target").GetString());
        Assert.True(records[0].GetProperty("at").TryGetDateTimeOffset(out _));
        Assert.Equal("done", records[1].GetProperty("event").GetString());
        Assert.Equal("Sent", records[1].GetProperty("status").GetString());
        Assert.Equal("msg_41", records[1].GetProperty("messageId").GetString());
        Assert.Equal(200, records[1].GetProperty("httpStatus").GetInt32());
        Assert.False(records[1].TryGetProperty("errorId", out _));
    }

    [Fact]
    public void A_rerun_reads_sent_started_unknown_and_failed_rows_back()
    {
        using var keys = new RowKeys();
        var sent = JournalTestSupport.Row(keys, 1, "593999000001");
        var inFlight = JournalTestSupport.Row(keys, 2, "593999000002");
        var unknown = JournalTestSupport.Row(keys, 3, "593999000003");
        var failed = JournalTestSupport.Row(keys, 4, "593999000004");
        using (var journal = temp.Open())
        {
            foreach (var row in new[] { sent, inFlight, unknown, failed })
            {
                journal.Started(row);
            }

            journal.Completed(sent, JournalTestSupport.Result(1, SendStatus.Sent, "msg_1", 200));
            journal.Completed(unknown, JournalTestSupport.Result(3, SendStatus.Unknown, null, 504));
            journal.Completed(failed, JournalTestSupport.Result(4, SendStatus.Failed, null, 422));

            // As a killed process leaves it: the in-flight row's start record and no outcome.
            CopyWhileOpen(temp.Path, temp.Path + ".killed");
        }

        File.Copy(temp.Path + ".killed", temp.Path, overwrite: true);
        using var rerun = temp.Open();
        Assert.Equal(4, rerun.Count);
        Assert.Equal(SendStatus.Sent, rerun.Find(sent.Key)!.Status);
        Assert.Equal("msg_1", rerun.Find(sent.Key)!.MessageId);
        Assert.Equal(200, rerun.Find(sent.Key)!.HttpStatus);
        Assert.Null(rerun.Find(inFlight.Key)!.Status);
        Assert.True(rerun.Find(inFlight.Key)!.PossiblyDelivered);
        Assert.Equal(SendStatus.Unknown, rerun.Find(unknown.Key)!.Status);
        Assert.True(rerun.Find(unknown.Key)!.PossiblyDelivered);
        Assert.Equal(SendStatus.Failed, rerun.Find(failed.Key)!.Status);
        Assert.False(rerun.Find(failed.Key)!.PossiblyDelivered);
        Assert.Null(rerun.Find(new RowKey(sent.Key.Hash, 2)));
    }

    [Fact]
    public void Close_records_the_requests_still_in_flight_as_Unknown()
    {
        using var keys = new RowKeys();
        var done = JournalTestSupport.Row(keys, 1, "593999000001");
        var flying = JournalTestSupport.Row(keys, 2, "593999000002");
        var journal = temp.Open();
        journal.Started(done);
        journal.Started(flying);
        journal.Completed(done, JournalTestSupport.Result(1, SendStatus.Sent, "msg_1", 200));

        Assert.Equal(1, journal.Close());
        Assert.Equal(0, journal.Close());

        // An answer that arrives after the stop changes nothing, and nothing more may start.
        journal.Completed(flying, JournalTestSupport.Result(2, SendStatus.Sent, "msg_2", 200));
        Assert.Throws<JelouJournalException>(() => journal.Started(JournalTestSupport.Row(keys, 3, "593999000003")));
        var last = temp.Records()[^1];
        Assert.Equal("done", last.GetProperty("event").GetString());
        Assert.Equal(2, last.GetProperty("row").GetInt64());
        Assert.Equal("Unknown", last.GetProperty("status").GetString());
        Assert.Equal("JelouNoAnswer", last.GetProperty("errorId").GetString());
        Assert.Equal(4, temp.Records().Count);
    }

    [Fact]
    public void A_row_started_again_has_no_outcome_until_its_new_one()
    {
        using var keys = new RowKeys();
        var row = JournalTestSupport.Row(keys, 1, "593999000001");
        using (var journal = temp.Open())
        {
            journal.Started(row);
            journal.Completed(row, JournalTestSupport.Result(1, SendStatus.Unknown, null, 504));
        }

        using (var retry = temp.Open())
        {
            Assert.Equal(SendStatus.Unknown, retry.Find(row.Key)!.Status);
            retry.Started(new JournalRow(row.Key, 5, row.Target));
            CopyWhileOpen(temp.Path, temp.Path + ".killed");
        }

        File.Copy(temp.Path + ".killed", temp.Path, overwrite: true);
        using var reread = temp.Open();
        Assert.Null(reread.Find(row.Key)!.Status);
        Assert.Equal(5, reread.Find(row.Key)!.Row);
    }

    [Fact]
    public void A_torn_last_line_is_dropped_with_a_verbose_line_and_the_journal_goes_on()
    {
        using var keys = new RowKeys();
        var sent = JournalTestSupport.Row(keys, 1, "593999000001");
        using (var journal = temp.Open())
        {
            journal.Started(sent);
            journal.Completed(sent, JournalTestSupport.Result(1, SendStatus.Sent, "msg_1", 200));
        }

        var whole = File.ReadAllBytes(temp.Path);
        File.AppendAllText(temp.Path, "{\"event\":\"start\",\"row\":2,\"key\":\"ab", new UTF8Encoding(false));
        var log = new List<string>();
        var next = JournalTestSupport.Row(keys, 2, "593999000002");
        using (var journal = temp.Open(log: log))
        {
            Assert.Equal(SendStatus.Sent, journal.Find(sent.Key)!.Status);
            Assert.Contains(log, l => l.Contains("line 4", StringComparison.Ordinal) && l.Contains("cut off", StringComparison.Ordinal) && l.Contains(temp.Path, StringComparison.Ordinal));

            // The fragment is gone, so the next record is a line of its own.
            Assert.Equal(whole, File.ReadAllBytes(temp.Path));
            journal.Started(next);
        }

        // Closed with the row in flight: recorded Unknown.
        using var reread = temp.Open();
        Assert.Equal(SendStatus.Unknown, reread.Find(next.Key)!.Status);
        Assert.Equal(5, temp.Lines().Count);
    }

    [Fact]
    public void A_complete_last_record_that_lost_its_line_end_is_kept()
    {
        using var keys = new RowKeys();
        var row = JournalTestSupport.Row(keys, 1, "593999000001");
        using (var journal = temp.Open())
        {
            journal.Started(row);
            journal.Completed(row, JournalTestSupport.Result(1, SendStatus.Sent, "msg_1", 200));
        }

        var bytes = File.ReadAllBytes(temp.Path);
        File.WriteAllBytes(temp.Path, bytes.Take(bytes.Length - 1).ToArray());
        var other = JournalTestSupport.Row(keys, 2, "593999000002");
        using (var journal = temp.Open())
        {
            Assert.Equal(SendStatus.Sent, journal.Find(row.Key)!.Status);
            journal.Started(other);
        }

        using var reread = temp.Open();
        Assert.Equal(SendStatus.Sent, reread.Find(row.Key)!.Status);
        Assert.NotNull(reread.Find(other.Key));
    }

    [Fact]
    public void A_second_holder_is_refused_with_an_error_naming_the_lock_file_until_the_first_closes()
    {
        var first = temp.Open();
        var refused = Assert.Throws<JelouJournalException>(() => temp.Open());
        Assert.Equal(JournalProblem.Locked, refused.Problem);
        Assert.Contains(temp.Path + ".lock", refused.Message, StringComparison.Ordinal);
        Assert.Contains("another process", refused.Message, StringComparison.Ordinal);
        Assert.Equal(temp.Path + ".lock", refused.Path);

        first.Close();
        using var second = temp.Open();
        Assert.Equal(0, second.Count);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused_and_left_as_it_was()
    {
        const string Csv = "userId,text\n593999000001,Hola\n";
        File.WriteAllText(temp.Path, Csv);

        var refused = Assert.Throws<JelouJournalException>(() => temp.Open());

        Assert.Equal(JournalProblem.NotAJournal, refused.Problem);
        Assert.Contains(temp.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("not a Jelou send journal", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Csv, File.ReadAllText(temp.Path));

        // The lock is released with the refusal.
        File.Delete(temp.Path);
        using var journal = temp.Open();
    }

    [Fact]
    public void A_journal_from_a_newer_format_is_refused()
    {
        File.WriteAllText(temp.Path, "{\"format\":\"Jelou send journal\",\"version\":2,\"kind\":\"bot\"}\n{\"event\":\"something new\"}\n");

        var refused = Assert.Throws<JelouJournalException>(() => temp.Open());

        Assert.Equal(JournalProblem.NewerVersion, refused.Problem);
        Assert.Contains(temp.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("reads version 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_of_the_other_kind_of_send_is_refused()
    {
        temp.Open("room").Close();

        var refused = Assert.Throws<JelouJournalException>(() => temp.Open("bot"));

        Assert.Equal(JournalProblem.OtherKind, refused.Problem);
        Assert.Contains(temp.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Send-JelouRoomMessage", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Send-JelouBotMessage", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_line_before_the_last_is_refused_naming_the_line()
    {
        using var keys = new RowKeys();
        using (var journal = temp.Open())
        {
            journal.Started(JournalTestSupport.Row(keys, 1, "593999000001"));
            journal.Started(JournalTestSupport.Row(keys, 2, "593999000002"));
        }

        var lines = temp.Lines();
        lines[1] = "garbage";
        File.WriteAllText(temp.Path, string.Join("\n", lines) + "\n");

        var refused = Assert.Throws<JelouJournalException>(() => temp.Open());

        Assert.Equal(JournalProblem.NotAJournal, refused.Problem);
        Assert.Contains("line 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains(temp.Path, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_in_a_folder_that_does_not_exist_is_an_error_naming_the_folder()
    {
        var path = Path.Combine(temp.Directory, "missing", "send.jsonl");

        var refused = Assert.Throws<JelouJournalException>(() => SendJournal.Open(path, "bot", "Send-JelouBotMessage"));

        Assert.Equal(JournalProblem.Unavailable, refused.Problem);
        Assert.Contains(Path.Combine(temp.Directory, "missing"), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_becomes_a_new_journal()
    {
        File.WriteAllBytes(temp.Path, Array.Empty<byte>());
        var log = new List<string>();

        using (temp.Open(log: log))
        {
        }

        Assert.Single(temp.Lines());
        Assert.Contains(log, l => l.Contains("new", StringComparison.Ordinal));
    }

    [Fact]
    public void Starts_from_many_threads_are_all_recorded_once()
    {
        using var keys = new RowKeys();
        var rows = Enumerable.Range(1, 400).Select(i => JournalTestSupport.Row(keys, i, "5939" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        using (var journal = temp.Open())
        {
            Parallel.ForEach(rows, new ParallelOptions { MaxDegreeOfParallelism = 8 }, row =>
            {
                journal.Started(row);
                journal.Completed(row, JournalTestSupport.Result(row.Row, SendStatus.Sent, "msg_" + row.Row, 200));
            });
        }

        using var reread = temp.Open();
        Assert.Equal(400, reread.Count);
        Assert.All(rows, r => Assert.Equal("msg_" + r.Row, reread.Find(r.Key)!.MessageId));
        Assert.Equal(801, temp.Lines().Count);
    }

    private static void CopyWhileOpen(string from, string to)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var target = File.Create(to);
        source.CopyTo(target);
    }
}
