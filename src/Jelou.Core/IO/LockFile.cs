using Jelou.Credentials;

namespace Jelou.IO
{
    /// <summary>
    /// A lock file held open exclusively: a share-mode lock on Windows, <c>flock</c> on Linux and macOS (what .NET does
    /// for <see cref="FileShare.None"/>). The operating system releases it when its holder exits, even by a crash, so it
    /// is never stale; it is kept, not deleted, because deleting it would let two holders lock two different files.
    /// </summary>
    internal static class LockFile
    {
        /// <summary>
        /// Opens (creating when missing) and locks <paramref name="path"/>; disposing the stream releases it. Throws
        /// <see cref="IOException"/> at once while another process holds it. Off Windows the file is created 0600, unless
        /// <paramref name="shareModeOnly"/> asks for a plain FileShare.None open (where the Unix mode APIs are missing).
        /// </summary>
        public static FileStream Open(string path, bool shareModeOnly) => shareModeOnly
            ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
            : UnixPermissions.OpenPrivateFile(path, FileMode.OpenOrCreate);
    }
}
