using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Jelou.Bulk;
using Jelou.Credentials;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests.Resilience;

/// <summary>
/// Tests that assert on wall-clock time (Retry-After waits, timeouts, cancellation latency) run alone, after every parallel
/// test class has finished, so a CPU-heavy run elsewhere in the suite cannot make them late.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "Resilience timing";
}

/// <summary>Helpers for the resilience tests; kept here so this folder does not depend on files others are editing.</summary>
internal static class ResilienceSupport
{
    public const string BotId = "bot-resilience";

    /// <summary>Generous allowance for timer and scheduling jitter on a loaded two-core machine.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(150);

    public static JelouCredential Credential() => JelouCredential.FromPlainText("test-client", "test-secret");

    public static JelouClient ClientFor(FakeJelouServer server) => ClientFor(server.BaseUri);

    public static JelouClient ClientFor(Uri baseUri, Uri? proxy = null, NetworkCredential? proxyCredential = null) =>
        new(new JelouClientOptions(Credential()) { BaseUri = baseUri, Proxy = proxy, ProxyCredential = proxyCredential });

    public static string UserId(long position) => "5937" + position.ToString("D8", CultureInfo.InvariantCulture);

    public static TextMessage Text(string userId = "593700000001") => new(userId, "Hola " + userId);

    /// <summary>Retries with a short backoff, so tests that retry connection failures stay fast.</summary>
    public static RetrySettings Fast(int count = 3, bool retryPossiblyDelivered = false) => new()
    {
        MaximumRetryCount = count,
        RetryInterval = TimeSpan.FromMilliseconds(10),
        RetryPossiblyDelivered = retryPossiblyDelivered,
    };

    public static SendRequestOptions Options(RetrySettings retry) => new() { Retry = retry };

    public static Task<SendOutcome> SendAsync(JelouClient client, RetrySettings retry, CancellationToken cancellationToken = default, string userId = "593700000001") =>
        client.SendBotMessageAsync(BotId, Text(userId), Options(retry), cancellationToken);

    /// <summary>A port on 127.0.0.1 where nothing listens: bound on port 0, read, released.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// One text row per position, each to its own userId. <paramref name="observe"/> sees every row's <see cref="SendOutcome"/>
    /// (the result objects do not carry RetryReasons).
    /// </summary>
    public static IEnumerable<BulkItem> Rows(int count, Action<string, SendOutcome>? observe = null)
    {
        for (long position = 1; position <= count; position++)
        {
            var userId = UserId(position);
            var message = new TextMessage(userId, "Hola #" + position.ToString(CultureInfo.InvariantCulture));
            var result = new JelouBotMessageResult
            {
                Row = position,
                BotId = BotId,
                UserId = userId,
                Type = message.Type,
                Text = message.Text,
            };

            yield return new BulkItem(result, async (client, options, ct) =>
            {
                var outcome = await client.SendBotMessageAsync(BotId, message, options, ct).ConfigureAwait(false);
                observe?.Invoke(userId, outcome);
                return outcome;
            });
        }
    }

    /// <summary>
    /// Runs a batch the way the cmdlets do: Submit and Drain on one dedicated thread (they block), never the test's thread.
    /// </summary>
    public static Task<BatchRun> RunBatchAsync(JelouClient client, BulkOptions options, IEnumerable<BulkItem> rows) =>
        Task.Factory.StartNew(
            () =>
            {
                var completions = new List<BulkCompletion>();
                var clock = Stopwatch.StartNew();
                using var sender = new BulkSender(client, options);
                foreach (var row in rows)
                {
                    sender.Submit(row, completions.Add);
                }

                sender.Drain(completions.Add);
                clock.Stop();
                return new BatchRun(completions, sender.Progress, sender.StopError, sender.InFlight, clock.Elapsed);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    public static string UserOf(BulkCompletion completion) =>
        ((JelouBotMessageResult)completion.Result).UserId ?? throw new InvalidOperationException("A row without a userId.");

    public static string Describe(JelouSendResult r) =>
        $"#{r.Row} {((JelouBotMessageResult)r).UserId}: {r.Status} http={r.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "-"} attempts={r.Attempts} possiblyDelivered={r.PossiblyDelivered} error={r.Error}";

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="timeout"/> passes; returns the last value.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}

internal sealed record BatchRun(List<BulkCompletion> Completions, BulkProgress Progress, JelouApiException? StopError, int InFlightAtEnd, TimeSpan Elapsed);
