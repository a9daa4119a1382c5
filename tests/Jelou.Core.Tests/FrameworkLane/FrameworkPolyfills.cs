// The .NET 5+ members the test sources use, for the net472 lane only, so that one set of test sources builds for both
// targets. Test support, not product code: Jelou.Core is netstandard2.0 and needs none of this. In namespace System so that
// every test file sees them without a using.
#pragma warning disable IDE0130, CA1822, CA1711, CA1716, CA1815, CA2231, CA1066, CA1307, CA1309, CA1310
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace System
{
    /// <summary>Static members that .NET 5+ added to framework types, as C# 14 extension members.</summary>
    internal static class FrameworkPolyfills
    {
        extension(ArgumentNullException)
        {
            public static void ThrowIfNull(object? argument, string? paramName = null)
            {
                if (argument is null)
                {
                    throw new ArgumentNullException(paramName);
                }
            }
        }

        extension(OperatingSystem)
        {
            public static bool IsWindows() => Environment.OSVersion.Platform == PlatformID.Win32NT;

            public static bool IsLinux() => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

            public static bool IsMacOS() => RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
        }

        extension(string)
        {
            public static string Join(char separator, params string?[] values) => string.Join(separator.ToString(), values);
        }

        extension(Encoding)
        {
            public static Encoding Latin1 => Encoding.GetEncoding(28591);
        }

        extension(File)
        {
            // .NET Framework has no Unix modes; off Windows the product's own libc path (NativeFileModes) stands in, and
            // where it cannot work the test is about a file store that refuses there.
            public static IO.UnixFileMode GetUnixFileMode(string path)
            {
                Xunit.Assert.SkipUnless(Jelou.Credentials.UnixPermissions.IsAvailable, Jelou.Tests.FrameworkLaneSkips.NoPrivateFileStore);
                return (IO.UnixFileMode)Jelou.Credentials.UnixPermissions.GetMode(path);
            }

            public static void SetUnixFileMode(string path, IO.UnixFileMode mode)
            {
                Xunit.Assert.SkipUnless(Jelou.Credentials.UnixPermissions.IsAvailable, Jelou.Tests.FrameworkLaneSkips.NoPrivateFileStore);
                Jelou.Credentials.UnixPermissions.SetMode(path, (int)mode);
            }
        }

        public static bool EndsWith(this string text, char value) => text.Length > 0 && text[text.Length - 1] == value;

        public static bool StartsWith(this string text, char value) => text.Length > 0 && text[0] == value;

        public static bool Contains(this string text, char value) => text.IndexOf(value) >= 0;

        public static bool Contains(this string text, string value, StringComparison comparison) => text.IndexOf(value, comparison) >= 0;

        public static int IndexOf(this string text, char value, StringComparison comparison) => text.IndexOf(value.ToString(), comparison);

        public static string[] Split(this string text, string separator) => text.Split([separator], StringSplitOptions.None);

        public static string Replace(this string text, string oldValue, string? newValue, StringComparison comparison)
        {
            if (comparison != StringComparison.Ordinal)
            {
                throw new NotSupportedException("Only ordinal replacement is polyfilled.");
            }

            return text.Replace(oldValue, newValue);
        }

        public static string GetString(this Encoding encoding, ReadOnlySpan<byte> bytes) => encoding.GetString(bytes.ToArray());

        public static IOrderedEnumerable<T> Order<T>(this IEnumerable<T> source, IComparer<T>? comparer = null) => source.OrderBy(x => x, comparer);

        public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
        {
            key = pair.Key;
            value = pair.Value;
        }

        public static Task CancelAsync(this CancellationTokenSource source)
        {
            source.Cancel();
            return Task.CompletedTask;
        }

        public static async Task WaitAsync(this Task task, TimeSpan timeout)
        {
            if (await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false) != task)
            {
                throw new TimeoutException();
            }

            await task.ConfigureAwait(false);
        }

        public static async Task<T> WaitAsync<T>(this Task<T> task, TimeSpan timeout)
        {
            await ((Task)task).WaitAsync(timeout).ConfigureAwait(false);
            return await task.ConfigureAwait(false);
        }

        public static Task<string> ReadAsStringAsync(this HttpContent content, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return content.ReadAsStringAsync();
        }

        public static async Task<TcpClient> AcceptTcpClientAsync(this Net.Sockets.TcpListener listener, CancellationToken cancellationToken)
        {
            // Stopping the listener is the only way to end a pending accept on .NET Framework.
            using (cancellationToken.Register(listener.Stop))
            {
                try
                {
                    return await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is ObjectDisposedException or SocketException or InvalidOperationException)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        public static async Task ConnectAsync(this TcpClient client, string host, int port, CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(client.Close))
            {
                await client.ConnectAsync(host, port).ConfigureAwait(false);
            }
        }

        public static Task<int> ReadAsync(this IO.Stream stream, byte[] buffer, CancellationToken cancellationToken)
            => stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken);

        public static Task WriteAsync(this IO.Stream stream, byte[] buffer, CancellationToken cancellationToken = default)
            => stream.WriteAsync(buffer, 0, buffer.Length, cancellationToken);

        public static Task CopyToAsync(this IO.Stream stream, IO.Stream destination, CancellationToken cancellationToken)
            => stream.CopyToAsync(destination, 81920, cancellationToken);

        public static async Task ReadExactlyAsync(this IO.Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (!MemoryMarshal.TryGetArray<byte>(buffer, out ArraySegment<byte> segment) || segment.Array is null)
            {
                throw new NotSupportedException("Only array-backed memory is polyfilled.");
            }

            int read = 0;
            while (read < segment.Count)
            {
                int n = await stream.ReadAsync(segment.Array, segment.Offset + read, segment.Count - read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IO.EndOfStreamException();
                }

                read += n;
            }
        }
    }

    /// <summary>The compiler's type for <c>^n</c>.</summary>
    internal readonly struct Index
    {
        private readonly int _value;

        public Index(int value, bool fromEnd = false) => _value = fromEnd ? ~value : value;

        public int Value => _value < 0 ? ~_value : _value;

        public bool IsFromEnd => _value < 0;

        public static Index Start => new(0);

        public static Index End => new(0, fromEnd: true);

        public static implicit operator Index(int value) => new(value);

        public int GetOffset(int length) => IsFromEnd ? length - Value : Value;
    }

    /// <summary>The compiler's type for <c>a..b</c>.</summary>
    internal readonly struct Range
    {
        public Range(Index start, Index end)
        {
            Start = start;
            End = end;
        }

        public Index Start { get; }

        public Index End { get; }

        public static Range All => new(Index.Start, Index.End);

        public static Range StartAt(Index start) => new(start, Index.End);

        public static Range EndAt(Index end) => new(Index.Start, end);

        public (int Offset, int Length) GetOffsetAndLength(int length)
        {
            int start = Start.GetOffset(length);
            int end = End.GetOffset(length);
            return (start, end - start);
        }
    }
}

namespace System.IO
{
    /// <summary>The .NET 7 enum, so that tests naming it compile; .NET Framework cannot apply it.</summary>
    [Flags]
    internal enum UnixFileMode
    {
        None = 0,
        OtherExecute = 1,
        OtherWrite = 2,
        OtherRead = 4,
        GroupExecute = 8,
        GroupWrite = 16,
        GroupRead = 32,
        UserExecute = 64,
        UserWrite = 128,
        UserRead = 256,
        StickyBit = 512,
        SetGroup = 1024,
        SetUser = 2048,
    }
}

namespace System.Threading.Tasks
{
    /// <summary>The non-generic TaskCompletionSource of .NET 5.</summary>
    internal sealed class TaskCompletionSource
    {
        private readonly TaskCompletionSource<bool> _inner;

        public TaskCompletionSource(TaskCreationOptions options = TaskCreationOptions.None) => _inner = new TaskCompletionSource<bool>(options);

        public Task Task => _inner.Task;

        public bool TrySetResult() => _inner.TrySetResult(true);

        public void SetResult() => _inner.SetResult(true);

        public bool TrySetException(Exception exception) => _inner.TrySetException(exception);

        public bool TrySetCanceled() => _inner.TrySetCanceled();
    }
}
