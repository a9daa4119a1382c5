using Jelou.Http;

namespace Jelou.Credentials
{
    /// <summary>
    /// Decides which credential a command uses. The order is: the credential passed to the command; the session
    /// profile (Set-JelouCredential -Scope Process); the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment
    /// variables; the persisted profile (Set-JelouCredential -Scope CurrentUser). When a profile is named
    /// explicitly, the environment variables are skipped, because they are not that profile. When nothing is
    /// found, a <see cref="JelouCredentialException"/> says how to provide one.
    /// </summary>
    /// <remarks>
    /// The base URI is, in order: the one passed to the command; the base URI of the profile in use; JELOU_BASE_URI;
    /// then <see cref="JelouClientOptions.DefaultBaseUri"/>. The profile in use is the one the order above finds when
    /// no credential is passed: the named profile, or else the session's "default", or else (when the JELOU_CLIENT_*
    /// variables are not set) the persisted "default". It is the same whether the credential came from the command,
    /// that profile or the environment, so where a request goes never depends on where its credential came from.
    /// JELOU_BASE_URI applies to every source, so an automation host can point all commands at another endpoint
    /// without changing its credentials.
    /// </remarks>
    public sealed class CredentialResolver
    {
        /// <summary>The environment variable holding the client id.</summary>
        public const string ClientIdVariable = "JELOU_CLIENT_ID";

        /// <summary>The environment variable holding the client secret.</summary>
        public const string ClientSecretVariable = "JELOU_CLIENT_SECRET";

        /// <summary>The environment variable holding an optional API base URI.</summary>
        public const string BaseUriVariable = "JELOU_BASE_URI";

        private readonly CredentialSession session;
        private readonly Lazy<CredentialFileStore?> fileStore;
        private readonly Func<string, string?> environment;

        /// <summary>Creates a resolver over the given stores.</summary>
        /// <param name="session">The in-memory profiles.</param>
        /// <param name="fileStore">The persisted profiles; null when there are none to consult.</param>
        /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
        public CredentialResolver(CredentialSession session, CredentialFileStore? fileStore, Func<string, string?>? environment = null)
            : this(session, new Lazy<CredentialFileStore?>(() => fileStore), environment)
        {
        }

        private CredentialResolver(CredentialSession session, Lazy<CredentialFileStore?> fileStore, Func<string, string?>? environment)
        {
            this.session = session ?? throw new ArgumentNullException(nameof(session));
            this.fileStore = fileStore;
            this.environment = environment ?? Environment.GetEnvironmentVariable;
        }

        /// <summary>
        /// The resolver the cmdlets use: <see cref="CredentialSession.Shared"/>, the default
        /// <see cref="CredentialFileStore"/> (located only when it is needed) and the process environment.
        /// </summary>
        public static CredentialResolver CreateDefault() =>
            new(CredentialSession.Shared, new Lazy<CredentialFileStore?>(() => new CredentialFileStore()), null);

        /// <summary>Finds the credential and base URI to use.</summary>
        /// <param name="explicitCredential">The credential passed to the command, if any; it wins over everything.</param>
        /// <param name="profileName">The profile the user named, or null when none was named (then "default" is used and the environment is consulted).</param>
        /// <param name="explicitBaseUri">The base URI passed to the command, if any.</param>
        /// <exception cref="JelouCredentialException">Nothing usable was found, or a store or variable is broken; the message says how to fix it.</exception>
        /// <exception cref="ArgumentException">The profile name or the explicit base URI is not valid.</exception>
        public ResolvedCredential Resolve(JelouCredential? explicitCredential = null, string? profileName = null, Uri? explicitBaseUri = null)
        {
            var checkedExplicitUri = BaseUriRules.ForProfile(explicitBaseUri, nameof(explicitBaseUri));
            var named = profileName is not null;
            var name = named ? CredentialProfile.ValidateName(profileName) : CredentialProfile.DefaultName;
            if (explicitCredential is not null)
            {
                // The credential is replaced, the destination is not: the profile that would be in use still chooses
                // the base URI (after Set-JelouCredential -BaseUri <sandbox>, -Credential $other goes to the sandbox).
                var inUse = checkedExplicitUri is null ? ProfileInUse(name, named) : null;
                return Result(explicitCredential, inUse?.BaseUri, checkedExplicitUri, CredentialSource.Explicit, null, "the credential passed to the command");
            }

            if (session.TryGet(name, out var sessionProfile))
            {
                return Result(sessionProfile.Credential, sessionProfile.BaseUri, checkedExplicitUri, CredentialSource.Session, sessionProfile.Name, $"profile '{sessionProfile.Name}' in this session");
            }

            if (!named)
            {
                var fromEnvironment = ReadEnvironment();
                if (fromEnvironment is not null)
                {
                    return Result(fromEnvironment, null, checkedExplicitUri, CredentialSource.Environment, null, $"the {ClientIdVariable} and {ClientSecretVariable} environment variables");
                }
            }

            var store = fileStore.Value;
            if (store is not null && store.TryGet(name, out var storedProfile))
            {
                return Result(storedProfile.Credential, storedProfile.BaseUri, checkedExplicitUri, CredentialSource.CurrentUser, storedProfile.Name, $"profile '{storedProfile.Name}' in {store.StoreDescription}");
            }

            var where = store is null ? string.Empty : $" or in '{store.Path}'";
            throw named
                ? new JelouCredentialException(
                    CredentialErrorReason.NotFound,
                    $"No Jelou credential profile named '{name}' was found in this session{where}. Create it with Set-JelouCredential -Name {name} (add -Scope CurrentUser to keep it), or run Get-JelouCredential to see the profiles that exist.",
                    store?.Path)
                : new JelouCredentialException(
                    CredentialErrorReason.NotFound,
                    $"No Jelou credential was found (looked in this session, the {ClientIdVariable} and {ClientSecretVariable} environment variables{(store is null ? string.Empty : ", and '" + store.Path + "'")}). Run Set-JelouCredential to store one (add -Scope CurrentUser to keep it across sessions), set the {ClientIdVariable} and {ClientSecretVariable} environment variables, or pass -Credential.",
                    store?.Path);
        }

        /// <summary>Session profiles first, then persisted ones; for Get-JelouCredential.</summary>
        /// <exception cref="JelouCredentialException">The credential file is corrupt, too open or unreadable.</exception>
        public IReadOnlyList<CredentialProfile> List()
        {
            var all = session.List().ToList();
            var store = fileStore.Value;
            if (store is not null)
            {
                all.AddRange(store.List());
            }

            return all;
        }

        /// <summary>
        /// The profile the resolution order would use when no credential is passed, or null when that would be the
        /// environment variables or nothing. Either JELOU_CLIENT_* variable set counts as the environment: only its
        /// absence lets the persisted default profile be the one in use.
        /// </summary>
        private CredentialProfile? ProfileInUse(string name, bool named)
        {
            if (session.TryGet(name, out var sessionProfile))
            {
                return sessionProfile;
            }

            if (!named && (!string.IsNullOrWhiteSpace(environment(ClientIdVariable)) || !string.IsNullOrWhiteSpace(environment(ClientSecretVariable))))
            {
                return null;
            }

            var store = fileStore.Value;
            return store is not null && store.TryGet(name, out var storedProfile) ? storedProfile : null;
        }

        /// <summary>The credential from JELOU_CLIENT_ID and JELOU_CLIENT_SECRET; null when neither is set.</summary>
        /// <exception cref="JelouCredentialException">Only one of the two is set.</exception>
        internal JelouCredential? ReadEnvironment()
        {
            var clientId = environment(ClientIdVariable);
            var secret = environment(ClientSecretVariable);
            var hasId = !string.IsNullOrWhiteSpace(clientId);
            var hasSecret = !string.IsNullOrWhiteSpace(secret);
            if (hasId && hasSecret)
            {
                return JelouCredential.FromPlainText(clientId!.Trim(), secret!);
            }

            if (hasId)
            {
                throw new JelouCredentialException(
                    CredentialErrorReason.Incomplete,
                    $"{ClientIdVariable} is set but {ClientSecretVariable} is missing or empty. Set {ClientSecretVariable} as well, or remove {ClientIdVariable} to use a profile stored with Set-JelouCredential.");
            }

            if (hasSecret)
            {
                throw new JelouCredentialException(
                    CredentialErrorReason.Incomplete,
                    $"{ClientSecretVariable} is set but {ClientIdVariable} is missing or empty. Set {ClientIdVariable} as well, or remove {ClientSecretVariable} to use a profile stored with Set-JelouCredential.");
            }

            return null;
        }

        private ResolvedCredential Result(JelouCredential credential, Uri? profileUri, Uri? explicitUri, CredentialSource source, string? profileName, string description)
        {
            var baseUri = explicitUri ?? profileUri ?? FallbackBaseUri(environment);
            return new ResolvedCredential(credential, baseUri, source, profileName, description);
        }

        /// <summary>
        /// Where a request goes when neither the command nor the profile names a base URI: JELOU_BASE_URI, else
        /// production. Throws <see cref="JelouCredentialException"/> naming the variable when it cannot be used.
        /// </summary>
        internal static Uri FallbackBaseUri(Func<string, string?> environment)
        {
            var fromVariable = environment(BaseUriVariable);
            return string.IsNullOrWhiteSpace(fromVariable)
                ? JelouClientOptions.DefaultBaseUri
                : BaseUriRules.Parse(fromVariable!, $"The {BaseUriVariable} environment variable", CredentialErrorReason.InvalidValue, null);
        }
    }
}
