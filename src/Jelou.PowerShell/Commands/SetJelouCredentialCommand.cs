using System.Management.Automation;
using System.Security;
using Jelou.Credentials;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the Jelou client id and client secret that the send cmdlets use.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "JelouCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(CredentialProfile))]
    public sealed class SetJelouCredentialCommand : PSCmdlet
    {
        private const string CredentialSet = "Credential";
        private const string ClientIdSet = "ClientId";

        /// <summary>User name = client id, password = client secret; works with Get-AutomationPSCredential.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = CredentialSet)]
        [Credential]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        /// <summary>The client id Jelou issued.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; } = string.Empty;

        /// <summary>The client secret Jelou issued.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientIdSet)]
        [ValidateNotNull]
        public SecureString ClientSecret { get; set; } = new();

        /// <summary>The profile name; "default" when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Profile", "CredentialName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = CredentialProfile.DefaultName;

        /// <summary>The API root for this profile; https://api.jelou.ai when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Uri? BaseUri { get; set; }

        /// <summary>Writes the profile (never the secret).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Stores the credential.</summary>
        protected override void ProcessRecord()
        {
            JelouCredential credential;
            try
            {
                credential = ParameterSetName == CredentialSet
                    ? new JelouCredential(Credential.UserName, Credential.Password)
                    : new JelouCredential(ClientId, ClientSecret);
                CredentialProfile.ValidateName(Name);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidCredential", ErrorCategory.InvalidArgument, Name));
                return;
            }

            if (!ShouldProcess($"profile '{Name}' (client id {credential.ClientId})", "Set Jelou credential for this session"))
            {
                return;
            }

            CredentialProfile profile;
            try
            {
                profile = CredentialSession.Shared.Set(Name, credential, BaseUri);
            }
            catch (Exception ex) when (ex is ArgumentException or JelouCredentialException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidBaseUri", ErrorCategory.InvalidArgument, BaseUri));
                return;
            }

            ModuleState.Reset();
            WriteVerbose($"Jelou credential profile '{profile.Name}' set for this session (client id {profile.ClientId}).");
            if (PassThru)
            {
                WriteObject(profile);
            }
        }
    }
}
