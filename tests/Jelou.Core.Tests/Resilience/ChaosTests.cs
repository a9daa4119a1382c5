using System.Collections.Concurrent;
using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>
/// The acceptance test of the issue: 10,000 sends through the batch engine at ThrottleLimit 32 against a fake API that
/// rate-limits, fails over and drops connections before and after accepting. Retry-After is "0" so the run stays fast;
/// <see cref="RetryAfterTests"/> covers honouring a real wait.
/// </summary>
public sealed class ChaosTests
{
    private const int RowCount = 10_000;
    private const int Seed = 20_250_611;

    private static readonly RetrySettings ChaosRetry = new()
    {
        MaximumRetryCount = 10,
        RetryInterval = TimeSpan.FromMilliseconds(10),
    };

    [Fact]
    public async Task Ten_thousand_sends_under_chaos_deliver_nothing_twice_and_report_every_row_honestly()
    {
        await using var server = await StartChaosServerAsync();
        using var client = ResilienceSupport.ClientFor(server);

        var run = await ResilienceSupport.RunBatchAsync(client, new BulkOptions { ThrottleLimit = 32, Retry = ChaosRetry }, ResilienceSupport.Rows(RowCount));

        var ledger = server.Ledger.Entries;
        var attempts = server.Ledger.Attempts;
        var rows = run.Completions.Select(c => c.Result).ToList();

        // Every row reported exactly once, and the engine's totals agree.
        Assert.Null(run.StopError);
        Assert.Equal(0, run.InFlightAtEnd);
        Assert.Equal(RowCount, rows.Count);
        Assert.Equal(RowCount, rows.Select(r => r.Row).Distinct().Count());
        Assert.Equal(RowCount, run.Progress.Submitted);
        Assert.Equal(RowCount, run.Progress.Completed);
        Assert.Equal(rows.Count(r => r.Status == SendStatus.Sent), run.Progress.Sent);
        Assert.Equal(rows.Count(r => r.Status == SendStatus.Unknown), run.Progress.Unknown);
        Assert.Equal(rows.Count(r => r.Status == SendStatus.Failed), run.Progress.Failed);

        // The faults really happened (otherwise this test proves nothing).
        Assert.True(attempts.Count(a => a.Status == 429) > 100, "too few 429s were injected");
        Assert.True(attempts.Count(a => a.Status == 503) > 50, "too few 503s were injected");
        Assert.True(attempts.Count(a => a.Status == 0 && a.MessageId is null) > 20, "too few drops before read were injected");
        Assert.True(ledger.Count(e => e.ResponseDropped) > 20, "too few drops after accept were injected");

        // No duplicate delivery.
        var duplicates = ledger.GroupBy(e => e.UserId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key + " x" + g.Count()).ToList();
        Assert.Empty(duplicates);

        // The client made exactly the requests the server saw: no hidden transport-level resend.
        Assert.Equal(server.Ledger.TotalRequests, rows.Sum(r => r.Attempts));
        Assert.Equal(attempts.Count, server.Ledger.TotalRequests);

        var byUser = ledger.ToDictionary(e => e.UserId!, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var user = ((JelouBotMessageResult)row).UserId!;
            var inLedger = byUser.TryGetValue(user, out var entry);
            switch (row.Status)
            {
                case SendStatus.Sent:
                    if (!inLedger || entry!.ResponseDropped || entry.MessageId != row.MessageId)
                    {
                        problems.Add("Sent but not (or differently) in the ledger: " + ResilienceSupport.Describe(row));
                    }

                    break;
                case SendStatus.Failed:
                    if (inLedger)
                    {
                        problems.Add("Failed but delivered: " + ResilienceSupport.Describe(row));
                    }

                    break;
                case SendStatus.Unknown:
                    if (!row.PossiblyDelivered || row.ErrorId != "JelouDeliveryUnknown"
                        || row.Error?.Contains("may have been delivered", StringComparison.Ordinal) != true)
                    {
                        problems.Add("Unknown without saying it may have been delivered: " + ResilienceSupport.Describe(row));
                    }

                    if (inLedger && !entry!.ResponseDropped)
                    {
                        problems.Add("Unknown although the server answered its acceptance: " + ResilienceSupport.Describe(row));
                    }

                    break;
                default:
                    problems.Add("Unexpected status: " + ResilienceSupport.Describe(row));
                    break;
            }

            // With 10 retries every 429 and 503 recovered.
            if (row.HttpStatus is 429 or 503)
            {
                problems.Add("Ended on a retryable status: " + ResilienceSupport.Describe(row));
            }
        }

        Assert.Empty(problems);

        // An Unknown row is exactly a request the server never answered; the ones in the ledger are exactly the dropped answers.
        var unknownUsers = rows.Where(r => r.Status == SendStatus.Unknown).Select(r => ((JelouBotMessageResult)r).UserId!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(attempts.Count(a => a.Status == 0), unknownUsers.Count);
        var droppedUsers = ledger.Where(e => e.ResponseDropped).Select(e => e.UserId!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(droppedUsers.Order(StringComparer.Ordinal), unknownUsers.Where(byUser.ContainsKey).Order(StringComparer.Ordinal));
        Assert.Equal(attempts.Count(a => a.Status == 0 && a.MessageId is null), unknownUsers.Count(u => !byUser.ContainsKey(u)));

        // Everything else was delivered: Sent + dropped-after-accept accounts for the whole ledger.
        Assert.Equal(run.Progress.Sent + droppedUsers.Count, ledger.Count);
    }

    [Fact]
    public async Task With_RetryPossiblyDelivered_every_message_arrives_and_every_duplicate_is_identifiable()
    {
        await using var server = await StartChaosServerAsync();
        using var client = ResilienceSupport.ClientFor(server);
        var reasons = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var retry = ChaosRetry with { RetryPossiblyDelivered = true };

        var run = await ResilienceSupport.RunBatchAsync(
            client,
            new BulkOptions { ThrottleLimit = 32, Retry = retry },
            ResilienceSupport.Rows(RowCount, (user, outcome) => reasons[user] = outcome.RetryReasons));

        var ledger = server.Ledger.Entries;
        var rows = run.Completions.Select(c => c.Result).ToList();
        Assert.Equal(RowCount, rows.Count);
        Assert.Equal(RowCount, rows.Select(r => r.Row).Distinct().Count());
        Assert.Equal(RowCount, reasons.Count);

        // Every row ends Sent: drops and timeouts are retried too.
        Assert.Empty(rows.Where(r => r.Status != SendStatus.Sent).Select(ResilienceSupport.Describe));
        Assert.Equal(RowCount, run.Progress.Sent);

        // Every message delivered at least once.
        var ledgerUsers = ledger.Select(e => e.UserId!).ToHashSet(StringComparer.Ordinal);
        var neverDelivered = rows.Select(r => ((JelouBotMessageResult)r).UserId!).Where(u => !ledgerUsers.Contains(u)).ToList();
        Assert.Empty(neverDelivered);

        // Each user has exactly one answered acceptance (the one the row reports); any extra copy is a dropped answer.
        var answeredByUser = ledger.Where(e => !e.ResponseDropped).ToLookup(e => e.UserId!, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var answered = answeredByUser[((JelouBotMessageResult)row).UserId!].ToList();
            if (answered.Count != 1 || answered[0].MessageId != row.MessageId)
            {
                problems.Add($"{ResilienceSupport.Describe(row)}: {answered.Count} answered acceptances");
            }
        }

        Assert.Empty(problems);

        // The duplicates exist (the test proves something) and every one of them is flagged by its row's retry log.
        var duplicated = ledger.GroupBy(e => e.UserId!, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count > 20, $"only {duplicated.Count} duplicates: the drop-after-accept fault did not fire");
        Assert.Equal(ledger.Count(e => e.ResponseDropped), ledger.Count - RowCount);
        var unflagged = duplicated.Where(u => !reasons[u].Any(r => r.Contains("-RetryPossiblyDelivered", StringComparison.Ordinal))).ToList();
        Assert.Empty(unflagged);

        // ... and the flag is specific: rows that were only rate-limited do not carry it.
        var rateLimitedOnly = reasons.Where(kv => kv.Value.Count > 0 && kv.Value.All(r => r.Contains("429", StringComparison.Ordinal) || r.Contains("503", StringComparison.Ordinal))).Select(kv => kv.Key).ToList();
        Assert.NotEmpty(rateLimitedOnly);
        var duplicatedSet = duplicated.ToHashSet(StringComparer.Ordinal);
        var duplicatedWithoutFlag = rateLimitedOnly.Where(duplicatedSet.Contains).ToList();
        Assert.Empty(duplicatedWithoutFlag);
        Assert.Equal(server.Ledger.TotalRequests, rows.Sum(r => r.Attempts));
    }

    private static async Task<FakeJelouServer> StartChaosServerAsync()
    {
        var server = await FakeJelouServer.StartAsync(new FakeJelouOptions { Seed = Seed });
        server.Faults.Rate429 = 0.05;
        server.Faults.Rate503 = 0.02;
        server.Faults.RateDropBeforeRead = 0.01;
        server.Faults.RateDropAfterAccept = 0.01;
        server.Faults.LatencyMs = 2;
        server.Faults.LatencyJitterMs = 5;
        server.Faults.RetryAfter = "0";
        return server;
    }
}
