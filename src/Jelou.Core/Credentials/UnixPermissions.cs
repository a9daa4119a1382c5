using System.Reflection;

namespace Jelou.Credentials
{
    /// <summary>
    /// Unix file modes through the .NET 7+ APIs (File.GetUnixFileMode, File.SetUnixFileMode,
    /// Directory.CreateDirectory(path, mode), FileStreamOptions.UnixCreateMode). The core targets
    /// netstandard2.0, where those do not exist at compile time, so they are found by reflection; PowerShell 7.4+
    /// runs on .NET 8 and has them all. Where they are missing (PowerShell 7.0 to 7.2, Mono), <see cref="NativeFileModes"/>
    /// does the same through libc on x64 and arm64 Linux.
    /// </summary>
    internal static class UnixPermissions
    {
        public const int OwnerReadWrite = 0x180; // 0600
        public const int OwnerAll = 0x1C0; // 0700
        public const int GroupAndOther = 0x3F; // 0077

        private static readonly Lazy<Api?> Methods = new(Load);

        /// <summary>True when this runtime has every API needed to create and check private files.</summary>
        public static bool IsAvailable => !Missing.Value && (Methods.Value is not null || NativeFileModes.IsAvailable);

        public static int GetMode(string path)
        {
            if (Native)
            {
                return NativeFileModes.GetMode(path);
            }

            return Convert.ToInt32(Invoke(Require().GetFileMode, path), System.Globalization.CultureInfo.InvariantCulture);
        }

        public static void SetMode(string path, int mode)
        {
            if (Native)
            {
                NativeFileModes.SetMode(path, mode);
                return;
            }

            var api = Require();
            Invoke(api.SetFileMode, path, Enum.ToObject(api.ModeType, mode));
        }

        /// <summary>Creates the directory (and missing parents) with <paramref name="mode"/>, before umask.</summary>
        public static void CreateDirectory(string path, int mode)
        {
            if (Native)
            {
                NativeFileModes.CreateDirectory(path, mode);
                return;
            }

            var api = Require();
            Invoke(api.CreateDirectory, path, Enum.ToObject(api.ModeType, mode));
        }

        /// <summary>
        /// Creates a new file that is 0600 from the first instant, so no other user can open it between creation and
        /// a chmod and keep reading after the secret is written.
        /// </summary>
        public static FileStream CreateNewPrivateFile(string path) => OpenPrivateFile(path, FileMode.CreateNew);

        /// <summary>
        /// Opens a file for writing with <see cref="FileShare.None"/> (on Unix, an exclusive <c>flock</c>), creating
        /// it 0600 when <paramref name="mode"/> creates it.
        /// </summary>
        public static FileStream OpenPrivateFile(string path, FileMode mode)
        {
            if (Native)
            {
                return NativeFileModes.OpenPrivateFile(path, mode);
            }

            var api = Require();
            var options = Activator.CreateInstance(api.OptionsType)!;
            api.OptionsType.GetProperty("Mode")!.SetValue(options, mode);
            api.OptionsType.GetProperty("Access")!.SetValue(options, FileAccess.Write);
            api.OptionsType.GetProperty("Share")!.SetValue(options, FileShare.None);
            api.OptionsType.GetProperty("UnixCreateMode")!.SetValue(options, Enum.ToObject(api.ModeType, OwnerReadWrite));
            try
            {
                return (FileStream)api.StreamConstructor.Invoke(new[] { path, options });
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw Rethrow(ex.InnerException);
            }
        }

        /// <summary>Shows a mode the way ls and chmod do, such as 0644.</summary>
        public static string Format(int mode) => "0" + Convert.ToString(mode & 0xFFF, 8).PadLeft(3, '0');

        private static object? Invoke(MethodInfo method, params object[] arguments)
        {
            try
            {
                return method.Invoke(null, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                // Callers catch IOException and UnauthorizedAccessException; the reflection wrapper would hide them.
                throw Rethrow(ex.InnerException);
            }
        }

        private static Exception Rethrow(Exception inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            return inner; // not reached
        }

        // The .NET API first: it is what PowerShell 7.4+ has, and it needs no assumption about libc's structures.
        private static bool Native => !Missing.Value && Methods.Value is null && NativeFileModes.IsAvailable;

        // Set only by tests, for their own async flow: a runtime with neither API, where the store must refuse. It can only
        // make the store refuse, never make it write a file it cannot keep private.
        internal static AsyncLocal<bool> Missing { get; } = new();

        private static Api Require() => (Missing.Value ? null : Methods.Value) ?? throw new JelouCredentialException(
            CredentialErrorReason.PlatformNotSupported,
            "Cannot secure the credential file on this runtime: it lacks the .NET 7+ Unix file-mode APIs needed to create it with 0600 permissions (and libc's are used only on x64 and arm64 Linux). Use PowerShell 7.4 or later, or use Set-JelouCredential -Scope Process or the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables.");

        private static Api? Load()
        {
            var modeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode") ?? Type.GetType("System.IO.UnixFileMode, System.Runtime");
            var optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions") ?? Type.GetType("System.IO.FileStreamOptions, System.Runtime");
            if (modeType is null || optionsType is null || optionsType.GetProperty("UnixCreateMode") is null)
            {
                return null;
            }

            var get = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
            var set = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), modeType });
            var mkdir = typeof(Directory).GetMethod("CreateDirectory", new[] { typeof(string), modeType });
            var constructor = typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
            return get is null || set is null || mkdir is null || constructor is null
                ? null
                : new Api(modeType, optionsType, get, set, mkdir, constructor);
        }

        private sealed record Api(Type ModeType, Type OptionsType, MethodInfo GetFileMode, MethodInfo SetFileMode, MethodInfo CreateDirectory, ConstructorInfo StreamConstructor);
    }
}
