using Jelou.Http;

namespace Jelou.Credentials
{
    /// <summary>What Get-JelouCredential shows of a profile: never the secret, not even as a SecureString.</summary>
    public sealed class CredentialInfo
    {
        private CredentialInfo(string name, string clientId, CredentialScope scope, string store, Uri baseUri)
        {
            Name = name;
            ClientId = clientId;
            Scope = scope;
            Store = store;
            BaseUri = baseUri;
        }

        /// <summary>The profile name.</summary>
        public string Name { get; }

        /// <summary>The client id (not secret).</summary>
        public string ClientId { get; }

        /// <summary>Process or CurrentUser.</summary>
        public CredentialScope Scope { get; }

        /// <summary>Where it is kept.</summary>
        public string Store { get; }

        /// <summary>
        /// Where the profile's requests go unless a command is given -BaseUri: the profile's own API root, otherwise
        /// JELOU_BASE_URI, otherwise https://api.jelou.ai/. Never blank, so a listing says which API each profile reaches.
        /// </summary>
        public Uri BaseUri { get; }

        /// <summary>The public view of a profile.</summary>
        public static CredentialInfo From(CredentialProfile profile) =>
            new((profile ?? throw new ArgumentNullException(nameof(profile))).Name, profile.ClientId, profile.Scope, profile.Store, profile.BaseUri ?? FallbackBaseUri());

        /// <summary>A profile kept in a SecretManagement vault.</summary>
        public static CredentialInfo ForVault(string name, string clientId, string vault) =>
            new(name, clientId, CredentialScope.CurrentUser, "SecretManagement vault '" + vault + "'", FallbackBaseUri());

        // The resolver's own fallback for a profile without a base URI. A JELOU_BASE_URI that cannot be used is passed
        // over here rather than failing a listing: the send that reads it stops with what is wrong with it.
        internal static Uri FallbackBaseUri()
        {
            try
            {
                return CredentialResolver.FallbackBaseUri(Environment.GetEnvironmentVariable);
            }
            catch (JelouCredentialException)
            {
                return JelouClientOptions.DefaultBaseUri;
            }
        }

        /// <inheritdoc />
        public override string ToString() => Name + " (" + ClientId + ", " + Store + ")";
    }
}
