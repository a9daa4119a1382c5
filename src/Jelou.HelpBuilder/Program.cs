using System.Text;
using System.Text.RegularExpressions;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// <c>Jelou.HelpBuilder --source &lt;dir&gt; --maml &lt;file&gt; --about &lt;dir&gt; --assembly &lt;dll&gt; [--reference &lt;dll&gt;]... [--manifest &lt;psd1&gt;]</c>:
    /// every Verb-Noun.md in the source folder goes into one MAML file, every about_*.md becomes about_*.help.txt
    /// (a README.md there is left alone; shared parameters files live in a subfolder). The syntax and the parameter
    /// metadata come from the cmdlets of --assembly, read as metadata with the --reference assemblies
    /// (System.Management.Automation): each cmdlet must have a help file describing each of its parameters.
    /// With --manifest, each help file must also name a cmdlet in CmdletsToExport.
    /// Exit code 0 on success, 1 when a help file cannot be used (nothing is written then), 2 for bad arguments.
    /// </summary>
    internal static class Program
    {
        private static readonly Regex CmdletsToExportPattern = new(@"CmdletsToExport\s*=\s*@\(([^)]*)\)", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        private static readonly Regex QuotedPattern = new(@"'([^']+)'|""([^""]+)""", RegexOptions.CultureInvariant);

        public static int Main(string[] args) => Run(args, Console.Out);

        /// <summary>The whole tool; the tests call it directly.</summary>
        internal static int Run(string[] args, TextWriter output)
        {
            if (!TryReadArguments(args, out var options, out var usageError))
            {
                output.WriteLine("Jelou.HelpBuilder: error JHELP: " + usageError);
                output.WriteLine("Usage: Jelou.HelpBuilder --source <help folder> --maml <Jelou.PowerShell.dll-Help.xml path> --about <folder for about_*.help.txt> --assembly <Jelou.PowerShell.dll> [--reference <System.Management.Automation.dll>]... [--manifest <Jelou.psd1>]");
                return 2;
            }

            var errors = new HelpErrors();
            var commands = new List<CommandHelp>();
            var abouts = new List<(string Name, string Text)>();
            var files = Directory.Exists(options.Source)
                ? Directory.GetFiles(options.Source, "*.md")
                    .Where(f => !string.Equals(Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList()
                : new List<string>();
            if (files.Count == 0)
            {
                errors.Add(options.Source, "no *.md help files here.");
            }

            foreach (var file in files)
            {
                string text;
                try
                {
                    text = File.ReadAllText(file, Encoding.UTF8);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add(file, "cannot be read: " + ex.Message);
                    continue;
                }

                var document = MarkdownDocument.Parse(file, text, errors);
                if (Path.GetFileName(file).StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                {
                    var about = AboutTopicWriter.Convert(document, errors);
                    if (about is not null)
                    {
                        abouts.Add((Path.GetFileNameWithoutExtension(file), about));
                    }
                }
                else if (CommandHelpParser.Parse(document, errors) is { } command)
                {
                    commands.Add(command);
                }
            }

            if (ReadCmdlets(options, errors) is { } cmdlets)
            {
                HelpBinder.Bind(commands, cmdlets, options.Source, Path.GetFileName(options.Assembly), errors);
            }

            if (options.Manifest is not null)
            {
                CheckManifest(options.Manifest, commands, errors);
            }

            if (errors.Count > 0)
            {
                foreach (var message in errors.Messages)
                {
                    output.WriteLine(message);
                }

                output.WriteLine($"Jelou.HelpBuilder: error JHELP: {errors.Count} problem(s) in the help sources in {options.Source}; no help was written. Fix the files named above (platyPS layout without SYNTAX and metadata: # Name, ## SYNOPSIS, ## DESCRIPTION, ## EXAMPLES, ## PARAMETERS, ## INPUTS, ## OUTPUTS; see README.md in the help folder).");
                return 1;
            }

            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Maml))!);
                File.WriteAllBytes(options.Maml, MamlWriter.Write(commands.OrderBy(c => c.Name, StringComparer.Ordinal)));
                Directory.CreateDirectory(options.About);
                foreach (var (name, text) in abouts)
                {
                    File.WriteAllText(Path.Combine(options.About, name + ".help.txt"), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                output.WriteLine("Jelou.HelpBuilder: error JHELP: cannot write the help files: " + ex.Message);
                return 1;
            }

            output.WriteLine($"Jelou.HelpBuilder: {commands.Count} cmdlet(s) -> {options.Maml}; {abouts.Count} about topic(s) -> {options.About}");
            return 0;
        }

        /// <summary>The cmdlets of --assembly, or null (and an error) when it cannot be read.</summary>
        private static IReadOnlyList<CmdletMetadata>? ReadCmdlets(Options options, HelpErrors errors)
        {
            if (!File.Exists(options.Assembly))
            {
                errors.Add(options.Assembly, "the assembly to read the cmdlets from does not exist; build src/Jelou.PowerShell first.");
                return null;
            }

            foreach (var reference in options.References.Where(r => !File.Exists(r)))
            {
                errors.Add(reference, "the reference assembly does not exist.");
            }

            try
            {
                return CommandMetadataReader.Read(options.Assembly, options.References.Where(File.Exists));
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException or FileNotFoundException or System.Reflection.ReflectionTypeLoadException or TypeLoadException)
            {
                errors.Add(options.Assembly, $"cannot be read as metadata ({ex.GetType().Name}: {ex.Message}); pass System.Management.Automation.dll with --reference.");
                return null;
            }
        }

        private static void CheckManifest(string manifest, List<CommandHelp> commands, HelpErrors errors)
        {
            string text;
            try
            {
                text = File.ReadAllText(manifest);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add(manifest, "cannot be read: " + ex.Message);
                return;
            }

            var list = CmdletsToExportPattern.Match(text);
            if (!list.Success)
            {
                errors.Add(manifest, "has no CmdletsToExport = @( ... ) list to check the help against.");
                return;
            }

            var exported = QuotedPattern.Matches(list.Groups[1].Value).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();

            // A cmdlet without a help file is reported against the assembly; here only a help file that documents a
            // cmdlet the module does not export.
            foreach (var command in commands.Where(c => !exported.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
            {
                errors.Add(command.SourcePath, $"{command.Name} is not in CmdletsToExport of {Path.GetFileName(manifest)}; remove the file or export the cmdlet.");
            }
        }

        private static bool TryReadArguments(string[] args, out Options options, out string error)
        {
            options = new Options();
            error = string.Empty;
            for (var i = 0; i < args.Length; i++)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"'{args[i]}' needs a value.";
                    return false;
                }

                var value = args[++i];
                switch (args[i - 1])
                {
                    case "--source": options.Source = value; break;
                    case "--maml": options.Maml = value; break;
                    case "--about": options.About = value; break;
                    case "--manifest": options.Manifest = value; break;
                    case "--assembly": options.Assembly = value; break;
                    case "--reference": options.References.Add(value); break;
                    default:
                        error = $"unknown argument '{args[i - 1]}'.";
                        return false;
                }
            }

            if (options.Source.Length == 0 || options.Maml.Length == 0 || options.About.Length == 0 || options.Assembly.Length == 0)
            {
                error = "--source, --maml, --about and --assembly are required.";
                return false;
            }

            return true;
        }

        private sealed class Options
        {
            public string Source { get; set; } = string.Empty;

            public string Maml { get; set; } = string.Empty;

            public string About { get; set; } = string.Empty;

            public string? Manifest { get; set; }

            public string Assembly { get; set; } = string.Empty;

            public List<string> References { get; } = new();
        }
    }
}
