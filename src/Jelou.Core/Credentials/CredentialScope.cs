namespace Jelou.Credentials
{
    /// <summary>Where a credential profile lives.</summary>
    public enum CredentialScope
    {
        /// <summary>In memory for this process only; gone when PowerShell exits.</summary>
        Process = 0,

        /// <summary>Persisted for the current user: DPAPI on Windows, a permission-protected file elsewhere.</summary>
        CurrentUser = 1,
    }
}
