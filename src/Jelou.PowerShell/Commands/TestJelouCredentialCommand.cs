using System.Management.Automation;
using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks that a Jelou credential works for a bot, without sending a message (a read-only call that lists the bot's templates).</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "JelouCredential")]
    [OutputType(typeof(CredentialTestResult), typeof(bool))]
    public sealed class TestJelouCredentialCommand : JelouApiCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new();

        /// <summary>The bot to check access to.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [ValidateNotNullOrEmpty]
        public string BotId { get; set; } = string.Empty;

        /// <summary>Returns only $true or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        public void Dispose() => cancellation.Dispose();

        /// <summary>Runs the check.</summary>
        protected override void ProcessRecord()
        {
            var client = CreateClient();
            // Retries and timeouts as any command's: given here, else the session's (Set-JelouRequestContext).
            var options = new SendRequestOptions { Retry = CreateRetrySettings() };
            var outcome = client.CheckAccessAsync(BotId, options, cancellation.Token).GetAwaiter().GetResult();
            WriteVerbose($"Tested against bot {BotId}: HTTP {outcome.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.");
            if (Quiet)
            {
                WriteObject(outcome.Succeeded);
                return;
            }

            WriteObject(new CredentialTestResult(client.Options.Credential.ClientId, BotId, outcome.Succeeded, outcome.HttpStatus, outcome.Error?.ErrorId, outcome.Error?.Message, client.BaseUri));
        }

        /// <summary>Cancels the check (Ctrl+C).</summary>
        protected override void StopProcessing() => cancellation.Cancel();
    }
}
