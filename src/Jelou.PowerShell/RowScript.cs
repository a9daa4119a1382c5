using System.Collections.ObjectModel;
using System.Management.Automation;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Script blocks given to parameters that PowerShell does not delay-bind. It runs a script block once per row
    /// only for a parameter that binds by property name and is not typed object or scriptblock; -Option, -Contact,
    /// -Payload and -RoomMessage are object parameters, so they receive the script block itself, and its
    /// ToString() is the source text. Here it is run per row instead, as a user writing a mail merge expects.
    /// </summary>
    internal static class RowScript
    {
        /// <summary>
        /// Runs <paramref name="value"/> with <c>$_</c> set to the row when it is a script block: no output is null,
        /// one object is that object, more are an array. Any other value is returned as it is.
        /// </summary>
        /// <exception cref="ArgumentException">There is no row, or the script block failed; the message names <paramref name="where"/>.</exception>
        public static object? Evaluate(object? value, PSObject? row, string where)
        {
            if ((value is PSObject wrapped ? wrapped.BaseObject : value) is not ScriptBlock script)
            {
                return value;
            }

            if (row is null)
            {
                throw new ArgumentException($"{where} is a script block, which runs once per input row with $_ set to the row, but there is no pipeline input. Give the value itself instead of a script block, or pipe the rows in.");
            }

            Collection<PSObject> output;
            try
            {
                output = script.InvokeWithContext(null, new List<PSVariable> { new("_", row) });
            }
            catch (RuntimeException ex) when (ex is not PipelineStoppedException)
            {
                throw new ArgumentException($"{where}: its script block failed for this row: {ex.Message}", ex);
            }

            var values = output.Where(o => o is not null && o.BaseObject is not null).Cast<object>().ToArray();
            return values.Length switch
            {
                0 => null,
                1 => values[0],
                _ => values,
            };
        }

        /// <summary>The elements of an array parameter, each script block among them replaced by what it output.</summary>
        public static object[]? Expand(object[]? values, PSObject? row, string where)
        {
            if (values is null || !values.Any(v => (v is PSObject p ? p.BaseObject : v) is ScriptBlock))
            {
                return values;
            }

            var expanded = new List<object>(values.Length);
            foreach (var value in values)
            {
                switch (Evaluate(value, row, where))
                {
                    case null:
                        break;
                    case object[] many:
                        expanded.AddRange(many);
                        break;
                    case var one:
                        expanded.Add(one);
                        break;
                }
            }

            return expanded.ToArray();
        }
    }
}
