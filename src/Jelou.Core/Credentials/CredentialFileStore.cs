using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Jelou.Credentials
{
    /// <summary>
    /// Credential profiles persisted for the current user (Set-JelouCredential -Scope CurrentUser) in one JSON
    /// file, <c>credentials.json</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Windows:</b> the file is <c>%APPDATA%\jelou\credentials.json</c> and each secret is encrypted with DPAPI
    /// for the current user (<see cref="DataProtectionScope.CurrentUser"/>), so only this Windows account on this
    /// machine can decrypt it.
    /// </para>
    /// <para>
    /// <b>Linux and macOS:</b> the file is <c>$XDG_CONFIG_HOME/jelou/credentials.json</c> when XDG_CONFIG_HOME is
    /// set, otherwise <c>~/.config/jelou/credentials.json</c> on Linux and
    /// <c>~/Library/Application Support/jelou/credentials.json</c> on macOS. <b>The secret is NOT encrypted
    /// there:</b> it is stored base64-encoded, which only keeps it from being read at a glance. It is protected
    /// solely by file permissions: the directory is created 0700 and the file 0600, and a file whose group or
    /// other permission bits are set is refused (as ssh refuses a private key) until it is fixed with
    /// <c>chmod 600</c>. Anyone who can act as this user or as root can read the secret, and so can backups that
    /// copy the file. Prefer the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables from a secret
    /// manager where that matters.
    /// </para>
    /// <para>
    /// Every write replaces the file atomically (a new 0600 temporary file in the same directory, then a rename),
    /// so a crash never leaves a half-written file. A file that cannot be parsed is never overwritten: reads and
    /// writes fail with a <see cref="JelouCredentialException"/> naming the path, so a damaged store cannot
    /// silently lose the other profiles.
    /// </para>
    /// <para>
    /// Writers are serialized across processes by a lock file beside it, <c>credentials.json.lock</c>, held open
    /// exclusively (<see cref="FileShare.None"/>: a share-mode lock on Windows, <c>flock</c> on Linux and macOS)
    /// from the read to the rename, so two sessions saving profiles at once both keep theirs. The operating system
    /// releases the lock when its holder exits, even by a crash, so the file is never stale; it is kept, not
    /// deleted, because deleting it would let two writers lock two different files. Reads take no lock: every
    /// write replaces the file whole.
    /// </para>
    /// </remarks>
    public sealed class CredentialFileStore
    {
        /// <summary>The name of the credential file inside <see cref="Directory"/>.</summary>
        public const string FileName = "credentials.json";

        /// <summary>The name of the lock file that serializes writers, beside <see cref="FileName"/>.</summary>
        public const string LockFileName = "credentials.json.lock";

        /// <summary>The file format this version reads and writes.</summary>
        public const int FormatVersion = 1;

        internal const string ProtectionBase64 = "base64";
        internal const string ProtectionDpapi = "dpapi-currentuser";

        // Entropy ties the DPAPI blobs to this module, so another program running as the user cannot decrypt them
        // by simply calling Unprotect without knowing it.
        private static readonly byte[] DpapiEntropy = Encoding.UTF8.GetBytes("Jelou.PowerShell/credentials/v1");
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private readonly bool windows;

        /// <summary>Uses the per-user default location (see the remarks on <see cref="CredentialFileStore"/>).</summary>
        public CredentialFileStore()
            : this(GetDefaultDirectory())
        {
        }

        /// <summary>Uses <paramref name="directory"/> instead of the default location (for tests and custom setups).</summary>
        public CredentialFileStore(string directory)
            : this(directory, RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
        }

        internal CredentialFileStore(string directory, bool windows)
        {
            if (string.IsNullOrWhiteSpace(directory))
            {
                throw new ArgumentException("The credential directory is empty.", nameof(directory));
            }

            Directory = System.IO.Path.GetFullPath(directory);
            Path = System.IO.Path.Combine(Directory, FileName);
            LockPath = System.IO.Path.Combine(Directory, LockFileName);
            this.windows = windows;
        }

        /// <summary>The directory that holds the file.</summary>
        public string Directory { get; }

        /// <summary>The full path of the credential file.</summary>
        public string Path { get; }

        /// <summary>The full path of the lock file that serializes writers.</summary>
        public string LockPath { get; }

        /// <summary>How long a write waits for another writer to finish before it fails (10 seconds).</summary>
        internal TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>True when secrets are encrypted (DPAPI, Windows); false when only file permissions protect them.</summary>
        public bool EncryptsSecrets => windows;

        /// <summary>Where profiles are kept, for listings: <c>DPAPI (path)</c> or <c>File (path)</c>.</summary>
        public string StoreDescription => (windows ? "DPAPI (" : "File (") + Path + ")";

        /// <summary>The per-user directory the parameterless constructor uses.</summary>
        public static string GetDefaultDirectory() => DefaultDirectory(
            Environment.GetEnvironmentVariable,
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows),
            RuntimeInformation.IsOSPlatform(OSPlatform.OSX));

        /// <summary>Stores (or replaces) a profile and returns it.</summary>
        /// <exception cref="JelouCredentialException">The file is corrupt, too open, from a newer version, or cannot be written.</exception>
        public CredentialProfile Save(string name, JelouCredential credential, Uri? baseUri = null)
        {
            CredentialProfile.ValidateName(name);
            if (credential is null)
            {
                throw new ArgumentNullException(nameof(credential));
            }

            var checkedUri = BaseUriRules.ForProfile(baseUri, nameof(baseUri));
            var entry = new CredentialFileEntry
            {
                Name = name,
                ClientId = credential.ClientId,
                Protection = windows ? ProtectionDpapi : ProtectionBase64,
                Secret = EncodeSecret(credential.RevealSecret()),
                BaseUri = checkedUri?.AbsoluteUri,
            };

            using (AcquireLock())
            {
                // Reading first is what refuses a corrupt, too open or newer file instead of overwriting it; reading
                // under the lock is what keeps another process's profile saved meanwhile.
                var document = Load() ?? new CredentialFileDocument { Version = FormatVersion, Profiles = new List<CredentialFileEntry>() };
                var profiles = document.Profiles!;
                profiles.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                profiles.Add(entry);
                profiles.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
                Write(document);
            }

            return new CredentialProfile(name, credential, checkedUri, CredentialScope.CurrentUser, StoreDescription);
        }

        /// <summary>Finds a profile by name (case-insensitive); false when the file or the profile does not exist.</summary>
        /// <exception cref="JelouCredentialException">The file is corrupt, too open, from a newer version, or cannot be read.</exception>
        public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CredentialProfile? profile)
        {
            CredentialProfile.ValidateName(name);
            var entry = Load()?.Profiles!.Find(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            profile = entry is null ? null : ToProfile(entry);
            return profile is not null;
        }

        /// <summary>Removes a profile; false when there was none (the file is then left untouched).</summary>
        /// <exception cref="JelouCredentialException">The file is corrupt, too open, from a newer version, or cannot be written.</exception>
        public bool Remove(string name)
        {
            CredentialProfile.ValidateName(name);

            // Nothing to remove from a file that does not exist; checked first so that removing a session profile
            // does not create the folder and the lock file.
            if (!File.Exists(Path))
            {
                return false;
            }

            using (AcquireLock())
            {
                var document = Load();
                if (document is null || document.Profiles!.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) == 0)
                {
                    return false;
                }

                Write(document);
                return true;
            }
        }

        /// <summary>Every stored profile, ordered by name; empty when the file does not exist.</summary>
        /// <exception cref="JelouCredentialException">The file is corrupt, too open, from a newer version, or cannot be read.</exception>
        public IReadOnlyList<CredentialProfile> List() =>
            (Load()?.Profiles ?? new List<CredentialFileEntry>())
                .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
                .Select(ToProfile)
                .ToList();

        /// <summary>Shows the store, never a secret.</summary>
        public override string ToString() => "CredentialFileStore(" + StoreDescription + ")";

        internal static string DefaultDirectory(Func<string, string?> environment, bool windows, bool macOS)
        {
            if (windows)
            {
                var appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
                return string.IsNullOrEmpty(appData)
                    ? throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, "Cannot find the current user's application data folder (%APPDATA%) to keep credentials in. Use Set-JelouCredential -Scope Process or the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables.")
                    : System.IO.Path.Combine(appData, "jelou");
            }

            // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. An explicit XDG_CONFIG_HOME
            // also wins on macOS, because someone who set it wants their config there.
            var xdg = environment("XDG_CONFIG_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && System.IO.Path.IsPathRooted(xdg))
            {
                return System.IO.Path.Combine(xdg, "jelou");
            }

            var home = environment("HOME");
            if (string.IsNullOrWhiteSpace(home))
            {
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }

            if (string.IsNullOrWhiteSpace(home))
            {
                throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, "Cannot find the home directory to keep credentials in: neither XDG_CONFIG_HOME nor HOME is set. Set one of them, or use Set-JelouCredential -Scope Process or the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables.");
            }

            return macOS
                ? System.IO.Path.Combine(home, "Library", "Application Support", "jelou")
                : System.IO.Path.Combine(home, ".config", "jelou");
        }

        /// <summary>Quotes a path for a shell command only when it needs it, so the common case reads plainly.</summary>
        internal static string ShellQuote(string path) =>
            path.All(c => char.IsLetterOrDigit(c) || "/._-~+@%,:".IndexOf(c) >= 0)
                ? path
                : "'" + path.Replace("'", "'\\''") + "'";

        private static string Describe(string? name) => name is null ? "a profile with no name" : "profile '" + name + "'";

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static byte[] DpapiProtect(byte[] plain) => ProtectedData.Protect(plain, DpapiEntropy, DataProtectionScope.CurrentUser);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static byte[] DpapiUnprotect(byte[] blob) => ProtectedData.Unprotect(blob, DpapiEntropy, DataProtectionScope.CurrentUser);

        private string EncodeSecret(string secret)
        {
            var plain = Encoding.UTF8.GetBytes(secret);
            try
            {
                return Convert.ToBase64String(windows ? DpapiProtect(plain) : plain);
            }
            catch (CryptographicException ex)
            {
                throw new JelouCredentialException(CredentialErrorReason.PlatformNotSupported, $"Windows could not encrypt the secret with DPAPI for the current user, so nothing was written to '{Path}'. Use Set-JelouCredential -Scope Process or the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables.", Path, ex);
            }
            finally
            {
                Array.Clear(plain, 0, plain.Length);
            }
        }

        private CredentialProfile ToProfile(CredentialFileEntry entry)
        {
            byte[] plain;
            if (entry.Protection == ProtectionDpapi)
            {
                if (!windows)
                {
                    throw new JelouCredentialException(CredentialErrorReason.PlatformNotSupported, $"The secret of {Describe(entry.Name)} in '{Path}' is encrypted with Windows DPAPI and can only be read on the Windows account that stored it. Run Set-JelouCredential -Name {entry.Name} -Scope CurrentUser on this machine to store it again.", Path);
                }

                try
                {
                    plain = DpapiUnprotect(Convert.FromBase64String(entry.Secret!));
                }
                catch (CryptographicException ex)
                {
                    throw new JelouCredentialException(CredentialErrorReason.Corrupt, $"The secret of {Describe(entry.Name)} in '{Path}' cannot be decrypted by this Windows account (DPAPI); it was stored by another user or on another machine, or the file was damaged. Run Set-JelouCredential -Name {entry.Name} -Scope CurrentUser to store it again.", Path, ex);
                }
            }
            else
            {
                plain = Convert.FromBase64String(entry.Secret!);
            }

            try
            {
                var credential = JelouCredential.FromPlainText(entry.ClientId!, StrictUtf8.GetString(plain));
                var baseUri = entry.BaseUri is null ? null : BaseUriRules.Parse(entry.BaseUri, $"The base URI of {Describe(entry.Name)} in '{Path}'", CredentialErrorReason.Corrupt, Path);
                return new CredentialProfile(entry.Name!, credential, baseUri, CredentialScope.CurrentUser, StoreDescription);
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt($"the secret of {Describe(entry.Name)} is not valid UTF-8");
            }
            finally
            {
                Array.Clear(plain, 0, plain.Length);
            }
        }

        /// <summary>The parsed, checked file; null when it does not exist.</summary>
        private CredentialFileDocument? Load()
        {
            byte[] bytes;
            try
            {
                if (!File.Exists(Path))
                {
                    return null;
                }

                if (!windows)
                {
                    CheckPermissions();
                }

                bytes = File.ReadAllBytes(Path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, $"Cannot read the credential file '{Path}': {ex.Message}", Path, ex);
            }

            try
            {
                return Parse(bytes);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        private void CheckPermissions()
        {
            var mode = UnixPermissions.GetMode(Path);
            if ((mode & UnixPermissions.GroupAndOther) != 0)
            {
                throw new JelouCredentialException(
                    CredentialErrorReason.InsecurePermissions,
                    $"The credential file '{Path}' has permissions {UnixPermissions.Format(mode)}, so other users may read it; it was not used. Restrict it to its owner with: chmod 600 {ShellQuote(Path)}",
                    Path);
            }
        }

        private CredentialFileDocument Parse(byte[] bytes)
        {
            if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                throw Corrupt("it is empty");
            }

            CredentialFileDocument? document;
            try
            {
                document = JsonSerializer.Deserialize(bytes, CredentialJsonContext.Default.CredentialFileDocument);
            }
            catch (JsonException ex)
            {
                // The JsonException text can quote bytes of the file, which may be part of a secret, so only the
                // position is reported and the exception is not attached.
                var where = ex.LineNumber is long line
                    ? string.Format(CultureInfo.InvariantCulture, "invalid or truncated JSON at line {0}, byte {1}", line + 1, (ex.BytePositionInLine ?? 0) + 1)
                    : "invalid or truncated JSON";
                throw Corrupt(where);
            }

            if (document is null)
            {
                throw Corrupt("it holds no JSON object");
            }

            if (document.Version > FormatVersion)
            {
                throw new JelouCredentialException(
                    CredentialErrorReason.UnsupportedVersion,
                    $"The credential file '{Path}' has format version {document.Version.ToString(CultureInfo.InvariantCulture)}, written by a newer version of the Jelou module; this version reads version {FormatVersion.ToString(CultureInfo.InvariantCulture)}. It was left unchanged. Update the module, or use another file.",
                    Path);
            }

            if (document.Version < 1)
            {
                throw Corrupt("it has no valid \"version\"");
            }

            if (document.Profiles is null)
            {
                throw Corrupt("it has no \"profiles\" list");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < document.Profiles.Count; i++)
            {
                var entry = document.Profiles[i];
                var which = string.Format(CultureInfo.InvariantCulture, "profile #{0}", i + 1);
                if (entry is null)
                {
                    throw Corrupt(which + " is null");
                }

                if (!CredentialProfile.IsValidName(entry.Name))
                {
                    throw Corrupt(which + " has a missing or invalid \"name\"");
                }

                which = Describe(entry.Name);
                if (!seen.Add(entry.Name!))
                {
                    throw Corrupt(which + " appears more than once");
                }

                if (string.IsNullOrWhiteSpace(entry.ClientId))
                {
                    throw Corrupt(which + " has no \"clientId\"");
                }

                if (entry.Protection is not (ProtectionBase64 or ProtectionDpapi))
                {
                    throw Corrupt(which + " has an unknown \"protection\" (expected \"" + ProtectionBase64 + "\" or \"" + ProtectionDpapi + "\")");
                }

                if (string.IsNullOrEmpty(entry.Secret) || !IsBase64(entry.Secret!))
                {
                    throw Corrupt(which + " has a missing or damaged \"secret\"");
                }
            }

            return document;
        }

        private static bool IsBase64(string text)
        {
            try
            {
                return Convert.FromBase64String(text).Length > 0;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private JelouCredentialException Corrupt(string detail) => new(
            CredentialErrorReason.Corrupt,
            $"The credential file '{Path}' is corrupted or truncated ({detail}). It was left unchanged and will not be overwritten. Inspect it and fix it, or delete it and run Set-JelouCredential -Scope CurrentUser again.",
            Path);

        private void Write(CredentialFileDocument document)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document, CredentialJsonContext.Default.CredentialFileDocument);
            var temp = System.IO.Path.Combine(Directory, "." + FileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                EnsureDirectory();
                using (var stream = windows ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None) : UnixPermissions.CreateNewPrivateFile(temp))
                {
                    if (!windows)
                    {
                        // The create mode is filtered by the umask; setting it again makes it exactly 0600.
                        UnixPermissions.SetMode(temp, UnixPermissions.OwnerReadWrite);
                    }

                    stream.Write(bytes, 0, bytes.Length);

                    // On disk before the rename, so a crash leaves the old file or the new one, never a truncated one.
                    stream.Flush(flushToDisk: true);
                }

                ReplaceWith(temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, $"Cannot write the credential file '{Path}': {ex.Message}", Path, ex);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
                TryDelete(temp);
            }
        }

        /// <summary>
        /// Takes the writers' lock, waiting for another writer (retrying with a growing pause) up to
        /// <see cref="LockTimeout"/>. Disposing the stream releases it.
        /// </summary>
        private FileStream AcquireLock()
        {
            try
            {
                EnsureDirectory();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, $"Cannot create the folder '{Directory}' for the credential file: {ex.Message}", Path, ex);
            }

            var waited = System.Diagnostics.Stopwatch.StartNew();
            var pause = 5;
            var random = new Random();
            while (true)
            {
                try
                {
                    return IO.LockFile.Open(LockPath, shareModeOnly: windows);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw new JelouCredentialException(CredentialErrorReason.StoreUnavailable, $"Cannot open the lock file '{LockPath}' that guards the credential file '{Path}': {ex.Message} Nothing was changed.", LockPath, ex);
                }
                catch (IOException) when (waited.Elapsed < LockTimeout)
                {
                    // Held by another writer (a sharing violation on Windows, EWOULDBLOCK from flock elsewhere). A save
                    // takes milliseconds, so short pauses are enough; the jitter keeps writers from retrying in step.
                    System.Threading.Thread.Sleep(pause + random.Next(pause));
                    pause = Math.Min(pause * 2, 100);
                }
                catch (IOException ex)
                {
                    throw new JelouCredentialException(
                        CredentialErrorReason.StoreUnavailable,
                        string.Format(CultureInfo.InvariantCulture, "Could not take the lock file '{0}' within {1:0.#} s ({2}), so the credential file '{3}' was not changed. Another process is probably saving or removing Jelou credentials: let it finish, then try again.", LockPath, LockTimeout.TotalSeconds, ex.Message.TrimEnd('.'), Path),
                        LockPath,
                        ex);
                }
            }
        }

        private void ReplaceWith(string temp)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (File.Exists(Path))
                    {
                        File.Replace(temp, Path, destinationBackupFileName: null);
                    }
                    else
                    {
                        File.Move(temp, Path);
                    }

                    return;
                }
                catch (IOException) when (windows && attempt < 20)
                {
                    // On Windows, another session reading the file (to resolve its credential) makes the replace fail
                    // for a moment. Writers are serialized by the lock, so trying again shortly is safe.
                    System.Threading.Thread.Sleep(50);
                }
            }
        }

        private void EnsureDirectory()
        {
            if (System.IO.Directory.Exists(Directory))
            {
                return;
            }

            if (windows)
            {
                System.IO.Directory.CreateDirectory(Directory);
                return;
            }

            UnixPermissions.CreateDirectory(Directory, UnixPermissions.OwnerAll);

            // As with the file, the umask may have taken bits away; the directory is ours, so make it exactly 0700.
            UnixPermissions.SetMode(Directory, UnixPermissions.OwnerAll);
        }

        private static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A stray 0600 temporary file is harmless; the original error matters more.
            }
        }
    }
}
