using System.Management.Automation;
using System.Security;
using Jelou.Credentials;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the Jelou client id and client secret that the send cmdlets use, for this session or persisted for the current user.</para>
    /// </summary>
    /// <remarks>
    /// -Scope CurrentUser persists with DPAPI (current user) on Windows; on Linux and macOS in a file readable only
    /// by the owner (0600 in a 0700 folder), where the secret is protected by those permissions alone. -Vault keeps
    /// it in a SecretManagement vault instead.
    /// </remarks>
    [Cmdlet(VerbsCommon.Set, "JelouCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(CredentialInfo))]
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
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [PSDefaultValue(Help = "default")]
        public string Name { get; set; } = CredentialProfile.DefaultName;

        /// <summary>The API root for this profile; https://api.jelou.ai when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [PSDefaultValue(Help = "https://api.jelou.ai")]
        public Uri? BaseUri { get; set; }

        /// <summary>Process (default): this session only. CurrentUser: also persisted for the current user.</summary>
        [Parameter]
        [PSDefaultValue(Help = "Process")]
        public CredentialScope Scope { get; set; } = CredentialScope.Process;

        /// <summary>Also store it in this Microsoft.PowerShell.SecretManagement vault (as secret "Jelou-&lt;Name&gt;").</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Vault { get; set; }

        /// <summary>Writes the profile (never the secret).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private bool _baseUriOnCommandLine;

        /// <summary>Notes which parameters the command line gave, before any are bound from the pipeline.</summary>
        protected override void BeginProcessing() => _baseUriOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(BaseUri));

        /// <summary>Stores the credential.</summary>
        protected override void ProcessRecord()
        {
            // Get-JelouCredential shows where a profile without a base URI of its own goes (JELOU_BASE_URI or
            // production). Piping that listing back in must not pin the profile to what was only its fallback.
            if (!_baseUriOnCommandLine && BaseUri is not null && BaseUri == CredentialInfo.FallbackBaseUri())
            {
                BaseUri = null;
            }

            JelouCredential credential;
            PSCredential asPsCredential;
            try
            {
                CredentialProfile.ValidateName(Name);
                asPsCredential = ParameterSetName == CredentialSet ? Credential : new PSCredential(ClientId, ClientSecret);
                credential = new JelouCredential(asPsCredential.UserName, asPsCredential.Password);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidCredential", ErrorCategory.InvalidArgument, Name));
                return;
            }

            try
            {
                // The session always gets it, so the sends of this session need no store round trip.
                CredentialInfo info;
                if (Vault is not null)
                {
                    if (!ShouldProcess($"profile '{Name}' (client id {credential.ClientId})", $"Store Jelou credential in SecretManagement vault '{Vault}'"))
                    {
                        return;
                    }

                    SecretVault.Save(this, Vault, Name, asPsCredential);
                    CredentialSession.Shared.Set(Name, credential, BaseUri);
                    info = CredentialInfo.ForVault(Name, credential.ClientId, Vault);
                }
                else if (Scope == CredentialScope.CurrentUser)
                {
                    var store = new CredentialFileStore();
                    if (!ShouldProcess($"profile '{Name}' (client id {credential.ClientId})", $"Persist Jelou credential in {store.StoreDescription}"))
                    {
                        return;
                    }

                    info = CredentialInfo.From(store.Save(Name, credential, BaseUri));
                    CredentialSession.Shared.Set(Name, credential, BaseUri);
                    if (!store.EncryptsSecrets)
                    {
                        WriteVerbose($"Stored in {store.Path}, readable only by you (mode 0600); the secret is protected by those file permissions, not encrypted.");
                    }
                }
                else
                {
                    if (!ShouldProcess($"profile '{Name}' (client id {credential.ClientId})", "Set Jelou credential for this session"))
                    {
                        return;
                    }

                    info = CredentialInfo.From(CredentialSession.Shared.Set(Name, credential, BaseUri));
                }

                ModuleState.Reset();
                WriteVerbose($"Jelou credential profile '{info.Name}' set (client id {info.ClientId}, {info.Store}).");
                if (PassThru)
                {
                    WriteObject(info);
                }
            }
            catch (JelouCredentialException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, CredentialResolution.CategoryFor(ex.Reason), Name));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidArgument", ErrorCategory.InvalidArgument, BaseUri));
            }
        }
    }
}
