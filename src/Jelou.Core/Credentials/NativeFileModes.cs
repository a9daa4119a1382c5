using System.Runtime.InteropServices;

namespace Jelou.Credentials
{
    /// <summary>
    /// Unix file modes through libc, for runtimes on Linux that lack the .NET 7+ APIs <see cref="UnixPermissions"/> uses:
    /// PowerShell 7.0 to 7.2 (.NET Core 3.1 to 6) and Mono. Only x64 and arm64 Linux, the two layouts of <c>struct stat</c>
    /// checked against .NET's own API in the tests; elsewhere <see cref="IsAvailable"/> is false and the store refuses
    /// as before, since a mode read from the wrong offset would pass a world-readable secret file as private.
    /// </summary>
    internal static class NativeFileModes
    {
        // Linux's values, the same on x64 and arm64.
        private const int WriteOnly = 0x1;
        private const int Create = 0x40;
        private const int Exclusive = 0x80;
        private const int CloseOnExec = 0x80000;
        private const int NoSuchFile = 2;
        private const int PermissionDenied = 13;
        private const int NotPermitted = 1;
        private const int AlreadyExists = 17;

        private static readonly Lazy<bool> Probe = new(CanUse);

        /// <summary>True on x64 or arm64 Linux when libc answers.</summary>
        public static bool IsAvailable => Probe.Value;

        // st_mode's offset in struct stat: after st_dev and st_ino on x64 (and st_nlink, 8 bytes, before it), after
        // st_dev and st_ino on arm64's generic layout. The buffer is larger than either struct.
        private static int ModeOffset => RuntimeInformation.OSArchitecture == Architecture.X64 ? 24 : 16;

        // glibc before 2.33 exports stat only as __xstat(version, ...): 1 on x64, 0 on arm64.
        private static int StatVersion => RuntimeInformation.OSArchitecture == Architecture.X64 ? 1 : 0;

        public static int GetMode(string path)
        {
            var buffer = new byte[256];
            int result;
            try
            {
                result = Libc.stat(path, buffer);
            }
            catch (EntryPointNotFoundException)
            {
                result = Libc.__xstat(StatVersion, path, buffer);
            }

            Check(result, path);
            return BitConverter.ToInt32(buffer, ModeOffset) & 0xFFF;
        }

        public static void SetMode(string path, int mode) => Check(Libc.chmod(path, (uint)mode), path);

        /// <summary>Creates the directory and missing parents, each with <paramref name="mode"/> before umask, as .NET 7's overload does.</summary>
        public static void CreateDirectory(string path, int mode)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                return;
            }

            var parent = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
            {
                CreateDirectory(parent!, mode);
            }

            if (Libc.mkdir(full, (uint)mode) != 0 && Marshal.GetLastWin32Error() != AlreadyExists)
            {
                Check(-1, full);
            }
        }

        /// <summary>
        /// Opens <paramref name="path"/> for writing with <see cref="FileShare.None"/>; when <paramref name="mode"/> may
        /// create it, libc creates it 0600 first, so it is never readable by others, not even empty.
        /// </summary>
        public static FileStream OpenPrivateFile(string path, FileMode mode)
        {
            var flags = mode switch
            {
                FileMode.CreateNew => WriteOnly | Create | Exclusive | CloseOnExec,
                FileMode.Create or FileMode.OpenOrCreate or FileMode.Append => WriteOnly | Create | CloseOnExec,
                _ => 0,
            };
            if (flags != 0)
            {
                var descriptor = Libc.open(path, flags, UnixPermissions.OwnerReadWrite);
                Check(descriptor, path);
                _ = Libc.close(descriptor);
            }

            return new FileStream(path, mode == FileMode.Create ? FileMode.Truncate : mode == FileMode.Append ? FileMode.Append : FileMode.Open, FileAccess.Write, FileShare.None);
        }

        private static bool CanUse()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                || RuntimeInformation.OSArchitecture is not (Architecture.X64 or Architecture.Arm64))
            {
                return false;
            }

            try
            {
                // The root directory is a directory (S_IFDIR) to every process: a layout read wrongly would not say so.
                var buffer = new byte[256];
                int result;
                try
                {
                    result = Libc.stat("/", buffer);
                }
                catch (EntryPointNotFoundException)
                {
                    result = Libc.__xstat(StatVersion, "/", buffer);
                }

                return result == 0 && (BitConverter.ToInt32(buffer, ModeOffset) & 0xF000) == 0x4000;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return false;
            }
        }

        private static void Check(int result, string path)
        {
            if (result >= 0)
            {
                return;
            }

            var error = Marshal.GetLastWin32Error();
            throw error switch
            {
                NoSuchFile => new FileNotFoundException($"'{path}' does not exist (or a folder above it is missing).", path),
                PermissionDenied or NotPermitted => new UnauthorizedAccessException($"Access to '{path}' is denied (errno {error})."),
                AlreadyExists => new IOException($"'{path}' already exists."),
                _ => new IOException($"'{path}': the system call failed with errno {error}."),
            };
        }

        private static class Libc
        {
            [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            public static extern int stat(string path, byte[] buffer);

            [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            public static extern int __xstat(int version, string path, byte[] buffer);

            [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            public static extern int chmod(string path, uint mode);

            [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            public static extern int mkdir(string path, uint mode);

            [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            public static extern int open(string path, int flags, int mode);

            [DllImport("libc", SetLastError = true)]
            public static extern int close(int descriptor);
        }
    }
}
