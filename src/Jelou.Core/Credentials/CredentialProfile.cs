namespace Jelou.Credentials
{
    /// <summary>
    /// A named credential: client id and secret, an optional API base URI, and where it is kept. What
    /// Get-JelouCredential lists; the secret stays inside <see cref="Credential"/> and is never shown.
    /// </summary>
    public sealed class CredentialProfile
    {
        /// <summary>The profile used when no name is given.</summary>
        public const string DefaultName = "default";

        /// <summary>The longest profile name accepted.</summary>
        public const int MaxNameLength = 64;

        /// <summary>Creates a profile; the name is validated.</summary>
        public CredentialProfile(string name, JelouCredential credential, Uri? baseUri, CredentialScope scope, string store)
        {
            Name = ValidateName(name);
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
            BaseUri = baseUri;
            Scope = scope;
            Store = string.IsNullOrEmpty(store) ? scope.ToString() : store;
        }

        /// <summary>The profile name (compared case-insensitively).</summary>
        public string Name { get; }

        /// <summary>The client id (not secret).</summary>
        public string ClientId => Credential.ClientId;

        /// <summary>The client id and secret.</summary>
        public JelouCredential Credential { get; }

        /// <summary>The API root for this profile; null means the default (or whatever the command is given).</summary>
        public Uri? BaseUri { get; }

        /// <summary>Process (this session only) or CurrentUser (persisted).</summary>
        public CredentialScope Scope { get; }

        /// <summary>A human description of where it is kept, such as <c>File (/home/me/.config/jelou/credentials.json)</c>.</summary>
        public string Store { get; }

        /// <summary>
        /// Returns <paramref name="name"/> when it is a valid profile name (1 to 64 letters, digits, '-', '_' or '.'),
        /// otherwise throws an <see cref="ArgumentException"/> that says what is allowed.
        /// </summary>
        public static string ValidateName(string? name)
        {
            if (!IsValidName(name))
            {
                // The name is shown so the user sees what was rejected; a name is never a secret.
                var shown = name is null ? "(null)" : "'" + (name.Length > MaxNameLength ? name.Substring(0, MaxNameLength) + "..." : name) + "'";
                throw new ArgumentException(
                    $"The credential profile name {shown} is not valid. Use 1 to {MaxNameLength} ASCII letters, digits, '-', '_' or '.', for example 'default' or 'prod-bot'.",
                    nameof(name));
            }

            return name!;
        }

        /// <summary>True for 1 to 64 ASCII letters, digits, '-', '_' or '.'.</summary>
        public static bool IsValidName(string? name)
        {
            if (string.IsNullOrEmpty(name) || name!.Length > MaxNameLength)
            {
                return false;
            }

            foreach (var c in name)
            {
                var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
                if (!ok)
                {
                    return false;
                }
            }

            // "." and ".." read like paths in messages and listings; nothing is gained by allowing them.
            return name != "." && name != "..";
        }

        /// <summary>Never shows the secret.</summary>
        public override string ToString() =>
            "CredentialProfile(Name=" + Name + ", ClientId=" + ClientId + ", Scope=" + Scope + ", Store=" + Store
            + (BaseUri is null ? string.Empty : ", BaseUri=" + BaseUri.AbsoluteUri) + ")";
    }
}
