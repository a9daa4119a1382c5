using System.Text;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Matches each help file with its cmdlet in the assembly: adds the parameters of the shared parameters files it
    /// names, gives every described parameter its metadata, and reports a parameter described but not declared, or
    /// declared but not described, and a help file for no cmdlet or a cmdlet with no help file.
    /// </summary>
    internal static class HelpBinder
    {
        public static void Bind(IReadOnlyList<CommandHelp> commands, IReadOnlyList<CmdletMetadata> cmdlets, string source, string assemblyName, HelpErrors errors)
        {
            var shared = new Dictionary<string, List<ParameterHelp>?>(StringComparer.Ordinal);
            foreach (var command in commands)
            {
                foreach (var file in command.SharedParameterFiles)
                {
                    AddShared(command, file, shared, errors);
                }

                var metadata = cmdlets.FirstOrDefault(c => string.Equals(c.Name, command.Name, StringComparison.OrdinalIgnoreCase));
                if (metadata is null)
                {
                    errors.Add(command.SourcePath, 1, $"{command.Name} is not a cmdlet of {assemblyName} (it has {string.Join(", ", cmdlets.Select(c => c.Name))}); remove the file or add the cmdlet.");
                    continue;
                }

                command.Metadata = metadata;

                foreach (var parameter in command.Parameters.ToList())
                {
                    if (metadata.Parameter(parameter.Name) is { } declared)
                    {
                        parameter.Metadata = declared;
                        continue;
                    }

                    var from = parameter.SourcePath == command.SourcePath ? string.Empty : $" (the file is shared by {command.Name}.md)";
                    errors.Add(parameter.SourcePath, parameter.Line, $"{command.Name} has no parameter -{parameter.Name}{from}; it has {string.Join(", ", metadata.Parameters.Select(p => "-" + p.Name))}.");
                    command.Parameters.Remove(parameter);
                }

                foreach (var missing in metadata.Parameters.Where(p => !command.Parameters.Any(d => string.Equals(d.Name, p.Name, StringComparison.OrdinalIgnoreCase))))
                {
                    errors.Add(command.SourcePath, $"-{missing.Name} of {command.Name} is not described; add '### -{missing.Name}' with a description under ## PARAMETERS.");
                }
            }

            foreach (var cmdlet in cmdlets.Where(c => !commands.Any(h => string.Equals(h.Name, c.Name, StringComparison.OrdinalIgnoreCase))))
            {
                errors.Add(Path.Combine(source, cmdlet.Name + ".md"), $"{cmdlet.Name} is a cmdlet of {assemblyName} but has no help file; create {cmdlet.Name}.md.");
            }
        }

        private static void AddShared(CommandHelp command, string file, Dictionary<string, List<ParameterHelp>?> shared, HelpErrors errors)
        {
            var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(command.SourcePath))!, file));
            if (!shared.TryGetValue(path, out var parameters))
            {
                parameters = null;
                if (!File.Exists(path))
                {
                    errors.Add(command.SourcePath, 1, $"'{CommandHelpParser.SharedParametersKey}: {file}' names a file that does not exist ({path}).");
                }
                else
                {
                    var document = MarkdownDocument.Parse(path, File.ReadAllText(path, Encoding.UTF8), errors);
                    parameters = CommandHelpParser.ParseShared(document, errors);
                }

                shared[path] = parameters;
            }

            foreach (var parameter in parameters ?? new List<ParameterHelp>())
            {
                if (command.Parameters.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)) is { } own)
                {
                    errors.Add(own.SourcePath, own.Line, $"-{parameter.Name} is described here and in {file}, which {command.Name}.md shares; describe it once.");
                    continue;
                }

                // A copy per cmdlet: each gets the metadata of its own declaration.
                command.Parameters.Add(new ParameterHelp { Name = parameter.Name, SourcePath = parameter.SourcePath, Line = parameter.Line, Description = parameter.Description });
            }
        }
    }
}
