using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Polly;
using Polly.Retry;

namespace Jelou.Bench;

/// <summary>
/// The pieces every send pays for apart from HTTP itself, each on its own, to find where the engine's per-message CPU
/// over a plain HttpClient goes: token sources with timers, the Polly retry pass-through, the completion queue, and clocks.
/// </summary>
[MemoryDiagnoser]
public class PartBenchmarks : IDisposable
{
    private static readonly ResiliencePropertyKey<object> Key = new("bench");
    private readonly CancellationTokenSource batch = new();
    private readonly ConcurrentQueue<object> queue = new();
    private readonly object item = new();
    private ResiliencePipeline<int> retry = ResiliencePipeline<int>.Empty;

    [GlobalSetup]
    public void Setup()
    {
        retry = new ResiliencePipelineBuilder<int>()
            .AddRetry(new RetryStrategyOptions<int>
            {
                MaxRetryAttempts = 3,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result == 429),
            })
            .Build();
    }

    /// <summary>One linked token source on a cancellable batch token, with a 30 s timer, disposed.</summary>
    [Benchmark]
    public bool LinkedTokenWithTimer()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(batch.Token);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts.IsCancellationRequested;
    }

    /// <summary>The same, re-armed once (what a budget timer turned attempt timer costs).</summary>
    [Benchmark]
    public bool LinkedTokenWithTimerRearmed()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(batch.Token);
        cts.CancelAfter(TimeSpan.FromSeconds(300));
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts.IsCancellationRequested;
    }

    /// <summary>A Polly retry pipeline around a callback that succeeds at once, pooled context with one property.</summary>
    [Benchmark]
    public async Task<int> PollyRetryPassThrough()
    {
        var context = ResilienceContextPool.Shared.Get(batch.Token);
        context.Properties.Set(Key, item);
        try
        {
            var outcome = await retry.ExecuteOutcomeAsync(static (_, s) => new ValueTask<Outcome<int>>(Outcome.FromResult(200)), context, item).ConfigureAwait(false);
            return outcome.Result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>ConcurrentQueue Enqueue then TryDequeue: the engine's row and completion hand-offs.</summary>
    [Benchmark]
    public bool CompletionQueue()
    {
        queue.Enqueue(item);
        return queue.TryDequeue(out _);
    }

    /// <summary>DateTimeOffset.Now (local time) for the result's timestamp.</summary>
    [Benchmark]
    public DateTimeOffset LocalNow() => DateTimeOffset.Now;

    [GlobalCleanup]
    public void Dispose()
    {
        batch.Dispose();
        GC.SuppressFinalize(this);
    }
}
