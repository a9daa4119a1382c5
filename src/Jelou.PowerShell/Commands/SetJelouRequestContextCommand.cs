using System.Globalization;
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
        [PSDefaultValue(Help = "3")]
        public int MaximumRetryCount { get; set; }

        /// <summary>Base seconds between retries when the server gives no Retry-After.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 3600)]
        [PSDefaultValue(Help = "1")]
        public int RetryIntervalSec { get; set; }

        /// <summary>Seconds allowed for each attempt.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 3600)]
        [PSDefaultValue(Help = "30")]
        public int TimeoutSec { get; set; }

        /// <summary>Requests in flight at once.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 256)]
        [PSDefaultValue(Help = "8")]
        public int ThrottleLimit { get; set; }

        /// <summary>Messages per second at most; 0 removes the limit.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 10000)]
        [PSDefaultValue(Help = "0 (no limit)")]
        public double RateLimit { get; set; }

        /// <summary>Also retry failures after which the message may have been delivered.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter RetryPossiblyDelivered { get; set; }

        /// <summary>A proxy for every request.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [PSDefaultValue(Help = "None (the system proxy)")]
        public Uri? Proxy { get; set; }

        /// <summary>A send journal for every send of the session; $null or an empty string turns it off.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        [PSDefaultValue(Help = "None (no journal)")]
        public string? JournalPath { get; set; }

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

                // Resolved now, against the current location: a later Set-Location must not move the journal.
                JournalPath = bound.ContainsKey(nameof(JournalPath))
                    ? (string.IsNullOrEmpty(JournalPath) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath))
                    : current.JournalPath,
            };
            var description = Describe(ModuleState.Defaults, updated, Reset);
            if (ShouldProcess("Jelou request defaults for this session", description))
            {
                ModuleState.Defaults = updated;
                if (PassThru)
                {
                    WriteObject(updated);
                }
            }
        }

        /// <summary>What -WhatIf and -Confirm say: each setting that changes, with its value now and after.</summary>
        private static string Describe(RequestDefaults before, RequestDefaults after, bool reset)
        {
            var changes = new List<string>();
            void Compare<T>(string name, T was, T becomes, Func<T, string> show)
            {
                if (!EqualityComparer<T>.Default.Equals(was, becomes))
                {
                    changes.Add($"{name} from {show(was)} to {show(becomes)}");
                }
            }

            static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
            Compare(nameof(MaximumRetryCount), before.MaximumRetryCount, after.MaximumRetryCount, Number);
            Compare(nameof(RetryIntervalSec), before.RetryIntervalSec, after.RetryIntervalSec, Number);
            Compare(nameof(TimeoutSec), before.TimeoutSec, after.TimeoutSec, Number);
            Compare(nameof(ThrottleLimit), before.ThrottleLimit, after.ThrottleLimit, Number);
            Compare(nameof(RateLimit), before.RateLimit, after.RateLimit, r => r is { } rate ? rate.ToString("0.###", CultureInfo.InvariantCulture) + " messages per second" : "no limit");
            Compare(nameof(RetryPossiblyDelivered), before.RetryPossiblyDelivered, after.RetryPossiblyDelivered, on => on ? "on" : "off");
            Compare(nameof(Proxy), before.Proxy, after.Proxy, proxy => proxy?.ToString() ?? "the system proxy");
            Compare(nameof(JournalPath), before.JournalPath, after.JournalPath, path => path ?? "none");
            if (changes.Count == 0)
            {
                return reset ? "Reset to the module's defaults (they are already in use; nothing changes)" : "Keep the current values (nothing changes)";
            }

            return (reset ? "Reset to the module's defaults: " : "Set ") + string.Join(", ", changes);
        }
    }
}
