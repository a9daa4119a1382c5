using System.Runtime.InteropServices;
using Jelou.Credentials;

namespace Jelou.Tests;

/// <summary>
/// Where a test cannot run on the .NET Framework lane (net472 under Mono off Windows) and why. Each reason is the skip
/// message, so the lane's printed skip list explains itself. Keep this list short: a defect is fixed, not skipped.
/// </summary>
internal static class FrameworkLaneSkips
{
    /// <summary>The credential file store refuses to work on this runtime (see <see cref="UnixPermissions"/>).</summary>
    public const string NoPrivateFileStore =
        "Off Windows the credential file store needs the .NET 7+ Unix file-mode APIs, or libc on x64 or arm64 Linux, to create "
        + "its file 0600; this runtime has neither, so the store refuses (tested by CredentialStoreOnFrameworkTests). On Windows "
        + "PowerShell 5.1 it uses DPAPI and Windows ACLs instead, which this lane cannot reach.";

    /// <summary>Why a send through the loopback test proxy cannot happen on .NET Framework.</summary>
    public const string LoopbackNeverProxied =
        ".NET Framework (and Mono) never send a loopback address through a WebProxy, whatever BypassProxyOnLocal says, and "
        + "JelouClient allows plain http only to loopback, so the loopback fake cannot be reached through the test proxy there "
        + "(that needs a TLS-terminating test proxy). The handler's proxy settings are tested on this lane.";

    /// <summary>True on .NET Framework, including Mono's implementation of it.</summary>
    public static bool IsNetFramework { get; } =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
        || Type.GetType("Mono.Runtime") is not null;

    /// <summary>The runtime cannot create a private credential file: not Windows and no Unix file-mode APIs.</summary>
    public static bool FileStoreUnavailable => !OperatingSystem.IsWindows() && !UnixPermissions.IsAvailable;

    /// <summary>Skips the calling test where the credential file store cannot work.</summary>
    public static void SkipWithoutPrivateFileStore() => Assert.SkipWhen(FileStoreUnavailable, NoPrivateFileStore);
}
