using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Jelou.Credentials;
using Jelou.Results;

namespace Jelou.Journal
{
    /// <summary>
    /// A send journal: an append-only file, one JSON object a line, that remembers across processes which messages a
    /// batch sent, so a rerun sends only what was not sent. Line 1 is a header (format, version, kind of send); then a
    /// <c>start</c> record for each request before it leaves and a <c>done</c> record with its outcome.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Durability: every record is written to the operating system at once (no buffer in this process), so a killed
    /// process (<c>kill -9</c>, a crash, an unloaded job) loses nothing that was written. A <c>start</c> record is also
    /// on the disk (fsync) before the task of <see cref="StartedAsync"/> completes, so even a power cut cannot lose the
    /// fact that a request was started. The fsyncs are grouped: one thread of the journal fsyncs while the senders go on
    /// appending, and each fsync covers every record written before it began, so the requests that start while one
    /// fsync runs wait for the next one together, and no sender's thread blocks on the disk. An outcome is made durable
    /// by the next fsync, and at most <see cref="IdleSyncInterval"/> after it was written; a power cut can lose at most
    /// the outcomes of the last requests, and those rows then read as Unknown.
    /// </para>
    /// <para>
    /// One run at a time: <see cref="Open"/> takes a lock file beside the journal (<c>&lt;journal&gt;.lock</c>) that the
    /// operating system releases when the process ends, however it ends. <see cref="StartedAsync"/>,
    /// <see cref="Completed"/> and <see cref="Close"/> may be called from any thread.
    /// </para>
    /// </remarks>
    public sealed class SendJournal : IDisposable
    {
        /// <summary>The format version this module writes and reads.</summary>
        public const int FormatVersion = 1;

        /// <summary>The header's <c>format</c> value.</summary>
        public const string FormatName = "Jelou send journal";

        private static readonly byte[] HeaderStart = Encoding.UTF8.GetBytes("{\"format\":\"" + FormatName + "\"");
        /// <summary>
        /// The longest an outcome record waits for an fsync when no request starts meanwhile (a batch paused by a
        /// Retry-After, or by a slow pipeline downstream); while requests start, their fsyncs cover the outcomes too.
        /// </summary>
        public static readonly TimeSpan IdleSyncInterval = TimeSpan.FromMilliseconds(200);

        /// <summary>
        /// The longest an fsync waits for <see cref="GroupTarget"/> start records before it runs with fewer: short, as a
        /// row recorded ahead is needed soon (about a window's worth of sends later).
        /// </summary>
        internal static readonly TimeSpan MaxGroupWait = TimeSpan.FromMilliseconds(2);

        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly object writeGate = new();
        private readonly object syncGate = new();
        private readonly Dictionary<RowKey, JournalEntry> entries = new();
        private readonly HashSet<JournalRow> open = new();
        private readonly MemoryStream line = new(256);

        // Start records formatted but not yet written: the fsync thread writes them in one write just before its fsync,
        // so a group of starts costs one write and one fsync. None of their requests leaves before that fsync ends.
        private readonly MemoryStream starts = new(4096);
        private int startsCount;
        private readonly Utf8JsonWriter writer;
        private readonly string kind;
        private readonly string command;
        private readonly Action<string>? log;
        private readonly FileStream lockStream;
        private readonly Thread syncer;
        private FileStream stream;
        private FileStream syncStream;
        private long written;
        private long synced;
        private JelouJournalException? failure;
        private bool closed;
        private volatile bool closeBegun;
        private int groupTarget = 1;

        // Start records written since the fsync now running began: the next fsync covers them (under writeGate).
        private StartGroup? next;

        // The start records the running fsync covers; their requests leave when it ends (under writeGate).
        private StartGroup? syncing;

        private SendJournal(string path, string lockPath, FileStream lockStream, string kind, string command, Action<string>? log)
        {
            Path = path;
            LockPath = lockPath;
            this.lockStream = lockStream;
            this.kind = kind;
            this.command = command;
            this.log = log;
            writer = new Utf8JsonWriter(line, WriterOptions);
            try
            {
                if (!ShareModeOnly && !File.Exists(path))
                {
                    // Created 0600: the journal names recipients.
                    UnixPermissions.CreateNewPrivateFile(path).Dispose();
                }

                // Unbuffered: each record is one write to the operating system.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 1);
                Load();

                // A second handle that only fsyncs, so one thread can make the file durable while others append.
                syncStream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);

                // Its own thread: an fsync blocks for as long as the disk takes, and a thread-pool thread blocked there
                // is one the sends themselves lack (on two cores the pool has two before it grows, slowly).
                syncer = new Thread(SyncLoop) { IsBackground = true, Name = "Jelou journal fsync" };
                syncer.Start();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not JelouJournalException)
            {
                stream?.Dispose();
                throw new JelouJournalException(JournalProblem.Unavailable, $"Cannot use the journal '{path}': {ex.Message} Nothing was sent.", path, ex);
            }
            catch
            {
                stream?.Dispose();
                throw;
            }
        }

        /// <summary>The journal file's full path.</summary>
        public string Path { get; }

        /// <summary>The lock file beside it that keeps a second run out.</summary>
        public string LockPath { get; }

        /// <summary>Messages the journal had records of when it was opened.</summary>
        public int Count => entries.Count;

        /// <summary>
        /// Requests started through this journal whose outcome is not recorded yet and that may have left: rows whose
        /// start record still waits for its fsync are not counted.
        /// </summary>
        public int InFlight
        {
            get
            {
                lock (writeGate)
                {
                    return open.Count(r => !ReferenceEquals(r.Group, syncing) && !ReferenceEquals(r.Group, next));
                }
            }
        }

        /// <summary>Fsyncs done so far (tests: how many start records shared one).</summary>
        internal int Syncs { get; private set; }


        /// <summary>Records written to the operating system and not covered by an fsync yet.</summary>
        internal long Unsynced
        {
            get
            {
                lock (writeGate)
                {
                    return written - Interlocked.Read(ref synced);
                }
            }
        }

        /// <summary>Called on the fsync thread before each fsync (tests: a slow or failing disk).</summary>
        internal Action? BeforeSync { get; set; }

        /// <summary>Called as <see cref="Close"/> begins, before it waits for a running fsync (tests).</summary>
        internal Action? Closing { get; set; }

        /// <summary>
        /// How many start records an fsync waits for, at most <see cref="GroupWait"/>; 1 fsyncs as soon as one waits.
        /// Set by whoever records rows ahead of their turn (<see cref="Bulk.RecordAhead"/>): only then can rows afford the wait.
        /// </summary>
        internal int GroupTarget
        {
            get => Volatile.Read(ref groupTarget);
            set => Volatile.Write(ref groupTarget, Math.Max(1, value));
        }

        /// <summary>How long an fsync waits for <see cref="GroupTarget"/>: <see cref="MaxGroupWait"/>, or what a test sets.</summary>
        internal TimeSpan GroupWait { get; set; } = MaxGroupWait;

        private static bool ShareModeOnly => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || !UnixPermissions.IsAvailable;

        /// <summary>
        /// Opens (or creates) the journal at <paramref name="path"/> for a send of <paramref name="kind"/>, takes its lock
        /// and reads what earlier runs recorded. Throws <see cref="JelouJournalException"/>, naming the file and the
        /// problem, for a file that is not a journal, a newer format, a journal of another kind of send, or a lock
        /// another process holds. A last line cut off by a crash is dropped and reported to <paramref name="log"/>.
        /// </summary>
        /// <param name="path">The journal file.</param>
        /// <param name="kind">The kind of send, such as <c>bot</c> or <c>room</c>; a journal holds one kind.</param>
        /// <param name="command">The command that sends it, for messages and the header.</param>
        /// <param name="log">Verbose lines about what was found.</param>
        public static SendJournal Open(string path, string kind, string command, Action<string>? log = null)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException("The journal path is empty.", nameof(path));
            }

            var full = System.IO.Path.GetFullPath(path);
            var directory = System.IO.Path.GetDirectoryName(full);
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new JelouJournalException(JournalProblem.Unavailable, $"Cannot create the journal '{full}': the folder '{directory}' does not exist. Nothing was sent.", full);
            }

            var lockPath = full + ".lock";
            FileStream held;
            try
            {
                held = IO.LockFile.Open(lockPath, ShareModeOnly);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new JelouJournalException(JournalProblem.Unavailable, $"Cannot open the lock file '{lockPath}' of the journal '{full}': {ex.Message} Nothing was sent.", lockPath, ex);
            }
            catch (IOException ex)
            {
                throw new JelouJournalException(
                    JournalProblem.Locked,
                    $"The journal '{full}' is in use: another process holds its lock file '{lockPath}'. Two runs must never send from one journal; let the other run finish (or end it), then run this again. Nothing was sent.",
                    lockPath,
                    ex);
            }

            try
            {
                return new SendJournal(full, lockPath, held, kind, command, log);
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }

        /// <summary>True once an fsync has covered the start record of <paramref name="row"/>.</summary>
        internal bool IsDurable(JournalRow row) => row.Record > 0 && Interlocked.Read(ref synced) >= row.Record;

        /// <summary>What earlier runs recorded about the message <paramref name="key"/>, or null when they never started it.</summary>
        public JournalEntry? Find(RowKey key) => entries.TryGetValue(key, out var entry) ? entry : null;

        /// <summary>
        /// Records that the row's request is about to leave, and returns once the record is on disk. Throws
        /// <see cref="JelouJournalException"/> when it cannot be written: the request must then not be sent. Blocks its
        /// thread for an fsync; a sender uses <see cref="StartedAsync"/>.
        /// </summary>
        public void Started(JournalRow row) => StartedAsync(row).GetAwaiter().GetResult();

        /// <summary>
        /// Records that the row's request is about to leave: the task completes once the record is written and an fsync
        /// has made it durable. The task fails with <see cref="JelouJournalException"/>
        /// when the record cannot be written or made durable, or the journal was closed first: the request must then not
        /// be sent, and no later one can be. Requests that start while an fsync runs share the next one.
        /// </summary>
        public Task StartedAsync(JournalRow row)
        {
            if (row is null)
            {
                throw new ArgumentNullException(nameof(row));
            }

            lock (writeGate)
            {
                if (failure is { } failed)
                {
                    return Failed(failed);
                }

                if (closed)
                {
                    return Failed(new JelouJournalException(JournalProblem.Unavailable, $"The journal '{Path}' is closed: the batch stopped.", Path));
                }

                Format(row, "start", null);
                starts.Write(line.GetBuffer(), 0, (int)line.Length);
                startsCount++;

                // Its place among the records: done records written before the starts are flushed only move it later,
                // so an fsync that covers this number covers this record.
                row.Record = written + startsCount;
                open.Add(row);
                var group = next;
                if (group is null)
                {
                    group = new StartGroup();
                    next = group;

                    // The fsync thread waits on this gate whenever no group is due; a pulse with nobody waiting is lost,
                    // and harmless: after each fsync that thread looks for the next group before it waits again.
                    Monitor.Pulse(writeGate);
                }

                group.Rows.Add(row);
                row.Group = group;
                if (group.Rows.Count == GroupTarget && GroupTarget > 1)
                {
                    // The fsync thread waits for this many (SyncLoop); with a smaller target it is not waiting.
                    Monitor.Pulse(writeGate);
                }

                return group.Durable.Task;
            }
        }

        /// <summary>
        /// Records the row's outcome (written to the operating system at once, made durable by the next fsync). Never
        /// throws: a failure to write is kept, and the next <see cref="Started"/> refuses with it.
        /// </summary>
        public void Completed(JournalRow row, JelouSendResult result)
        {
            if (row is null || result is null)
            {
                return;
            }

            lock (writeGate)
            {
                if (closed || failure is not null || !open.Remove(row))
                {
                    return;
                }

                if (next is { } pending && ReferenceEquals(row.Group, pending))
                {
                    // Its start record is not written yet (a row recorded ahead that never left, as the batch stopped):
                    // the outcome goes after it, in the same write, so a reader meets the start first.
                    Format(row, "done", result);
                    starts.Write(line.GetBuffer(), 0, (int)line.Length);
                    startsCount++;
                    return;
                }

                try
                {
                    WriteRecord(row, "done", result);
                }
                catch (JelouJournalException)
                {
                    // Kept in failure: no later request starts without its record.
                }
            }
        }

        /// <summary>
        /// Records every request still in flight as Unknown (no answer came: it may have been delivered), makes the
        /// journal durable and releases its lock. Returns how many were in flight. Safe to call more than once and from
        /// any thread; records arriving afterwards are ignored. Rows whose start record was still waiting for its fsync
        /// never leave (their <see cref="StartedAsync"/> task fails): a start record already written gets a NotAttempted
        /// outcome, one not written yet is dropped, so a rerun sends those rows.
        /// </summary>
        public int Close()
        {
            // Seen by the fsync thread before it takes another group: Close must not wait behind one more fsync (a lock
            // is not fair, and that thread would take it back first), nor let that group's rows leave.
            closeBegun = true;
            Closing?.Invoke();
            List<JournalRow> left;
            StartGroup?[] stopped;
            lock (syncGate)
            {
                lock (writeGate)
                {
                    if (closed)
                    {
                        return 0;
                    }

                    closed = true;
                    Monitor.Pulse(writeGate);
                    stopped = new[] { syncing, next };

                    // The next group's start records were never written: with no record, a rerun sends those rows, as it
                    // should, since they never left. The group whose fsync Close took over was written: recorded NotAttempted.
                    starts.SetLength(0);
                    startsCount = 0;
                    var unwritten = new HashSet<JournalRow>(next?.Rows ?? new List<JournalRow>());
                    var held = syncing?.Rows ?? new List<JournalRow>();
                    syncing = null;
                    next = null;
                    var stayed = new HashSet<JournalRow>(held);
                    left = open.Where(r => !stayed.Contains(r) && !unwritten.Contains(r)).OrderBy(r => r.Row).ToList();
                    open.Clear();
                    if (failure is null)
                    {
                        try
                        {
                            foreach (var row in held.OrderBy(r => r.Row))
                            {
                                WriteRecord(row, "done", null, sent: false);
                            }

                            foreach (var row in left)
                            {
                                WriteRecord(row, "done", null);
                            }
                        }
                        catch (JelouJournalException)
                        {
                            // Their start records are on disk, so a rerun reads them as Unknown all the same.
                        }
                    }

                    try
                    {
                        syncStream.Flush(true);
                    }
                    catch (IOException)
                    {
                        // Written to the operating system already; only a power cut could lose it now.
                    }

                    syncStream.Dispose();
                    stream.Dispose();
                    writer.Dispose();
                    line.Dispose();
                    starts.Dispose();
                    lockStream.Dispose();
                }
            }

            var closing = new JelouJournalException(JournalProblem.Unavailable, $"The journal '{Path}' was closed before this request's record was durable: the batch stopped, and the request was not sent.", Path);
            foreach (var group in stopped)
            {
                group?.Durable.TrySetException(closing);
            }

            return left.Count;
        }

        /// <inheritdoc />
        public void Dispose() => Close();

        private static JsonElement? Property(JsonElement record, string name) =>
            record.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private static bool IsBlank(ReadOnlySpan<byte> text)
        {
            foreach (var b in text)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\t'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool StartsWith(byte[] bytes, int length, byte[] prefix)
        {
            var n = Math.Min(length, prefix.Length);
            for (var i = 0; i < n; i++)
            {
                if (bytes[i] != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static Task Failed(JelouJournalException error)
        {
            var failed = new TaskCompletionSource<bool>();
            failed.SetException(error);
            return failed.Task;
        }

        /// <summary>
        /// The fsync thread: while start records wait, writes them in one write and fsyncs once for all of them (those
        /// formatted meanwhile wait for the next); when none wait, fsyncs outcomes at most <see cref="IdleSyncInterval"/>
        /// after they were written.
        /// </summary>
        private void SyncLoop()
        {
            while (true)
            {
                StartGroup? group;
                long covered;
                JelouJournalException? error = null;
                lock (writeGate)
                {
                    if (!closed && next is null)
                    {
                        Monitor.Wait(writeGate, IdleSyncInterval);
                    }

                    if (!closed && !closeBegun && next is not null && next.Rows.Count < GroupTarget)
                    {
                        // Rows recorded ahead of their turn can wait for company: fewer, larger fsyncs cost less
                        // processor time per row. The wait ends when the group is full (StartedAsync pulses), and
                        // at the latest after GroupWait.
                        var clock = System.Diagnostics.Stopwatch.StartNew();
                        while (!closed && !closeBegun && next.Rows.Count < GroupTarget && clock.Elapsed < GroupWait)
                        {
                            Monitor.Wait(writeGate, GroupWait - clock.Elapsed);
                        }
                    }

                    if (closed || closeBegun)
                    {
                        // Close makes the journal durable itself.
                        return;
                    }

                    if (next is null && written == Interlocked.Read(ref synced))
                    {
                        continue;
                    }

                    group = next;
                    next = null;
                    syncing = group;
                    if (startsCount > 0)
                    {
                        try
                        {
                            Append(starts.GetBuffer(), (int)starts.Length, startsCount);
                        }
                        catch (JelouJournalException ex)
                        {
                            error = ex;
                        }

                        starts.SetLength(0);
                        startsCount = 0;
                    }

                    // Every record counted in written is in the operating system already, so the fsync covers them all.
                    covered = written;
                }

                lock (syncGate)
                {
                    if (Volatile.Read(ref closed))
                    {
                        // Close took the group over (its rows never leave) and fsyncs as it closes.
                        return;
                    }

                    if (error is null)
                    {
                        try
                        {
                            BeforeSync?.Invoke();
                            syncStream.Flush(true);
                            Syncs++;
                        }
                        catch (IOException ex)
                        {
                            error = new JelouJournalException(JournalProblem.Unavailable, $"Could not make the journal '{Path}' durable: {ex.Message} The requests waiting for it were not sent.", Path, ex);
                        }
                    }

                    StartGroup? also = null;
                    lock (writeGate)
                    {
                        syncing = null;
                        if (error is null)
                        {
                            Interlocked.Exchange(ref synced, covered);
                        }
                        else
                        {
                            // Nothing leaves once a record cannot be made durable: the group formatted meanwhile fails too.
                            failure ??= error;
                            also = next;
                            next = null;
                            starts.SetLength(0);
                            startsCount = 0;
                            foreach (var row in (group?.Rows ?? Enumerable.Empty<JournalRow>()).Concat(also?.Rows ?? Enumerable.Empty<JournalRow>()))
                            {
                                open.Remove(row);
                            }
                        }
                    }

                    if (error is null)
                    {
                        group?.Durable.TrySetResult(true);
                    }
                    else
                    {
                        group?.Durable.TrySetException(error);
                        also?.Durable.TrySetException(error);
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// Writes one record; under writeGate. A null result on a done record means no answer came (Unknown), or, with
        /// <paramref name="sent"/> false, that the request never left (NotAttempted).
        /// </summary>
        private void WriteRecord(JournalRow row, string kindOfRecord, JelouSendResult? result, bool sent = true)
        {
            Format(row, kindOfRecord, result, sent);
            Append(line.GetBuffer(), (int)line.Length, 1);
        }

        /// <summary>Formats one record, with its line end, into <c>line</c>; under writeGate.</summary>
        private void Format(JournalRow row, string kindOfRecord, JelouSendResult? result, bool sent = true)
        {
            line.SetLength(0);
            writer.Reset(line);
            writer.WriteStartObject();
            writer.WriteString("event", kindOfRecord);
            writer.WriteNumber("row", row.Row);
            writer.WriteString("key", row.Key.Hash);
            writer.WriteNumber("n", row.Key.Occurrence);
            if (kindOfRecord == "start")
            {
                writer.WriteString("target", row.Target);
                if (row.Ids is { Count: > 0 } ids)
                {
                    writer.WriteStartArray("ids");
                    foreach (var id in ids)
                    {
                        writer.WriteStringValue(id);
                    }

                    writer.WriteEndArray();
                }
            }
            else if (result is null && !sent)
            {
                writer.WriteString("status", nameof(SendStatus.NotAttempted));
                writer.WriteString("errorId", "JelouNotAttempted");
                writer.WriteString("error", "The batch stopped before this request left.");
            }
            else if (result is null)
            {
                writer.WriteString("status", nameof(SendStatus.Unknown));
                writer.WriteString("errorId", "JelouNoAnswer");
                writer.WriteString("error", "The batch stopped while this request was in flight; no answer came, so it may have been delivered.");
            }
            else
            {
                writer.WriteString("status", result.Status.ToString());
                if (result.MessageId is { } messageId)
                {
                    writer.WriteString("messageId", messageId);
                }

                if (result.HttpStatus is { } http)
                {
                    writer.WriteNumber("httpStatus", http);
                }

                if (result.Status != SendStatus.Sent)
                {
                    if (result.ErrorId is { } errorId)
                    {
                        writer.WriteString("errorId", errorId);
                    }

                    if (result.Error is { } error)
                    {
                        writer.WriteString("error", error);
                    }
                }
            }

            writer.WriteString("at", DateTimeOffset.UtcNow);
            writer.WriteEndObject();
            writer.Flush();
            line.WriteByte((byte)'\n');
        }

        /// <summary>Writes whole lines (<paramref name="records"/> of them) to the operating system in one write; under writeGate.</summary>
        private void Append(byte[] bytes, int count, int records)
        {
            try
            {
                stream.Write(bytes, 0, count);
                stream.Flush();
                written += records;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                failure ??= new JelouJournalException(JournalProblem.Unavailable, $"Could not write to the journal '{Path}': {ex.Message}", Path, ex);
                throw failure;
            }
        }

        private void Load()
        {
            var bytes = new byte[stream.Length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var start = 0;
            var number = 0;
            while (start < read)
            {
                var end = Array.IndexOf(bytes, (byte)'\n', start, read - start);
                var torn = end < 0;
                var stop = torn ? read : end;
                number++;
                var text = new ReadOnlyMemory<byte>(bytes, start, stop - start);
                if (number == 1)
                {
                    if (!CheckHeader(text) && torn && StartsWith(bytes, read, HeaderStart))
                    {
                        // A crash while the header itself was written: nothing was sent through this journal yet.
                        log?.Invoke($"Journal '{Path}': its header was cut off by a crash before anything was sent; starting it again.");
                        stream.SetLength(0);
                        read = 0;
                        break;
                    }
                }
                else if (!Apply(text, number, torn))
                {
                    // Only a last line can be torn: each record is one write, and nothing is written after a failed one.
                    log?.Invoke($"Journal '{Path}': line {number.ToString(CultureInfo.InvariantCulture)} was cut off in mid-write (the process that wrote it was killed or crashed); ignored. Its request was never sent: a request leaves only after its record is complete.");
                    stream.SetLength(start);
                    read = start;
                    torn = false;
                }

                if (torn)
                {
                    // A complete record whose line end was lost: end the line so the next record starts on its own.
                    stream.Seek(0, SeekOrigin.End);
                    stream.WriteByte((byte)'\n');
                }

                start = stop + 1;
            }

            stream.Seek(0, SeekOrigin.End);
            if (read == 0)
            {
                WriteHeader();
            }
            else
            {
                var unknown = entries.Values.Count(e => e.PossiblyDelivered);
                log?.Invoke($"Journal '{Path}': {entries.Count.ToString(CultureInfo.InvariantCulture)} message(s) recorded by earlier runs: {entries.Values.Count(e => e.Status == SendStatus.Sent).ToString(CultureInfo.InvariantCulture)} sent, {unknown.ToString(CultureInfo.InvariantCulture)} possibly delivered (no answer recorded).");
            }
        }

        private void WriteHeader()
        {
            line.SetLength(0);
            writer.Reset(line);
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("kind", kind);
            writer.WriteString("command", command);
            writer.WriteString("created", DateTimeOffset.UtcNow);
            writer.WriteEndObject();
            writer.Flush();
            line.WriteByte((byte)'\n');
            stream.Write(line.GetBuffer(), 0, (int)line.Length);
            stream.Flush(true);
            log?.Invoke($"Journal '{Path}': new; every request is recorded before it leaves.");
        }

        /// <summary>Throws for a header that is not ours, too new or of another kind; false when line 1 is no header at all.</summary>
        private bool CheckHeader(ReadOnlyMemory<byte> text)
        {
            string? format = null;
            int? version = null;
            string? theirKind = null;
            string? theirCommand = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    format = Property(root, "format")?.ValueKind == JsonValueKind.String ? root.GetProperty("format").GetString() : null;
                    version = Property(root, "version") is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var parsed) ? parsed : null;
                    theirKind = Property(root, "kind")?.ValueKind == JsonValueKind.String ? root.GetProperty("kind").GetString() : null;
                    theirCommand = Property(root, "command")?.ValueKind == JsonValueKind.String ? root.GetProperty("command").GetString() : null;
                }
            }
            catch (JsonException)
            {
                format = null;
            }

            if (!string.Equals(format, FormatName, StringComparison.Ordinal) || version is not { } found || found < 1)
            {
                if (text.Length > 0 && StartsWith(text.ToArray(), text.Length, HeaderStart))
                {
                    return false;
                }

                throw new JelouJournalException(JournalProblem.NotAJournal, $"'{Path}' is not a Jelou send journal: its first line is not a journal header. Give -JournalPath a new file, or the journal of an earlier run of this command. Nothing was sent.", Path);
            }

            if (found > FormatVersion)
            {
                throw new JelouJournalException(JournalProblem.NewerVersion, $"The journal '{Path}' has format version {found.ToString(CultureInfo.InvariantCulture)}, written by a newer version of the Jelou module; this one reads version {FormatVersion.ToString(CultureInfo.InvariantCulture)}. Update the module, or give another -JournalPath. Nothing was sent.", Path);
            }

            if (!string.Equals(theirKind, kind, StringComparison.Ordinal))
            {
                throw new JelouJournalException(JournalProblem.OtherKind, $"The journal '{Path}' records a {theirCommand ?? theirKind ?? "different"} run ({theirKind ?? "unknown"} messages), and this is {command}. Give each kind of send its own -JournalPath. Nothing was sent.", Path);
            }

            return true;
        }

        /// <summary>Applies one record; false when the line is not a record (torn or damaged).</summary>
        private bool Apply(ReadOnlyMemory<byte> text, int number, bool last)
        {
            if (IsBlank(text.Span))
            {
                return !last;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                var record = document.RootElement;
                if (record.ValueKind == JsonValueKind.Object
                    && Property(record, "event")?.GetString() is { } what
                    && Property(record, "key")?.GetString() is { Length: > 0 } hash
                    && Property(record, "n") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var occurrence))
                {
                    var key = new RowKey(hash, occurrence);
                    var row = Property(record, "row") is { ValueKind: JsonValueKind.Number } r && r.TryGetInt64(out var position) ? position : 0;
                    var at = Property(record, "at") is { ValueKind: JsonValueKind.String } a && a.TryGetDateTimeOffset(out var when) ? when : default;
                    if (what == "start")
                    {
                        var ids = Property(record, "ids") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().Select(i => i.GetString() ?? string.Empty).ToList() : null;
                        if (entries.TryGetValue(key, out var earlier))
                        {
                            // Started again (a rerun retried it): no outcome until a done record follows.
                            earlier.Row = row;
                            earlier.Target = Property(record, "target")?.GetString();
                            earlier.Ids = ids;
                            earlier.At = at;
                            earlier.Status = null;
                            earlier.MessageId = null;
                            earlier.HttpStatus = null;
                            earlier.ErrorId = null;
                        }
                        else
                        {
                            entries[key] = new JournalEntry(key, row, Property(record, "target")?.GetString(), ids, at);
                        }

                        return true;
                    }

                    if (what == "done" && Property(record, "status")?.GetString() is { } status
                        && Enum.TryParse<SendStatus>(status, ignoreCase: false, out var parsed) && Enum.IsDefined(typeof(SendStatus), parsed))
                    {
                        if (!entries.TryGetValue(key, out var entry))
                        {
                            entry = new JournalEntry(key, row, null, null, at);
                            entries[key] = entry;
                        }

                        entry.Status = parsed;
                        entry.MessageId = Property(record, "messageId")?.GetString();
                        entry.HttpStatus = Property(record, "httpStatus") is { ValueKind: JsonValueKind.Number } h && h.TryGetInt32(out var code) ? code : null;
                        entry.ErrorId = Property(record, "errorId")?.GetString();
                        entry.At = at;
                        return true;
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Reported below.
            }

            if (last)
            {
                return false;
            }

            throw new JelouJournalException(JournalProblem.NotAJournal, $"The journal '{Path}' is damaged: line {number.ToString(CultureInfo.InvariantCulture)} is not a journal record. Nothing was sent. Fix or remove that line (an earlier run's records are the only memory of what it sent), or give another -JournalPath.", Path);
        }

        /// <summary>Start records that one fsync makes durable, and the task their requests wait on.</summary>
        private sealed class StartGroup
        {
            // Continuations run on the thread pool: run inline they would send on the fsync thread and delay the next fsync.
            // Continuations run on the thread pool: run on the fsync thread, they would send the group's requests there
            // and delay the next fsync. A thread blocked in Started is still woken directly, without needing a pool
            // thread (a pool full of such threads would otherwise wait for the pool to grow).
            public TaskCompletionSource<bool> Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public List<JournalRow> Rows { get; } = new();
        }
    }
}
