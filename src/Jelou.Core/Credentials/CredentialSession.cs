namespace Jelou.Credentials
{
    /// <summary>
    /// Credential profiles kept in memory for this process (Set-JelouCredential -Scope Process). Nothing is
    /// written anywhere; the secrets stay in <see cref="System.Security.SecureString"/>s. Safe to use from
    /// several runspaces at once.
    /// </summary>
    public sealed class CredentialSession
    {
        /// <summary>A description of this store, shown in listings.</summary>
        public const string StoreDescription = "Session";

        private readonly object gate = new();
        private readonly Dictionary<string, CredentialProfile> profiles = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The process-wide session that the cmdlets share.</summary>
        public static CredentialSession Shared { get; } = new();

        /// <summary>Sets (or replaces) a profile and returns it.</summary>
        public CredentialProfile Set(string name, JelouCredential credential, Uri? baseUri = null)
        {
            var checkedUri = BaseUriRules.ForProfile(baseUri, nameof(baseUri));
            var profile = new CredentialProfile(name, credential, checkedUri, CredentialScope.Process, StoreDescription);
            lock (gate)
            {
                profiles[profile.Name] = profile;
            }

            return profile;
        }

        /// <summary>Finds a profile by name (case-insensitive).</summary>
        public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CredentialProfile? profile)
        {
            CredentialProfile.ValidateName(name);
            lock (gate)
            {
                return profiles.TryGetValue(name, out profile);
            }
        }

        /// <summary>Removes a profile; false when there was none.</summary>
        public bool Remove(string name)
        {
            CredentialProfile.ValidateName(name);
            lock (gate)
            {
                return profiles.Remove(name);
            }
        }

        /// <summary>Removes every profile.</summary>
        public void Clear()
        {
            lock (gate)
            {
                profiles.Clear();
            }
        }

        /// <summary>The profiles, ordered by name.</summary>
        public IReadOnlyList<CredentialProfile> List()
        {
            lock (gate)
            {
                return profiles.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
            }
        }
    }
}
