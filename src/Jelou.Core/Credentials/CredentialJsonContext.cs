using System.Text.Json.Serialization;

namespace Jelou.Credentials
{
    /// <summary>The credentials.json document.</summary>
    internal sealed class CredentialFileDocument
    {
        /// <summary>The format version; a reader refuses a version it does not know rather than lose data by rewriting it.</summary>
        public int Version { get; set; }

        public List<CredentialFileEntry>? Profiles { get; set; }
    }

    /// <summary>One profile in credentials.json.</summary>
    internal sealed class CredentialFileEntry
    {
        public string? Name { get; set; }

        public string? ClientId { get; set; }

        /// <summary>How <see cref="Secret"/> is encoded: see <see cref="CredentialFileStore"/>'s protection names.</summary>
        public string? Protection { get; set; }

        /// <summary>Base64 of the UTF-8 secret, DPAPI-protected first when <see cref="Protection"/> says so.</summary>
        public string? Secret { get; set; }

        public string? BaseUri { get; set; }
    }

    // Source generation keeps this reflection-free and trimming-safe like the message context; internal so the
    // file shape is not public API.
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true)]
    [JsonSerializable(typeof(CredentialFileDocument))]
    internal sealed partial class CredentialJsonContext : JsonSerializerContext
    {
    }
}
