using System.Management.Automation;
using Jelou.Credentials;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a Jelou credential profile from this session and from its persisted store.</para>
    /// </summary>
    /// <remarks>
    /// Without -Name it removes "default", as Set- and Get-JelouCredential use "default" when no name is given.
    /// ConfirmImpact is High because a removed secret cannot be read back: it asks by default, and a script passes
    /// -Confirm:$false.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "JelouCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class RemoveJelouCredentialCommand : PSCmdlet
    {
        /// <summary>The profiles to remove; "default" when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Profile", "CredentialName")]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [ValidateNotNullOrEmpty]
        [PSDefaultValue(Help = "default")]
        public string[] Name { get; set; } = { CredentialProfile.DefaultName };

        /// <summary>Only from this scope; both when omitted.</summary>
        [Parameter]
        [PSDefaultValue(Help = "None (both)")]
        public CredentialScope? Scope { get; set; }

        /// <summary>Also remove it from this SecretManagement vault.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Vault { get; set; }

        /// <summary>Removes each profile.</summary>
        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                try
                {
                    CredentialProfile.ValidateName(name);
                    if (!ShouldProcess($"Jelou credential profile '{name}'", "Remove"))
                    {
                        continue;
                    }

                    var removed = false;
                    if (Scope is null or CredentialScope.Process)
                    {
                        removed |= CredentialSession.Shared.Remove(name);
                    }

                    if (Scope is null or CredentialScope.CurrentUser)
                    {
                        removed |= new CredentialFileStore().Remove(name);
                    }

                    if (Vault is not null)
                    {
                        removed |= SecretVault.Remove(this, Vault, name);
                    }

                    ModuleState.Reset();
                    if (!removed)
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException($"No Jelou credential profile named '{name}' to remove."), "JelouCredentialNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                }
                catch (JelouCredentialException ex)
                {
                    WriteError(new ErrorRecord(ex, ex.ErrorId, CredentialResolution.CategoryFor(ex.Reason), name));
                }
                catch (ArgumentException ex)
                {
                    WriteError(new ErrorRecord(ex, "JelouInvalidArgument", ErrorCategory.InvalidArgument, name));
                }
            }
        }
    }
}
