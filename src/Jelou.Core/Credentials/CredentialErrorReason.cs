namespace Jelou.Credentials
{
    /// <summary>Why a credential could not be found, read or stored; the cmdlets map each to an ErrorCategory.</summary>
    public enum CredentialErrorReason
    {
        /// <summary>No credential anywhere, or no profile with the requested name.</summary>
        NotFound = 0,

        /// <summary>Only part of a credential was given, such as JELOU_CLIENT_ID without JELOU_CLIENT_SECRET.</summary>
        Incomplete,

        /// <summary>A value (a base URI, an environment variable) is not usable.</summary>
        InvalidValue,

        /// <summary>The credential file can be read by other users, so it is refused.</summary>
        InsecurePermissions,

        /// <summary>The credential file is truncated, not JSON, or not in the expected shape.</summary>
        Corrupt,

        /// <summary>The credential file was written by a newer version of the module.</summary>
        UnsupportedVersion,

        /// <summary>This runtime or OS cannot protect the credential file (or cannot undo the protection).</summary>
        PlatformNotSupported,

        /// <summary>The credential file could not be read or written (I/O or access error).</summary>
        StoreUnavailable,
    }
}
