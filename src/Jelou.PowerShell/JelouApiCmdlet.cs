using System.Management.Automation;
using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.PowerShell
{
    /// <summary>
    /// What every cmdlet that talks to the API shares: which credential and API root to use, the proxy, and one
    /// long-lived client per connection configuration.
    /// </summary>
    public abstract class JelouApiCmdlet : PSCmdlet
    {
        /// <summary>The client id (user name) and client secret (password) to use instead of the stored ones.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The stored credential profile to use (see Set-JelouCredential -Name).</summary>
        [Parameter]
        [Alias("Profile")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [PSDefaultValue(Help = "default")]
        public string? CredentialName { get; set; }

        /// <summary>The API root; https://api.jelou.ai by default.</summary>
        [Parameter]
        [PSDefaultValue(Help = "https://api.jelou.ai")]
        public Uri? BaseUri { get; set; }

        /// <summary>A proxy to use instead of the system proxy (or the session default of Set-JelouRequestContext).</summary>
        [Parameter]
        [PSDefaultValue(Help = "None (the system proxy, or the Set-JelouRequestContext default)")]
        public Uri? Proxy { get; set; }

        /// <summary>Credentials for the proxy.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Authenticate to the proxy as the current user.</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>
        /// Resolves the credential (a terminating error when there is none) and returns the shared client for it.
        /// Called on the pipeline thread, so verbose output and errors reach the user.
        /// </summary>
        private protected JelouClient CreateClient()
        {
            var resolved = CredentialResolution.Resolve(this, Credential, CredentialName, BaseUri);
            WriteVerbose($"Using client id '{resolved.Credential.ClientId}' from {resolved.Description}, API {resolved.BaseUri}.");
            var options = new JelouClientOptions(resolved.Credential)
            {
                BaseUri = resolved.BaseUri,
                Proxy = MyInvocation.BoundParameters.ContainsKey(nameof(Proxy)) ? Proxy : ModuleState.Defaults.Proxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                ProxyUseDefaultCredentials = ProxyUseDefaultCredentials.IsPresent,
                UserAgentComment = "PowerShell/" + PowerShellVersion(),
            };
            return ModuleState.GetClient(options);
        }

        private string PowerShellVersion() =>
            (SessionState.PSVariable.GetValue("PSVersionTable") as System.Collections.Hashtable)?["PSVersion"]?.ToString() ?? "unknown";
    }
}
