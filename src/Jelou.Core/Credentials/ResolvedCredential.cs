namespace Jelou.Credentials
{
    /// <summary>The credential and API root a command will use, and where they came from (for -Verbose).</summary>
    public sealed class ResolvedCredential
    {
        internal ResolvedCredential(JelouCredential credential, Uri baseUri, CredentialSource source, string? profileName, string description)
        {
            Credential = credential;
            BaseUri = baseUri;
            Source = source;
            ProfileName = profileName;
            Description = description;
        }

        /// <summary>The client id and secret.</summary>
        public JelouCredential Credential { get; }

        /// <summary>The API root, already checked (https, or http to loopback only).</summary>
        public Uri BaseUri { get; }

        /// <summary>Which step of the resolution order supplied the credential.</summary>
        public CredentialSource Source { get; }

        /// <summary>The profile name, for <see cref="CredentialSource.Session"/> and <see cref="CredentialSource.CurrentUser"/>.</summary>
        public string? ProfileName { get; }

        /// <summary>Where the credential came from, in words, such as <c>profile 'prod' in File (/home/me/.config/jelou/credentials.json)</c>.</summary>
        public string Description { get; }

        /// <summary>Never shows the secret.</summary>
        public override string ToString() => "ResolvedCredential(ClientId=" + Credential.ClientId + ", BaseUri=" + BaseUri.AbsoluteUri + ", From=" + Description + ")";
    }
}
