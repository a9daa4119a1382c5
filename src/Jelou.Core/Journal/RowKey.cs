using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Jelou.Journal
{
    /// <summary>
    /// Which message a row is, across runs: a hash of the request itself (endpoint, target and canonical body) and the
    /// row's occurrence among identical requests of the batch, so two identical rows are two messages.
    /// </summary>
    public readonly struct RowKey : IEquatable<RowKey>
    {
        /// <summary>Creates a key.</summary>
        public RowKey(string hash, int occurrence)
        {
            Hash = hash ?? throw new ArgumentNullException(nameof(hash));
            Occurrence = occurrence;
        }

        /// <summary>Hex of the first 128 bits of SHA-256 over the endpoint, the target and the canonical body.</summary>
        public string Hash { get; }

        /// <summary>1 for the first row of the batch with this hash, 2 for the second, ...</summary>
        public int Occurrence { get; }

        /// <summary>Equality.</summary>
        public static bool operator ==(RowKey left, RowKey right) => left.Equals(right);

        /// <summary>Inequality.</summary>
        public static bool operator !=(RowKey left, RowKey right) => !left.Equals(right);

        /// <inheritdoc />
        public bool Equals(RowKey other) => Occurrence == other.Occurrence && string.Equals(Hash, other.Hash, StringComparison.Ordinal);

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is RowKey other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Hash ?? string.Empty) ^ Occurrence;

        /// <summary>Such as <c>3f2a…:2</c>.</summary>
        public override string ToString() => Hash + ":" + Occurrence.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Hands out the keys of one batch, in input order, so the n-th identical row gets occurrence n on every run.
    /// Not thread-safe: the cmdlet's pipeline thread calls it.
    /// </summary>
    public sealed class RowKeys : IDisposable
    {
        private const string HexDigits = "0123456789abcdef";

        private readonly Dictionary<string, int> seen = new(StringComparer.Ordinal);
        private readonly SHA256 sha = SHA256.Create();
        private readonly MemoryStream buffer = new(512);
        private Utf8JsonWriter? canonical;
        private byte[] scratch = new byte[256];

        /// <summary>The key of the next row whose request is <paramref name="body"/> to <paramref name="endpoint"/>.</summary>
        /// <param name="endpoint">The request's method and path, such as <c>POST v1/bots/b1/messages</c>.</param>
        /// <param name="target">Who receives it: the user id, or the room id.</param>
        /// <param name="body">The UTF-8 JSON body the client sends.</param>
        public RowKey Next(string endpoint, string target, byte[] body)
        {
            var hash = Hash(endpoint, target, body);
            seen.TryGetValue(hash, out var count);
            seen[hash] = ++count;
            return new RowKey(hash, count);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            sha.Dispose();
            canonical?.Dispose();
            buffer.Dispose();
        }

        /// <summary>
        /// The body with every object's properties in ordinal order and no whitespace: a hashtable's keys come out in
        /// a different order in every process (string hashes are randomized), and the same row must give the same key.
        /// </summary>
        internal static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(property.Name);
                        WriteCanonical(writer, property.Value);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray())
                    {
                        WriteCanonical(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    // Numbers keep their text: 1.0 and 1 are different bodies on the wire.
                    element.WriteTo(writer);
                    break;
            }
        }

        private string Hash(string endpoint, string target, byte[] body)
        {
            buffer.SetLength(0);
            WriteUtf8(endpoint);
            buffer.WriteByte((byte)'\n');
            WriteUtf8(target);
            buffer.WriteByte((byte)'\n');
            using (var document = JsonDocument.Parse(body))
            {
                // One writer for the whole batch, reset per row, instead of a new one (and its buffer) per row.
                canonical ??= new Utf8JsonWriter(buffer);
                canonical.Reset(buffer);
                WriteCanonical(canonical, document.RootElement);
                canonical.Flush();
            }

            var digest = sha.ComputeHash(buffer.GetBuffer(), 0, (int)buffer.Length);
            var text = new char[32];
            for (var i = 0; i < 16; i++)
            {
                text[2 * i] = HexDigits[digest[i] >> 4];
                text[(2 * i) + 1] = HexDigits[digest[i] & 0xF];
            }

            return new string(text);
        }

        private void WriteUtf8(string text)
        {
            var length = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (scratch.Length < length)
            {
                scratch = new byte[length];
            }

            var count = Encoding.UTF8.GetBytes(text, 0, text.Length, scratch, 0);
            buffer.Write(scratch, 0, count);
        }
    }
}
