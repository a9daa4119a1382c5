using System.Collections.Concurrent;

namespace Jelou.FakeApi;

/// <summary>
/// Faults the fake server injects into API requests (never into <c>/_fake/</c> control requests). Every member may be used
/// while the server runs, from any thread.
/// Per request, in order: latency, then the first scripted response in the queue, else the first rule that answers,
/// else the probabilistic faults (429, 503, 500, drop before read, drop after accept: each drawn independently, first hit wins).
/// </summary>
public sealed class FakeFaults
{
    private readonly Lock _randomLock = new();
    private readonly Random _random;
    private readonly ConcurrentQueue<FakeResponse> _queue = new();
    private readonly Lock _rulesLock = new();

    // Copy-on-write so the hot path reads the rules without a lock.
    private Func<FakeRequestInfo, FakeResponse?>[] _rules = [];
    private int _latencyMs;
    private int _latencyJitterMs;
    private double _rate429;
    private double _rate503;
    private double _rate500;
    private double _rateDropBeforeRead;
    private double _rateDropAfterAccept;
    private string? _retryAfter = "1";
    private readonly Lock _bucketLock = new();
    private double _limitPerSecond;
    private int _limitBurst = 1;
    private int _forbidTemplateListing;
    private double _tokens;
    private long _refilledAt;

    internal FakeFaults(int? seed)
    {
        // Random is not thread-safe; it is only used under _randomLock.
#pragma warning disable CA5394 // Test data, not security.
        _random = seed is int s ? new Random(s) : new Random();
#pragma warning restore CA5394
    }

    /// <summary>Fixed delay in milliseconds before each API request is processed.</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _latencyMs, value);
        }
    }

    /// <summary>Extra delay drawn uniformly from 0..<see cref="LatencyJitterMs"/> (inclusive) per request.</summary>
    public int LatencyJitterMs
    {
        get => Volatile.Read(ref _latencyJitterMs);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _latencyJitterMs, value);
        }
    }

    /// <summary>Probability (0..1) that a request gets 429 with <see cref="RetryAfter"/>.</summary>
    public double Rate429 { get => Volatile.Read(ref _rate429); set => Volatile.Write(ref _rate429, CheckRate(value)); }

    /// <summary>Probability (0..1) that a request gets 503 with <see cref="RetryAfter"/>.</summary>
    public double Rate503 { get => Volatile.Read(ref _rate503); set => Volatile.Write(ref _rate503, CheckRate(value)); }

    /// <summary>Probability (0..1) that a request gets 500.</summary>
    public double Rate500 { get => Volatile.Read(ref _rate500); set => Volatile.Write(ref _rate500, CheckRate(value)); }

    /// <summary>Probability (0..1) that the connection is aborted before the body is read (nothing recorded).</summary>
    public double RateDropBeforeRead { get => Volatile.Read(ref _rateDropBeforeRead); set => Volatile.Write(ref _rateDropBeforeRead, CheckRate(value)); }

    /// <summary>Probability (0..1) that an accepted message is recorded and the connection then aborted without an answer.</summary>
    public double RateDropAfterAccept { get => Volatile.Read(ref _rateDropAfterAccept); set => Volatile.Write(ref _rateDropAfterAccept, CheckRate(value)); }

    /// <summary>
    /// <c>Retry-After</c> value sent with probabilistic 429 and 503 responses: seconds or an HTTP date. Null or empty sends no header.
    /// Scripted responses carry their own headers instead.
    /// </summary>
    public string? RetryAfter { get => Volatile.Read(ref _retryAfter); set => Volatile.Write(ref _retryAfter, value); }

    /// <summary>
    /// Rate-limited mode: a token bucket of this many API requests per second (0, the default, turns it off). A request
    /// that arrives to an empty bucket is answered 429 with <see cref="RetryAfter"/>, after the latency, like any other
    /// answer; it never reaches the queue, the rules or the ledger's messages. Setting it fills the bucket.
    /// </summary>
    public double RateLimitPerSecond
    {
        get { lock (_bucketLock) { return _limitPerSecond; } }
        set
        {
            if (double.IsNaN(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "rateLimit is requests per second, 0 or more.");
            }

            lock (_bucketLock)
            {
                _limitPerSecond = value;
                _tokens = _limitBurst;
                _refilledAt = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>The bucket's size for <see cref="RateLimitPerSecond"/>: requests that may arrive at once (default 1). Setting it fills the bucket.</summary>
    public int RateLimitBurst
    {
        get { lock (_bucketLock) { return _limitBurst; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_bucketLock)
            {
                _limitBurst = value;
                _tokens = value;
                _refilledAt = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>When true, GET /v1/bots/{botId}/templates answers 403 (an account that may send templates but not list them).</summary>
    public bool ForbidTemplateListing
    {
        get => Volatile.Read(ref _forbidTemplateListing) != 0;
        set => Volatile.Write(ref _forbidTemplateListing, value ? 1 : 0);
    }

    /// <summary>Scripted responses still waiting in the queue.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>Queues a response for the next API request that has not taken one yet (FIFO, one per request).</summary>
    /// <param name="response">The scripted response.</param>
    public void Enqueue(FakeResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _queue.Enqueue(response);
    }

    /// <summary>
    /// Adds a rule consulted for every API request that the queue did not answer. The first rule that returns non-null wins.
    /// Rules run on server threads, possibly concurrently, and see the body before authentication.
    /// </summary>
    /// <param name="rule">The rule.</param>
    public void AddRule(Func<FakeRequestInfo, FakeResponse?> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_rulesLock)
        {
            _rules = [.. _rules, rule];
        }
    }

    /// <summary>Adds a rule described as data; it runs after the rules added before it, like a delegate rule.</summary>
    /// <param name="rule">The rule.</param>
    public void AddRule(FakeRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Times is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Times, "Times cannot be negative.");
        }

        int answered = 0;
        AddRule(info => rule.Matches(info) && (rule.Times is not int times || Interlocked.Increment(ref answered) <= times)
            ? rule.Response
            : null);
    }

    /// <summary>Resets latency, rates, <see cref="RetryAfter"/>, the queue and the rules to their defaults.</summary>
    public void Clear()
    {
        LatencyMs = 0;
        LatencyJitterMs = 0;
        Rate429 = 0;
        Rate503 = 0;
        Rate500 = 0;
        RateDropBeforeRead = 0;
        RateDropAfterAccept = 0;
        RetryAfter = "1";
        RateLimitBurst = 1;
        RateLimitPerSecond = 0;
        ForbidTemplateListing = false;
        _queue.Clear();
        lock (_rulesLock)
        {
            _rules = [];
        }
    }

    /// <summary>Takes a token for a request that arrives now; false when rate-limited mode is on and the bucket is empty.</summary>
    internal bool TryTakeToken()
    {
        if (Volatile.Read(ref _limitPerSecond) <= 0)
        {
            return true;
        }

        lock (_bucketLock)
        {
            if (_limitPerSecond <= 0)
            {
                return true;
            }

            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            _tokens = Math.Min(_limitBurst, _tokens + ((now - _refilledAt) * _limitPerSecond / System.Diagnostics.Stopwatch.Frequency));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    internal bool HasRules => Volatile.Read(ref _rules).Length > 0;

    internal int NextLatencyMs()
    {
        int latency = LatencyMs;
        int jitter = LatencyJitterMs;
        if (jitter > 0)
        {
            lock (_randomLock)
            {
                // Next's upper bound is exclusive; jitter is documented as inclusive.
                latency += _random.Next(0, jitter + 1);
            }
        }

        return latency;
    }

    internal bool TryDequeue(out FakeResponse? response) => _queue.TryDequeue(out response);

    internal FakeResponse? EvaluateRules(FakeRequestInfo info)
    {
        foreach (Func<FakeRequestInfo, FakeResponse?> rule in Volatile.Read(ref _rules))
        {
            if (rule(info) is { } response)
            {
                return response;
            }
        }

        return null;
    }

    internal FakeResponse? Roll()
    {
        double r429 = Rate429, r503 = Rate503, r500 = Rate500, before = RateDropBeforeRead, after = RateDropAfterAccept;
        if (r429 <= 0 && r503 <= 0 && r500 <= 0 && before <= 0 && after <= 0)
        {
            return null;
        }

        int hit;
        lock (_randomLock)
        {
            hit = Hit(r429) ? 1 : Hit(r503) ? 2 : Hit(r500) ? 3 : Hit(before) ? 4 : Hit(after) ? 5 : 0;
        }

        return hit switch
        {
            1 => FakeResponse.WithRetryAfter(429, RetryAfter),
            2 => FakeResponse.WithRetryAfter(503, RetryAfter),
            3 => new FakeResponse(500),
            4 => FakeResponse.DropBeforeRead,
            5 => FakeResponse.DropAfterAccept,
            _ => null,
        };
    }

    // Rates of 0 draw nothing, so enabling one fault does not shift the random sequence of an unrelated seed-based test.
    private bool Hit(double rate) => rate > 0 && _random.NextDouble() < rate;

    private static double CheckRate(double value)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A rate is a probability between 0 and 1.");
        }

        return value;
    }
}
