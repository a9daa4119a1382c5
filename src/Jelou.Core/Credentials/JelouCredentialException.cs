namespace Jelou.Credentials
{
    /// <summary>
    /// A credential could not be found, read or stored. The message says how to fix it and never contains a
    /// client secret: it is built only from names, paths, modes and environment variable names.
    /// </summary>
    public sealed class JelouCredentialException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public JelouCredentialException(CredentialErrorReason reason, string message, string? path = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Reason = reason;
            Path = path;
        }

        /// <summary>Creates the exception.</summary>
        public JelouCredentialException()
            : this(CredentialErrorReason.NotFound, "No Jelou credential is available.")
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouCredentialException(string message)
            : this(CredentialErrorReason.NotFound, message)
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouCredentialException(string message, Exception innerException)
            : this(CredentialErrorReason.NotFound, message, null, innerException)
        {
        }

        /// <summary>Why it failed.</summary>
        public CredentialErrorReason Reason { get; }

        /// <summary>The credential file involved, when there is one.</summary>
        public string? Path { get; }

        /// <summary>A stable identifier for scripts and ErrorRecords, such as <c>JelouCredentialNotFound</c>.</summary>
        public string ErrorId => "JelouCredential" + Reason.ToString();
    }
}
