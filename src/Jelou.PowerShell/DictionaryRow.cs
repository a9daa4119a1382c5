using System.Collections;
using System.Management.Automation;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Hashtables piped in. PowerShell binds an input object's properties by name, never a dictionary's keys, so
    /// <c>@{ userId = ...; text = ... } | Send-JelouBotMessage</c> binds nothing and the row would be reported as
    /// "userId: is empty". This names the real cause instead.
    /// </summary>
    internal static class DictionaryRow
    {
        /// <summary>
        /// The keys of a dictionary row that name a parameter taking pipeline input by property name, other than the
        /// ones the command line gives: values the user meant to bind and that did not. Empty for any other row.
        /// </summary>
        public static IReadOnlyList<string> UnboundKeys(PSObject? row, CommandInfo command, ISet<string> givenOnCommandLine)
        {
            if (row?.BaseObject is not IDictionary dictionary || dictionary.Count == 0)
            {
                return Array.Empty<string>();
            }

            var keys = new List<string>();
            foreach (var key in dictionary.Keys)
            {
                var name = Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                var parameter = command.Parameters.Values.FirstOrDefault(p =>
                    p.ParameterSets.Values.Any(s => s.ValueFromPipelineByPropertyName)
                    && (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase)));
                if (parameter is not null && !givenOnCommandLine.Contains(parameter.Name))
                {
                    keys.Add(name);
                }
            }

            return keys;
        }

        /// <summary>The error for a dictionary row whose keys did not bind; <paramref name="example"/> is a row written as an object.</summary>
        public static string Problem(PSObject row, IReadOnlyList<string> keys, string command, string example)
        {
            var kind = row.BaseObject is System.Collections.Specialized.OrderedDictionary ? "an ordered dictionary" : "a hashtable";
            return $"The input row is {kind}, and PowerShell binds the properties of a piped object, never the keys of a hashtable, so its keys ({string.Join(", ", keys)}) did not reach the parameters. "
                + $"Pipe objects instead, such as [pscustomobject]{example}, or convert the hashtables on the way: ... | ForEach-Object {{ [pscustomobject]$_ }} | {command} ...";
        }
    }
}
