namespace Jelou.Credentials
{
    /// <summary>Where <see cref="CredentialResolver"/> found the credential it returned.</summary>
    public enum CredentialSource
    {
        /// <summary>Passed to the command (-Credential).</summary>
        Explicit = 0,

        /// <summary>A profile set for this process (Set-JelouCredential -Scope Process).</summary>
        Session = 1,

        /// <summary>The JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment variables.</summary>
        Environment = 2,

        /// <summary>A profile persisted for the current user (Set-JelouCredential -Scope CurrentUser).</summary>
        CurrentUser = 3,
    }
}
