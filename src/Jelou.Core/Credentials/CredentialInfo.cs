namespace Jelou.Credentials
{
    /// <summary>What Get-JelouCredential shows of a profile: never the secret, not even as a SecureString.</summary>
    public sealed class CredentialInfo
    {
        private CredentialInfo(string name, string clientId, CredentialScope scope, string store, Uri? baseUri)
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

        /// <summary>The profile's API root, when it has one.</summary>
        public Uri? BaseUri { get; }

        /// <summary>The public view of a profile.</summary>
        public static CredentialInfo From(CredentialProfile profile) =>
            new((profile ?? throw new ArgumentNullException(nameof(profile))).Name, profile.ClientId, profile.Scope, profile.Store, profile.BaseUri);

        /// <summary>A profile kept in a SecretManagement vault.</summary>
        public static CredentialInfo ForVault(string name, string clientId, string vault) =>
            new(name, clientId, CredentialScope.CurrentUser, "SecretManagement vault '" + vault + "'", null);

        /// <inheritdoc />
        public override string ToString() => Name + " (" + ClientId + ", " + Store + ")";
    }
}
