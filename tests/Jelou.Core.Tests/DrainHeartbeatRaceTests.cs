using Jelou.Bulk;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Results;

namespace Jelou.Tests;

/// <summary>
/// Drain ends when the last row is handed over, even when a heartbeat inside its wait is the one that hands it over
/// (the heartbeat takes finished rows itself; the wait used to look only at the ready queue, which it had just emptied).
/// </summary>
public sealed class DrainHeartbeatRaceTests
{
    [Fact]
    public async Task Drain_ends_when_a_heartbeat_takes_the_last_row()
    {
        await using var server = await FakeJelouServer.StartAsync();
        server.Faults.LatencyMs = 1;
        using var client = CoreTestSupport.ClientFor(server);

        for (var batch = 0; batch < 150; batch++)
        {
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                var count = 0;
                using var sender = new BulkSender(client, new BulkOptions { ThrottleLimit = 4, HeartbeatInterval = TimeSpan.FromMilliseconds(1), Heartbeat = () => { } });
                for (var i = 0; i < 3; i++)
                {
                    var result = new JelouBotMessageResult { Row = i + 1, BotId = CoreTestSupport.BotId, UserId = "59399900000" + i, Text = "hola" };
                    var message = new TextMessage(result.UserId!, "hola");
                    sender.Submit(new BulkItem(result, (c, o, t) => c.SendBotMessageAsync(CoreTestSupport.BotId, message, o, t)), _ => count++);
                }

                sender.Drain(_ => count++);
                done.TrySetResult(count);
            })
            { IsBackground = true };
            thread.Start();
            var finished = await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(finished == done.Task, $"batch {batch} never finished: Drain kept waiting after its last row");
            Assert.Equal(3, await done.Task);
        }
    }
}
