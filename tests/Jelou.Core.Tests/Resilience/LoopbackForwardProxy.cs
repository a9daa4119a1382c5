using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jelou.Tests.Resilience;

/// <summary>What the proxy saw of one request.</summary>
internal sealed record ProxiedRequest(string RequestLine, string Method, string Target, string? Host, string? ProxyAuthorization, string? Authorization, int ContentLength, int? AnsweredStatus);

/// <summary>
/// A minimal HTTP/1.1 forward proxy on 127.0.0.1 for plain-http targets: reads one absolute-form request per connection
/// (Content-Length bodies only), records it, optionally demands Basic proxy credentials with a 407, forwards it in origin form
/// with <c>Connection: close</c> and relays the answer until the origin closes. Every connection is closed after one exchange.
/// </summary>
internal sealed class LoopbackForwardProxy : IAsyncDisposable, IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<ProxiedRequest> requests = new();
    private readonly ConcurrentBag<Task> connections = new();
    private readonly string? expectedAuthorization;
    private readonly Task acceptLoop;
    private int disposed;

    /// <param name="requiredCredential">When set, requests without these Basic proxy credentials get 407 with a Basic challenge.</param>
    public LoopbackForwardProxy(NetworkCredential? requiredCredential = null)
    {
        expectedAuthorization = requiredCredential is null
            ? null
            : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(requiredCredential.UserName + ":" + requiredCredential.Password));
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Uri = new Uri("http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + "/");
        acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri Uri { get; }

    /// <summary>Requests seen, in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Requests => requests.ToArray();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        await Task.WhenAll(connections.ToArray());
        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            connections.Add(Task.Run(() => HandleAsync(connection)));
        }
    }

    private async Task HandleAsync(TcpClient connection)
    {
        using (connection)
        {
            try
            {
                var client = connection.GetStream();
                var (head, rest) = await ReadHeadAsync(client);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var requestLine = lines[0];
                var parts = requestLine.Split(' ');
                if (parts.Length != 3)
                {
                    await WriteStatusAsync(client, 400, "Bad Request", null);
                    return;
                }

                var headers = new List<KeyValuePair<string, string>>();
                foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
                }

                string? Header(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
                var length = int.Parse(Header("Content-Length") ?? "0", CultureInfo.InvariantCulture);
                var body = new byte[length];
                var have = Math.Min(rest.Length, length);
                Array.Copy(rest, body, have);
                await client.ReadExactlyAsync(body.AsMemory(have), stop.Token);

                var proxyAuthorization = Header("Proxy-Authorization");
                var target = parts[1];
                if (expectedAuthorization is not null && proxyAuthorization != expectedAuthorization)
                {
                    Record(parts, Header, proxyAuthorization, length, 407);
                    await WriteStatusAsync(client, 407, "Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"jelou-test-proxy\"\r\n");
                    return;
                }

                if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                {
                    Record(parts, Header, proxyAuthorization, length, 400);
                    await WriteStatusAsync(client, 400, "Bad Request", null);
                    return;
                }

                Record(parts, Header, proxyAuthorization, length, null);
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(uri.Host, uri.Port, stop.Token);
                var origin = upstream.GetStream();
                var forwarded = new StringBuilder()
                    .Append(parts[0]).Append(' ').Append(uri.PathAndQuery).Append(' ').Append(parts[2]).Append("\r\n");
                foreach (var (name, value) in headers)
                {
                    if (!name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
                        && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                        && !name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
                    {
                        forwarded.Append(name).Append(": ").Append(value).Append("\r\n");
                    }
                }

                forwarded.Append("Connection: close\r\n\r\n");
                await origin.WriteAsync(Encoding.Latin1.GetBytes(forwarded.ToString()), stop.Token);
                await origin.WriteAsync(body, stop.Token);
                await origin.FlushAsync(stop.Token);
                await origin.CopyToAsync(client, stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or FormatException)
            {
                // The client or the origin went away, or the proxy is stopping: nothing more to relay.
            }
        }
    }

    private void Record(string[] parts, Func<string, string?> header, string? proxyAuthorization, int length, int? answered) =>
        requests.Enqueue(new ProxiedRequest(string.Join(' ', parts), parts[0], parts[1], header("Host"), proxyAuthorization, header("Authorization"), length, answered));

    private static async Task WriteStatusAsync(NetworkStream client, int status, string reason, string? extraHeaders)
    {
        var text = "HTTP/1.1 " + status.ToString(CultureInfo.InvariantCulture) + " " + reason + "\r\n" + extraHeaders
            + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        await client.WriteAsync(Encoding.ASCII.GetBytes(text));
        await client.FlushAsync();
    }

    private async Task<(string? Head, byte[] Remainder)> ReadHeadAsync(NetworkStream client)
    {
        var buffer = new byte[8192];
        var received = new MemoryStream();
        while (received.Length < MaxHeadBytes)
        {
            var n = await client.ReadAsync(buffer, stop.Token);
            if (n == 0)
            {
                return (null, []);
            }

            received.Write(buffer, 0, n);
            var all = received.GetBuffer().AsSpan(0, (int)received.Length);
            var end = all.IndexOf(HeadEnd);
            if (end >= 0)
            {
                return (Encoding.Latin1.GetString(all[..end]), all[(end + HeadEnd.Length)..].ToArray());
            }
        }

        return (null, []);
    }
}
