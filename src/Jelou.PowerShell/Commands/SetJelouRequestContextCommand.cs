using System.Management.Automation;
using Jelou.Http;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets session-wide defaults for retries, timeouts, concurrency, pacing and proxy of the send cmdlets.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "JelouRequestContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(RequestDefaults))]
    public sealed class SetJelouRequestContextCommand : PSCmdlet
    {
        /// <summary>Retries of a message that was certainly not delivered (429, 503, connection refused).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 20)]
        public int MaximumRetryCount { get; set; }

        /// <summary>Base seconds between retries when the server gives no Retry-After.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 3600)]
        public int RetryIntervalSec { get; set; }

        /// <summary>Seconds allowed for each attempt.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; }

        /// <summary>Requests in flight at once.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        /// <summary>Messages per second at most; 0 removes the limit.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 10000)]
        public double RateLimit { get; set; }

        /// <summary>Also retry failures after which the message may have been delivered.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter RetryPossiblyDelivered { get; set; }

        /// <summary>A proxy for every request.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public Uri? Proxy { get; set; }

        /// <summary>Restores the defaults the module starts with.</summary>
        [Parameter]
        public SwitchParameter Reset { get; set; }

        /// <summary>Writes the new defaults.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Applies the bound values.</summary>
        protected override void ProcessRecord()
        {
            var bound = MyInvocation.BoundParameters;
            var current = Reset ? RequestDefaults.Initial : ModuleState.Defaults;
            var updated = current with
            {
                MaximumRetryCount = bound.ContainsKey(nameof(MaximumRetryCount)) ? MaximumRetryCount : current.MaximumRetryCount,
                RetryIntervalSec = bound.ContainsKey(nameof(RetryIntervalSec)) ? RetryIntervalSec : current.RetryIntervalSec,
                TimeoutSec = bound.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : current.TimeoutSec,
                ThrottleLimit = bound.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : current.ThrottleLimit,
                RateLimit = bound.ContainsKey(nameof(RateLimit)) ? (RateLimit > 0 ? RateLimit : null) : current.RateLimit,
                RetryPossiblyDelivered = bound.ContainsKey(nameof(RetryPossiblyDelivered)) ? RetryPossiblyDelivered.IsPresent : current.RetryPossiblyDelivered,
                Proxy = bound.ContainsKey(nameof(Proxy)) ? Proxy : current.Proxy,
            };
            if (ShouldProcess("Jelou request defaults for this session", "Set " + updated))
            {
                ModuleState.Defaults = updated;
                if (PassThru)
                {
                    WriteObject(updated);
                }
            }
        }
    }
}
