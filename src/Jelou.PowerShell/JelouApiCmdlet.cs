using System.Management.Automation;
using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.PowerShell
{
    /// <summary>
    /// What every cmdlet that talks to the API shares, send or read: which credential and API root to use, the proxy,
    /// retries and timeouts merged with the session defaults of Set-JelouRequestContext, one long-lived client per
    /// connection configuration, and writing a paged listing.
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

        /// <summary>Retries of a request that certainly did not reach the API (429, 503, connection refused). Default 3.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        [PSDefaultValue(Help = "3 (or the Set-JelouRequestContext default)")]
        public int MaximumRetryCount { get; set; } = RetrySettings.Default.MaximumRetryCount;

        /// <summary>Base seconds between retries when the server gives no Retry-After (exponential, with jitter). Default 1.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        [PSDefaultValue(Help = "1 (or the Set-JelouRequestContext default)")]
        public int RetryIntervalSec { get; set; } = (int)RetrySettings.Default.RetryInterval.TotalSeconds;

        /// <summary>Seconds to wait for each attempt. Default 30.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        [PSDefaultValue(Help = "30 (or the Set-JelouRequestContext default)")]
        public int TimeoutSec { get; set; } = (int)RetrySettings.Default.AttemptTimeout.TotalSeconds;

        /// <summary>The parameter's value when it was given on the command, else the session default.</summary>
        private protected T Pick<T>(string parameterName, T value, T sessionDefault) =>
            MyInvocation.BoundParameters.ContainsKey(parameterName) ? value : sessionDefault;

        /// <summary>
        /// The retries and timeouts of this command: each parameter given on the command wins over the session default
        /// of Set-JelouRequestContext. <paramref name="retryPossiblyDelivered"/> is the send cmdlets' own switch
        /// (already merged); a read needs none, being retried after any transport failure anyway.
        /// </summary>
        private protected RetrySettings CreateRetrySettings(bool retryPossiblyDelivered = false)
        {
            var defaults = ModuleState.Defaults;
            return RequestDefaults.ToRetrySettings(
                Pick(nameof(MaximumRetryCount), MaximumRetryCount, defaults.MaximumRetryCount),
                Pick(nameof(RetryIntervalSec), RetryIntervalSec, defaults.RetryIntervalSec),
                Pick(nameof(TimeoutSec), TimeoutSec, defaults.TimeoutSec),
                retryPossiblyDelivered);
        }

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

        /// <summary>
        /// Writes a listing for a cmdlet declared with <c>SupportsPaging</c>: -Skip and -First become the pager's window,
        /// so pages outside it are never requested; -IncludeTotalCount writes the API's total before the items. Items
        /// are written as each page arrives. A page that fails is a terminating error.
        /// </summary>
        private protected void WritePaged<T>(JelouClient client, PagedEndpoint<T> endpoint, SendRequestOptions options, CancellationToken cancellationToken, Func<T, object>? shape = null)
            where T : class
        {
            var paging = PagingParameters;
            var first = paging is null || paging.First == ulong.MaxValue ? (ulong?)null : paging.First;
            var pager = new Pager<T>(client, endpoint, new PageWindow(paging?.Skip ?? 0, first), options);
            try
            {
                if (paging?.IncludeTotalCount == true)
                {
                    var total = pager.ReadTotalAsync(cancellationToken).GetAwaiter().GetResult();
                    WriteObject(total is { } known ? paging.NewTotalCount((ulong)known, 1.0) : paging.NewTotalCount(0, 0.0));
                }

                while (pager.MoveNextAsync(cancellationToken).GetAwaiter().GetResult())
                {
                    WriteObject(shape is null ? pager.Current : shape(pager.Current));
                }
            }
            catch (JelouApiException error)
            {
                ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorRecords.CategoryFor(error.Kind), endpoint.Route.Template));
            }
        }

        private string PowerShellVersion() =>
            (SessionState.PSVariable.GetValue("PSVersionTable") as System.Collections.Hashtable)?["PSVersion"]?.ToString() ?? "unknown";
    }
}
