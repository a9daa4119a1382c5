using System.Collections;
using System.Management.Automation;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Refuses a script block that PowerShell would turn into its own source text. A lone script block given to a
    /// parameter that binds by property name is run once per row (delay-bind) before this sees it; one inside a
    /// list, such as <c>-QuickReply 'Sí', { $_.otra }</c>, is not, and converting it to a string would send the
    /// code to the customer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class NoScriptBlockTextAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is ScriptBlock || (value is IEnumerable list and not string && list.Cast<object?>().Any(item => (item is PSObject p ? p.BaseObject : item) is ScriptBlock)))
            {
                throw new ArgumentTransformationMetadataException(
                    "A script block here would be sent as its source text. Give one script block for the whole value, such as { $_.opciones -split ';' }, which runs once per input row; a script block inside a list is not run.");
            }

            return inputData;
        }
    }
}
