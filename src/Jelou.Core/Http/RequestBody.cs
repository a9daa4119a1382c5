using System.Net;

namespace Jelou.Http
{
    /// <summary>
    /// What an endpoint sends as its request body. The transport asks for fresh content for every attempt, so a retry
    /// never reuses content a handler has already consumed.
    /// </summary>
    internal abstract class RequestBody
    {
        /// <summary>The content of one attempt, which records when the handler starts writing it.</summary>
        public abstract TrackedContent CreateContent();
    }

    /// <summary>A UTF-8 JSON body, serialized once for all attempts.</summary>
    internal sealed class JsonBody : RequestBody
    {
        // Text, like the client's default headers: a typed value would be formatted again for every request.
        private const string JsonContentType = "application/json; charset=utf-8";
        private readonly byte[] utf8;

        public JsonBody(byte[] utf8) => this.utf8 = utf8 ?? throw new ArgumentNullException(nameof(utf8));

        public override TrackedContent CreateContent()
        {
            var content = new BytesContent(utf8);
            content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
            return content;
        }
    }

    /// <summary>A multipart/form-data body (a file upload), its form built anew for each attempt.</summary>
    internal sealed class MultipartBody : RequestBody
    {
        private readonly Func<MultipartFormDataContent> create;

        public MultipartBody(Func<MultipartFormDataContent> create) => this.create = create ?? throw new ArgumentNullException(nameof(create));

        public override TrackedContent CreateContent() => new WrappedContent(create());
    }

    /// <summary>
    /// A request body that records when the handler starts writing it. Handlers write the body only once a connection
    /// is open (HTTP/1.1 and 2 over sockets, and HttpWebRequest on .NET Framework), so a body not yet started means
    /// nothing of this request can have reached the server. Reading it as a stream counts as started too, so a
    /// handler that sends that way is never mistaken for one that sent nothing.
    /// </summary>
    internal abstract class TrackedContent : HttpContent
    {
        private int started;

        public bool Started => Volatile.Read(ref started) != 0;

        protected void MarkStarted() => Volatile.Write(ref started, 1);
    }

    /// <summary>Bytes sent as they are.</summary>
    internal sealed class BytesContent : TrackedContent
    {
        private readonly byte[] body;

        public BytesContent(byte[] body) => this.body = body;

        // Derived from HttpContent, not ByteArrayContent: on .NET 5+ ByteArrayContent's synchronous paths
        // (HttpClient.Send, ReadAsStream) write the bytes without calling anything a netstandard class can override.
        // Here they fall back to these methods or throw, so no path sends the body without marking it.
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            MarkStarted();
            return stream.WriteAsync(body, 0, body.Length);
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
        {
            MarkStarted();
            return Task.FromResult<Stream>(new MemoryStream(body, writable: false));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    /// <summary>Another content (a multipart form) written through, marked as started the moment it is.</summary>
    internal sealed class WrappedContent : TrackedContent
    {
        private readonly HttpContent inner;

        public WrappedContent(HttpContent inner)
        {
            this.inner = inner;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            MarkStarted();
            return inner.CopyToAsync(stream, context);
        }

        protected override async Task<Stream> CreateContentReadStreamAsync()
        {
            MarkStarted();
            return await inner.ReadAsStreamAsync().ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
