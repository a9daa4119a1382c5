using System.Globalization;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests.Journal;

/// <summary>Issue 18: the bulk engine records each row in the journal before its request leaves, and its outcome after.</summary>
public sealed class JournalBulkTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Every_start_record_is_on_disk_before_the_server_sees_its_request()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 30;
        using var client = CoreTestSupport.ClientFor(server);
        using var journal = temp.Open();

        var completions = await RunAsync(client, journal, Rows(40), new BulkOptions { ThrottleLimit = 8, Journal = journal });
        journal.Close();

        Assert.All(completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        var records = temp.Records();
        var starts = records.Where(r => r.GetProperty("event").GetString() == "start").ToDictionary(r => r.GetProperty("target").GetString()!, StringComparer.Ordinal);
        var dones = records.Where(r => r.GetProperty("event").GetString() == "done").ToList();
        Assert.Equal(40, starts.Count);
        Assert.Equal(40, dones.Count);
        foreach (var entry in server.Ledger.Entries)
        {
            // The fake stamps a request when it arrives, before its latency; the record was written before it left.
            var started = starts[entry.UserId!].GetProperty("at").GetDateTimeOffset();
            Assert.True(started <= entry.ReceivedAt, $"{entry.UserId}: recorded {started:O}, received {entry.ReceivedAt:O}");
        }

        Assert.Equal(
            server.Ledger.Entries.Select(e => e.MessageId).OrderBy(m => m, StringComparer.Ordinal).ToList(),
            dones.Select(d => d.GetProperty("messageId").GetString() ?? string.Empty).OrderBy(m => m, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Connections_killed_after_the_server_accepted_are_recorded_Unknown_and_read_back_as_possibly_delivered()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.RateDropAfterAccept = 1;
        using var client = CoreTestSupport.ClientFor(server);
        var rows = Rows(12).ToList();
        using (var journal = temp.Open())
        {
            var completions = await RunAsync(client, journal, rows, new BulkOptions { ThrottleLimit = 4, Journal = journal });
            Assert.All(completions, c => Assert.Equal(SendStatus.Unknown, c.Result.Status));
        }

        Assert.Equal(12, server.Ledger.Count);
        using var rerun = temp.Open();
        Assert.All(rows, r => Assert.True(rerun.Find(r.JournalRow!.Key)!.PossiblyDelivered));
        Assert.All(rows, r => Assert.Equal(SendStatus.Unknown, rerun.Find(r.JournalRow!.Key)!.Status));
    }

    [Fact]
    public async Task A_journal_that_cannot_record_sends_nothing_and_stops_the_batch()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        var journal = temp.Open();
        journal.Close();

        var completions = await RunAsync(client, journal, Rows(10), new BulkOptions { ThrottleLimit = 2, Journal = journal }, expectStop: true);

        Assert.Equal(0, server.Ledger.TotalRequests);
        Assert.Equal(10, completions.Count);
        Assert.All(completions, c => Assert.Equal(SendStatus.NotAttempted, c.Result.Status));
        Assert.Contains(completions, c => c.Result.ErrorId == "JelouJournalFailed" && c.Error is JelouJournalException);
    }

    [Theory]
    [InlineData(10_000, SendStatus.Sent)]
    [InlineData(300, SendStatus.Unknown)]
    public async Task Abandon_lets_requests_in_flight_be_answered_for_a_while_then_cancels_and_journals_them(int waitMs, SendStatus inFlight)
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 2000;
        using var client = CoreTestSupport.ClientFor(server);
        using var journal = temp.Open();

        // Four in flight and eight queued: the queue (four per slot) never fills, so Submit never waits.
        var rows = Rows(12).ToList();

        var (left, completions) = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4, Journal = journal });
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            // The four requests are at the server (not only recorded: a row leaves a moment after its fsync); then
            // PowerShell stops the pipeline.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((journal.InFlight < 4 || server.Ledger.InFlight < 4) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            Thread.Sleep(200);
            var stillFlying = sender.Abandon(TimeSpan.FromMilliseconds(waitMs), seen.Add);
            return (stillFlying, seen);
        });

        Assert.Equal(0, left);
        Assert.Equal(12, completions.Count);
        Assert.Equal(0, journal.InFlight);
        Assert.Equal(4, completions.Count(c => c.Result.Status == inFlight));
        Assert.Equal(8, completions.Count(c => c.Result.Status == SendStatus.NotAttempted));
        var records = temp.Records();
        Assert.Equal(4, records.Count(r => r.GetProperty("event").GetString() == "done" && r.GetProperty("status").GetString() == inFlight.ToString()));

        // Rows recorded ahead of their turn (at most twice ThrottleLimit) never left: their outcome says so, so a rerun sends them.
        var starts = records.Where(r => r.GetProperty("event").GetString() == "start").Select(r => r.GetProperty("row").GetInt64()).ToList();
        var notAttempted = records.Where(r => r.GetProperty("event").GetString() == "done" && r.GetProperty("status").GetString() == "NotAttempted").Select(r => r.GetProperty("row").GetInt64()).ToList();
        Assert.InRange(starts.Count, 4, 4 + (2 * 4));
        Assert.Equal(starts.Where(r => r > 4).OrderBy(r => r), notAttempted.OrderBy(r => r));
        journal.Close();
        using var rerun = temp.Open();
        Assert.All(rows.Skip(4), r => Assert.True(rerun.Find(r.JournalRow!.Key) is null or { Status: SendStatus.NotAttempted }, $"row {r.Result.Row}"));
    }

    private static IEnumerable<BulkItem> Rows(int count)
    {
        using var keys = new RowKeys();
        for (var position = 1; position <= count; position++)
        {
            var userId = "5939" + position.ToString("D8", CultureInfo.InvariantCulture);
            var message = new TextMessage(userId, "Hola #" + position);
            var result = new JelouBotMessageResult { Row = position, BotId = CoreTestSupport.BotId, UserId = userId, Type = message.Type, Text = message.Text };
            var key = keys.Next("POST v1/bots/" + CoreTestSupport.BotId + "/messages", userId, BotMessageSerializer.Serialize(message));
            yield return new BulkItem(result, (c, o, ct) => c.SendBotMessageAsync(CoreTestSupport.BotId, message, o, ct))
            {
                JournalRow = new JournalRow(key, position, userId),
            };
        }
    }

    private static Task<List<BulkCompletion>> RunAsync(JelouClient client, SendJournal journal, IEnumerable<BulkItem> rows, BulkOptions options, bool expectStop = false) =>
        BulkSenderTests.OnDedicatedThread(() =>
        {
            var completions = new List<BulkCompletion>();
            using var sender = new BulkSender(client, options);
            foreach (var row in rows)
            {
                sender.Submit(row, completions.Add);
            }

            sender.Drain(completions.Add);
            Assert.Equal(expectStop, sender.StopError is not null);
            Assert.Equal(0, journal.InFlight);
            return completions;
        });
}
