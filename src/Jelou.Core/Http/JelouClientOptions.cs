using System.Net;
using Jelou.Credentials;

namespace Jelou.Http
{
    /// <summary>What a connection to the Jelou API is made of. Clients are reused per distinct set of options.</summary>
    public sealed class JelouClientOptions
    {
        /// <summary>https://api.jelou.ai/</summary>
        public static Uri DefaultBaseUri { get; } = new("https://api.jelou.ai/");

        /// <summary>Creates options for a credential.</summary>
        public JelouClientOptions(JelouCredential credential) => Credential = credential ?? throw new ArgumentNullException(nameof(credential));

        /// <summary>The client id and secret.</summary>
        public JelouCredential Credential { get; }

        /// <summary>The API root; plain http is refused except on loopback, so secrets never cross a network in clear.</summary>
        public Uri BaseUri { get; init; } = DefaultBaseUri;

        /// <summary>An explicit proxy; null uses the system proxy.</summary>
        public Uri? Proxy { get; init; }

        /// <summary>Credentials for <see cref="Proxy"/>.</summary>
        public NetworkCredential? ProxyCredential { get; init; }

        /// <summary>Authenticate to the proxy as the current user.</summary>
        public bool ProxyUseDefaultCredentials { get; init; }

        /// <summary>The product part of the User-Agent, such as <c>PowerShell/7.6.0</c>.</summary>
        public string? UserAgentComment { get; init; }

        /// <summary>Throws when the base URI would send the secret in clear or is not absolute.</summary>
        public static Uri ValidateBaseUri(Uri? baseUri)
        {
            if (baseUri is null || !baseUri.IsAbsoluteUri)
            {
                throw new ArgumentException("The base URI must be absolute, for example https://api.jelou.ai.", nameof(baseUri));
            }

            if (baseUri.Scheme == Uri.UriSchemeHttps)
            {
                return Normalize(baseUri);
            }

            if (baseUri.Scheme == Uri.UriSchemeHttp && IsLoopback(baseUri))
            {
                return Normalize(baseUri);
            }

            throw new ArgumentException($"The base URI '{baseUri}' is not https; plain http is only allowed to a loopback address (127.0.0.1, ::1, localhost), so credentials never cross a network in clear.", nameof(baseUri));
        }

        private static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

        private static Uri Normalize(Uri uri) => uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
