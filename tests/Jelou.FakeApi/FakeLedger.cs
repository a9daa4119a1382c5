using System.Globalization;

namespace Jelou.FakeApi;

/// <summary>
/// What the fake server saw: the messages it accepted and counters over every API request. Thread-safe.
/// </summary>
public sealed class FakeLedger
{
    private readonly Lock _lock = new();
    private readonly List<FakeLedgerEntry> _entries = [];
    private readonly List<FakeAttempt> _attempts = [];
    private long _sequence;
    private int _inFlight;
    private int _maxInFlight;
    private int _totalRequests;

    internal FakeLedger()
    {
    }

    /// <summary>Snapshot of the accepted messages, in acceptance order (which is also <see cref="FakeLedgerEntry.Sequence"/> order).</summary>
    public IReadOnlyList<FakeLedgerEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>Number of accepted messages.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Highest number of API requests that were being processed at the same time, failed ones included.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>API requests being processed right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Every request that reached the API handler, accepted or not (control endpoints under <c>/_fake/</c> excluded).</summary>
    public int TotalRequests => Volatile.Read(ref _totalRequests);

    /// <summary>
    /// Snapshot of every API request with the status it got, in completion order. Lets retry tests see the time of a rejected
    /// attempt, which <see cref="Entries"/> does not record.
    /// </summary>
    public IReadOnlyList<FakeAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return _attempts.ToArray();
            }
        }
    }

    /// <summary>Clears entries, attempts and counters; message ids start again at <c>msg_1</c>.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _entries.Clear();
            _attempts.Clear();
            _sequence = 0;
        }

        // _inFlight is left alone: requests still running will decrement it when they finish.
        Interlocked.Exchange(ref _maxInFlight, 0);
        Interlocked.Exchange(ref _totalRequests, 0);
    }

    internal void Enter()
    {
        Interlocked.Increment(ref _totalRequests);
        int current = Interlocked.Increment(ref _inFlight);
        int seen = Volatile.Read(ref _maxInFlight);
        while (current > seen)
        {
            int previous = Interlocked.CompareExchange(ref _maxInFlight, current, seen);
            if (previous == seen)
            {
                break;
            }

            seen = previous;
        }
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    internal FakeLedgerEntry Accept(string endpoint, string? botId, string? roomId, string? userId, string? type, string body,
        DateTimeOffset receivedAt, string? userAgent, string? contentType, bool responseDropped)
    {
        lock (_lock)
        {
            // The sequence is taken under the same lock as the append so that list order and sequence order never disagree.
            long sequence = ++_sequence;
            var entry = new FakeLedgerEntry(sequence, endpoint, botId, roomId, userId, type, body,
                "msg_" + sequence.ToString(CultureInfo.InvariantCulture), receivedAt, userAgent, contentType, responseDropped);
            _entries.Add(entry);
            return entry;
        }
    }

    internal void RecordAttempt(FakeAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Add(attempt);
        }
    }
}
