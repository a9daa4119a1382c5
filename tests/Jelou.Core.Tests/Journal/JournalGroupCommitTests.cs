using System.Collections.Concurrent;
using System.Globalization;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Journal;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests.Journal;

/// <summary>
/// Issue 18, journal speed: start records that are written while an fsync runs share the next fsync (group commit),
/// and still no request leaves before an fsync has covered its start record.
/// </summary>
public sealed class JournalGroupCommitTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Starts_written_while_an_fsync_runs_wait_for_the_next_one_and_share_it()
    {
        using var keys = new RowKeys();
        using var inSync = new ManualResetEventSlim(false);
        using var disk = new ManualResetEventSlim(false);
        using var journal = temp.Open();
        var calls = 0;
        journal.BeforeSync = () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // The first fsync takes as long as the test wants: a slow disk.
                inSync.Set();
                disk.Wait(TimeSpan.FromSeconds(20));
            }
        };

        var first = JournalTestSupport.Row(keys, 1, "593999000001");
        var firstDurable = journal.StartedAsync(first);
        Assert.True(inSync.Wait(TimeSpan.FromSeconds(10)), "the fsync thread never began the first fsync");
        var later = Enumerable.Range(2, 20).Select(i => JournalTestSupport.Row(keys, i, "5939990000" + i.ToString("D2", CultureInfo.InvariantCulture))).ToList();
        var laterDurable = later.Select(journal.StartedAsync).ToList();

        // Nothing may leave while its record is not durable.
        await Task.Delay(200);
        Assert.False(firstDurable.IsCompleted);
        Assert.All(laterDurable, t => Assert.False(t.IsCompleted));
        Assert.False(journal.IsDurable(first));

        disk.Set();
        await firstDurable;
        await Task.WhenAll(laterDurable);

        // One fsync for the first row, one for the twenty written while it ran.
        Assert.Equal(2, journal.Syncs);
        Assert.True(journal.IsDurable(first));
        Assert.All(later, r => Assert.True(journal.IsDurable(r)));
        Assert.Equal(21, temp.Records().Count(r => r.GetProperty("event").GetString() == "start"));
    }

    [Fact]
    public async Task Starts_from_many_threads_are_grouped_and_each_is_durable_when_its_wait_ends()
    {
        using var keys = new RowKeys();
        var rows = Enumerable.Range(1, 600).Select(i => JournalTestSupport.Row(keys, i, "5939" + i.ToString("D8", CultureInfo.InvariantCulture))).ToList();
        var early = 0;
        using (var journal = temp.Open())
        {
            // A disk of 5 ms an fsync: the rows started meanwhile must share the next one.
            journal.BeforeSync = () => Thread.Sleep(5);
            await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = worker; i < rows.Count; i += 16)
                {
                    await journal.StartedAsync(rows[i]);
                    if (!journal.IsDurable(rows[i]))
                    {
                        Interlocked.Increment(ref early);
                    }

                    journal.Completed(rows[i], JournalTestSupport.Result(rows[i].Row, SendStatus.Sent, "msg_" + rows[i].Row.ToString(CultureInfo.InvariantCulture), 200));
                }
            })));

            Assert.Equal(0, early);
            Assert.True(journal.Syncs * 4 <= rows.Count, $"{journal.Syncs} fsyncs for {rows.Count} starts: they were not grouped");
        }

        using var reread = temp.Open();
        Assert.Equal(600, reread.Count);
        Assert.All(rows, r => Assert.Equal("msg_" + r.Row.ToString(CultureInfo.InvariantCulture), reread.Find(r.Key)!.MessageId));
        Assert.Equal(1201, temp.Lines().Count);
    }

    [Fact]
    public async Task Outcomes_are_made_durable_soon_even_when_no_request_starts_after_them()
    {
        using var keys = new RowKeys();
        using var journal = temp.Open();
        var row = JournalTestSupport.Row(keys, 1, "593999000001");
        await journal.StartedAsync(row);
        var syncs = journal.Syncs;
        journal.Completed(row, JournalTestSupport.Result(1, SendStatus.Sent, "msg_1", 200));
        Assert.Equal(1, journal.Unsynced);

        var deadline = DateTime.UtcNow + SendJournal.IdleSyncInterval + TimeSpan.FromSeconds(5);
        while (journal.Unsynced > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, journal.Unsynced);
        Assert.Equal(syncs + 1, journal.Syncs);
    }

    [Fact]
    public async Task A_failing_fsync_fails_every_start_waiting_for_it_and_every_later_one()
    {
        using var keys = new RowKeys();
        using var inSync = new ManualResetEventSlim(false);
        using var disk = new ManualResetEventSlim(false);
        var journal = temp.Open();
        journal.BeforeSync = () =>
        {
            inSync.Set();
            disk.Wait(TimeSpan.FromSeconds(20));
            throw new IOException("No space left on device");
        };

        var first = journal.StartedAsync(JournalTestSupport.Row(keys, 1, "593999000001"));
        Assert.True(inSync.Wait(TimeSpan.FromSeconds(10)));
        var second = journal.StartedAsync(JournalTestSupport.Row(keys, 2, "593999000002"));
        disk.Set();

        var error = await Assert.ThrowsAsync<JelouJournalException>(() => first);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Contains(temp.Path, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<JelouJournalException>(() => second);
        await Assert.ThrowsAsync<JelouJournalException>(() => journal.StartedAsync(JournalTestSupport.Row(keys, 3, "593999000003")));
        Assert.Equal(0, journal.InFlight);

        // None of them left, so none is in flight at the close.
        Assert.Equal(0, journal.Close());
    }

    [Fact]
    public async Task Close_while_starts_wait_for_their_fsync_keeps_them_from_leaving_and_a_rerun_sends_them()
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
        var waiting = new[] { JournalTestSupport.Row(keys, 2, "593999000002"), JournalTestSupport.Row(keys, 3, "593999000003") };
        var firstDurable = journal.StartedAsync(first);
        Assert.True(inSync.Wait(TimeSpan.FromSeconds(10)));
        var waitingDurable = waiting.Select(journal.StartedAsync).ToList();

        // Close comes (SIGTERM) while the first fsync still runs; then the disk answers, once Close has begun and had
        // time to block on the running fsync. The fsync thread must then take no further group: a second fsync would
        // release the waiting rows after Close began.
        using var closeBegan = new ManualResetEventSlim(false);
        journal.Closing = closeBegan.Set;
        var inFlight = -1;
        var closer = new Thread(() => inFlight = journal.Close()) { IsBackground = true };
        closer.Start();
        Assert.True(closeBegan.Wait(TimeSpan.FromSeconds(10)));
        Thread.Sleep(100);
        disk.Set();
        Assert.True(closer.Join(TimeSpan.FromSeconds(20)), "Close did not return");

        // The first row's fsync ended: its request may have left, so it is in flight and recorded Unknown.
        await firstDurable;
        Assert.Equal(1, inFlight);
        foreach (var task in waitingDurable)
        {
            await Assert.ThrowsAsync<JelouJournalException>(() => task);
        }

        using var rerun = temp.Open();
        Assert.True(rerun.Find(first.Key)!.PossiblyDelivered);
        foreach (var row in waiting)
        {
            // Never left: no record at all, or one that says NotAttempted; either way a rerun sends it.
            var entry = rerun.Find(row.Key);
            Assert.True(entry is null || entry.Status == SendStatus.NotAttempted, $"row {row.Row}: {entry?.Status}");
        }
    }

    [Fact]
    public async Task At_0_ms_and_ThrottleLimit_32_the_rows_share_fsyncs_and_each_request_leaves_after_its_own()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        using var journal = temp.Open();

        // A slow disk (5 ms an fsync) makes the grouping plain: rows started during one fsync share the next.
        journal.BeforeSync = () => Thread.Sleep(5);
        var early = new ConcurrentBag<long>();
        var rows = Rows(400, journal, early).ToList();

        var completions = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 32, Journal = journal });
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            sender.Drain(seen.Add);
            return seen;
        });
        var syncs = journal.Syncs;
        journal.Close();

        Assert.Empty(early);
        Assert.Equal(400, completions.Count);
        Assert.All(completions, c => Assert.Equal(SendStatus.Sent, c.Result.Status));
        Assert.Equal(400, server.Ledger.Count);
        Assert.True(syncs * 4 <= rows.Count, $"{syncs} fsyncs for {rows.Count} rows: the start records were not grouped");
        var records = temp.Records();
        Assert.Equal(400, records.Count(r => r.GetProperty("event").GetString() == "start"));
        Assert.Equal(400, records.Count(r => r.GetProperty("event").GetString() == "done" && r.GetProperty("status").GetString() == "Sent"));
    }

    [Fact]
    public async Task A_failing_fsync_mid_batch_stops_it_sends_nothing_unrecorded_and_reports_every_row()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 5;
        using var client = CoreTestSupport.ClientFor(server);
        var journal = temp.Open();
        var calls = 0;
        journal.BeforeSync = () =>
        {
            // The disk fills up after a few fsyncs.
            if (Interlocked.Increment(ref calls) > 3)
            {
                throw new IOException("No space left on device");
            }
        };

        var early = new ConcurrentBag<long>();
        var rows = Rows(300, journal, early).ToList();
        var (completions, stop) = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 8, Journal = journal });
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            sender.Drain(seen.Add);
            return (seen, sender.StopError);
        });
        journal.Close();

        Assert.Empty(early);
        Assert.NotNull(stop);
        Assert.Equal(300, completions.Count);
        Assert.Equal(rows.Select(r => r.Result.Row).OrderBy(r => r), completions.Select(c => c.Result.Row).OrderBy(r => r));
        Assert.Contains(completions, c => c.Result.ErrorId == "JelouJournalFailed" && c.Error is JelouJournalException);
        var sent = completions.Where(c => c.Result.Status == SendStatus.Sent).Select(c => ((JelouBotMessageResult)c.Result).UserId ?? string.Empty).ToList();
        Assert.NotEmpty(sent);
        Assert.All(completions, c => Assert.True(c.Result.Status is SendStatus.Sent or SendStatus.NotAttempted, $"row {c.Result.Row}: {c.Result.Status}"));

        // The server saw exactly the rows reported Sent, and each of them has its start record in the journal.
        Assert.Equal(sent.OrderBy(u => u, StringComparer.Ordinal).ToList(), server.Ledger.Entries.Select(e => e.UserId ?? string.Empty).OrderBy(u => u, StringComparer.Ordinal).ToList());
        var started = new HashSet<string>(temp.Records().Where(r => r.GetProperty("event").GetString() == "start").Select(r => r.GetProperty("target").GetString()!), StringComparer.Ordinal);
        Assert.All(sent, u => Assert.Contains(u, started));
    }

    [Fact]
    public async Task A_stop_while_start_records_wait_for_the_disk_sends_none_of_them()
    {
        await using var server = await FakeJelouServer.StartAsync();
        using var client = CoreTestSupport.ClientFor(server);
        using var inSync = new ManualResetEventSlim(false);
        using var disk = new ManualResetEventSlim(false);
        var journal = temp.Open();
        journal.BeforeSync = () =>
        {
            inSync.Set();
            disk.Wait(TimeSpan.FromSeconds(20));
        };

        var rows = Rows(8, journal, new ConcurrentBag<long>()).ToList();
        var completions = await BulkSenderTests.OnDedicatedThread(() =>
        {
            var seen = new List<BulkCompletion>();
            using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4, Journal = journal });
            foreach (var row in rows)
            {
                sender.Submit(row, seen.Add);
            }

            Assert.True(inSync.Wait(TimeSpan.FromSeconds(10)));

            // PowerShell stops the pipeline while the first records wait for the disk; the disk answers a moment later.
            _ = Task.Run(async () =>
            {
                await Task.Delay(200);
                disk.Set();
            });
            Assert.Equal(0, sender.Abandon(TimeSpan.FromSeconds(10), seen.Add));
            return seen;
        });

        Assert.Equal(0, journal.Close());
        Assert.Equal(0, server.Ledger.TotalRequests);
        Assert.Equal(8, completions.Count);
        Assert.All(completions, c => Assert.Equal(SendStatus.NotAttempted, c.Result.Status));
        using var rerun = temp.Open();
        Assert.All(rows, r => Assert.False(rerun.Find(r.JournalRow!.Key)?.PossiblyDelivered ?? false, $"row {r.Result.Row} reads as possibly delivered"));
    }

    /// <summary>Rows whose send first checks that the journal made its start record durable; rows that left too early land in <paramref name="early"/>.</summary>
    /// <summary>Rows whose sends note, in <paramref name="early"/>, any request that leaves before its start record is durable.</summary>
    internal static IEnumerable<BulkItem> Rows(int count, SendJournal journal, ConcurrentBag<long> early)
    {
        using var keys = new RowKeys();
        for (var position = 1; position <= count; position++)
        {
            var userId = "5939" + position.ToString("D8", CultureInfo.InvariantCulture);
            var message = new TextMessage(userId, "Hola #" + position.ToString(CultureInfo.InvariantCulture));
            var result = new JelouBotMessageResult { Row = position, BotId = CoreTestSupport.BotId, UserId = userId, Type = message.Type, Text = message.Text };
            var key = keys.Next("POST v1/bots/" + CoreTestSupport.BotId + "/messages", userId, BotMessageSerializer.Serialize(message));
            var record = new JournalRow(key, position, userId);
            yield return new BulkItem(result, (c, o, ct) =>
            {
                // The request leaves now: its start record must be on disk already.
                if (!journal.IsDurable(record))
                {
                    early.Add(record.Row);
                }

                return c.SendBotMessageAsync(CoreTestSupport.BotId, message, o, ct);
            })
            {
                JournalRow = record,
            };
        }
    }
}
