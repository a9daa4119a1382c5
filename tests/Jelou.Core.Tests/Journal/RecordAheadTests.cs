using System.Collections.Concurrent;
using System.Globalization;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests.Journal;

/// <summary>
/// The engine writes the start records of the next queued rows ahead of their turn, so the fsyncs run while earlier
/// rows are on the wire; rows recorded ahead that never left are recorded NotAttempted on any stop the engine sees.
/// </summary>
public sealed class RecordAheadTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task On_a_slow_disk_rows_are_recorded_ahead_within_twice_ThrottleLimit_and_none_leaves_before_its_record_is_durable()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        using var journal = temp.Open();
        BulkSender? running = null;
        var most = 0;

        // 3 ms an fsync against a fake that answers at once: without a lookahead every row would wait for one.
        journal.BeforeSync = () =>
        {
            Thread.Sleep(3);
            if (Volatile.Read(ref running) is { } engine)
            {
                var now = engine.RecordedAhead;
                if (now > Volatile.Read(ref most))
                {
                    Volatile.Write(ref most, now);
                }
            }
        };

        var early = new ConcurrentBag<long>();
        var rows = JournalGroupCommitTests.Rows(600, journal, early).ToList();
        var completions = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4, Journal = journal });
            Volatile.Write(ref running, sender);
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            sender.Drain(seen.Add);
            Volatile.Write(ref running, null);
            return seen;
        });
        var syncs = journal.Syncs;
        journal.Close();

        Assert.Empty(early);
        Assert.Equal(600, completions.Count);
        Assert.All(completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        Assert.Equal(600, server.Ledger.Count);
        Assert.InRange(most, 2, 8);

        // The fsyncs waited for company: far fewer than one per row.
        Assert.True(syncs * 3 <= rows.Count, $"{syncs} fsyncs for {rows.Count} rows");
        var records = temp.Records();
        Assert.Equal(600, records.Count(r => r.GetProperty("event").GetString() == "start"));
        Assert.Equal(600, records.Count(r => r.GetProperty("event").GetString() == "done" && r.GetProperty("status").GetString() == "Sent"));
    }

    [Fact]
    public async Task A_batch_stopped_by_bad_credentials_records_the_rows_recorded_ahead_as_not_sent_and_a_rerun_sends_them()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 20;
        using var client = CoreTestSupport.ClientFor(server);
        var journal = temp.Open();
        journal.BeforeSync = () => Thread.Sleep(2);
        var early = new ConcurrentBag<long>();
        var rows = JournalGroupCommitTests.Rows(200, journal, early).ToList();
        server.Faults.AddRule(new FakeRule(new FakeResponse(401)) { UserId = ((JelouBotMessageResult)rows[59].Result).UserId });

        var completions = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4, Journal = journal });
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            sender.Drain(seen.Add);
            Assert.NotNull(sender.StopError);
            return seen;
        });
        journal.Close();

        Assert.Empty(early);
        Assert.Equal(200, completions.Count);
        var sentUsers = server.Ledger.Entries.Select(e => e.UserId).ToHashSet();
        var records = temp.Records();
        var started = records.Where(r => r.GetProperty("event").GetString() == "start").Select(r => r.GetProperty("row").GetInt64()).ToHashSet();
        Assert.True(started.Count > sentUsers.Count, "no row was recorded ahead of its turn");

        using var rerun = temp.Open();
        foreach (var row in rows)
        {
            var entry = rerun.Find(row.JournalRow!.Key);
            if (sentUsers.Contains(((JelouBotMessageResult)row.Result).UserId!))
            {
                Assert.NotNull(entry);
                continue;
            }

            if (row.Result.Row == 60)
            {
                // Refused with 401: answered, so not possibly delivered.
                Assert.Equal(SendStatus.Failed, entry!.Status);
                continue;
            }

            // Never at the server: either never recorded, or recorded NotAttempted; never "possibly delivered".
            Assert.True(entry is null || entry.Status == SendStatus.NotAttempted, $"row {row.Result.Row}: {entry?.Status?.ToString() ?? "no outcome"}");
            if (started.Contains(row.Result.Row))
            {
                Assert.Equal(SendStatus.NotAttempted, entry!.Status);
            }
        }
    }

    [Fact]
    public async Task An_outcome_for_a_start_record_not_written_yet_is_written_after_it()
    {
        using var keys = new RowKeys();
        using var inSync = new ManualResetEventSlim(false);
        using var disk = new ManualResetEventSlim(false);
        var journal = temp.Open();
        var calls = 0;
        journal.BeforeSync = () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                inSync.Set();
                disk.Wait(TimeSpan.FromSeconds(20));
            }
        };

        var first = JournalTestSupport.Row(keys, 1, "593999000001");
        var firstDurable = journal.StartedAsync(first);
        Assert.True(inSync.Wait(TimeSpan.FromSeconds(10)));

        // The second start record waits in memory for the next fsync when the batch stops and reports it NotAttempted.
        var second = JournalTestSupport.Row(keys, 2, "593999000002");
        var secondDurable = journal.StartedAsync(second);
        journal.Completed(second, new JelouBotMessageResult { Row = 2, Status = SendStatus.NotAttempted, ErrorId = "JelouNotAttempted" });
        disk.Set();
        await firstDurable;
        await secondDurable;
        journal.Completed(first, new JelouBotMessageResult { Row = 1, Status = SendStatus.Sent, MessageId = "m-1" });
        journal.Close();

        var events = temp.Records().Select(r => r.GetProperty("event").GetString() + ":" + r.GetProperty("row").GetInt64().ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.True(events.IndexOf("start:2") >= 0 && events.IndexOf("start:2") < events.IndexOf("done:2"), string.Join(", ", events));
        using var rerun = temp.Open();
        Assert.Equal(SendStatus.NotAttempted, rerun.Find(second.Key)!.Status);
        Assert.Equal(SendStatus.Sent, rerun.Find(first.Key)!.Status);
    }

    [Fact]
    public async Task An_fsync_waits_for_GroupTarget_start_records_but_no_longer_than_GroupWait()
    {
        using var keys = new RowKeys();
        using var journal = temp.Open();
        journal.GroupWait = TimeSpan.FromSeconds(30);
        journal.GroupTarget = 3;

        // One start record waits for company; the third one of the group lets the fsync run, once for all three.
        var first = journal.StartedAsync(JournalTestSupport.Row(keys, 1, "593999000001"));
        await Task.Delay(200);
        Assert.False(first.IsCompleted, "the fsync did not wait for the group");
        Assert.Equal(0, journal.Syncs);
        var rest = new[] { journal.StartedAsync(JournalTestSupport.Row(keys, 2, "593999000002")), journal.StartedAsync(JournalTestSupport.Row(keys, 3, "593999000003")) };
        Assert.Same(first, await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10))));
        await Task.WhenAll(rest);
        Assert.Equal(1, journal.Syncs);

        // A group that never fills is made durable after GroupWait all the same.
        journal.GroupWait = TimeSpan.FromMilliseconds(300);
        journal.GroupTarget = 1000;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lone = journal.StartedAsync(JournalTestSupport.Row(keys, 4, "593999000004"));
        Assert.Same(lone, await Task.WhenAny(lone, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal(2, journal.Syncs);
    }
}
