using System.Management.Automation;
using Jelou.Credentials;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Finds the credential for a send: -Credential, then the session profile, then JELOU_CLIENT_ID/SECRET, then
    /// the persisted profile, then a SecretManagement vault; otherwise a terminating error that says how to fix it.
    /// The base URI is -BaseUri, then the profile in use, then JELOU_BASE_URI, then production, wherever the
    /// credential came from (see <see cref="CredentialResolver"/>).
    /// </summary>
    internal static class CredentialResolution
    {
        public static ResolvedCredential Resolve(PSCmdlet cmdlet, PSCredential? explicitCredential, string? profileName, Uri? baseUri)
        {
            try
            {
                var explicitJelou = explicitCredential is null ? null : new JelouCredential(explicitCredential.UserName, explicitCredential.Password);
                try
                {
                    return CredentialResolver.CreateDefault().Resolve(explicitJelou, profileName, baseUri);
                }
                catch (JelouCredentialException ex) when (ex.Reason == CredentialErrorReason.NotFound)
                {
                    var name = profileName ?? CredentialProfile.DefaultName;
                    var fromVault = SecretVault.TryGet(cmdlet, name);
                    if (fromVault is null)
                    {
                        throw;
                    }

                    // Passing the name keeps the vault's credential on the base URI rules of the profile it stands for.
                    return CredentialResolver.CreateDefault().Resolve(fromVault, profileName, baseUri);
                }
            }
            catch (JelouCredentialException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, CategoryFor(ex.Reason), profileName));
                throw;
            }
            catch (ArgumentException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidArgument", ErrorCategory.InvalidArgument, baseUri));
                throw;
            }
        }

        public static ErrorCategory CategoryFor(CredentialErrorReason reason) => reason switch
        {
            CredentialErrorReason.NotFound => ErrorCategory.ObjectNotFound,
            CredentialErrorReason.Incomplete or CredentialErrorReason.InvalidValue => ErrorCategory.InvalidArgument,
            CredentialErrorReason.InsecurePermissions => ErrorCategory.SecurityError,
            CredentialErrorReason.Corrupt or CredentialErrorReason.UnsupportedVersion => ErrorCategory.InvalidData,
            CredentialErrorReason.PlatformNotSupported => ErrorCategory.NotImplemented,
            _ => ErrorCategory.ResourceUnavailable,
        };
    }
}
