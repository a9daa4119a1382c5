using System.Management.Automation;
using Jelou.Http;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the session-wide defaults of the send cmdlets.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "JelouRequestContext")]
    [OutputType(typeof(RequestDefaults))]
    public sealed class GetJelouRequestContextCommand : PSCmdlet
    {
        /// <summary>Writes the defaults.</summary>
        protected override void EndProcessing() => WriteObject(ModuleState.Defaults);
    }
}
