using System.Text;
using System.Text.RegularExpressions;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// <c>Jelou.HelpBuilder --source &lt;dir&gt; --maml &lt;file&gt; --about &lt;dir&gt; [--manifest &lt;psd1&gt;]</c>:
    /// every Verb-Noun.md in the source folder goes into one MAML file, every about_*.md becomes about_*.help.txt
    /// (a README.md there is left alone).
    /// With --manifest, each cmdlet in CmdletsToExport must have a help file and each help file must name one.
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
                output.WriteLine("Usage: Jelou.HelpBuilder --source <help folder> --maml <Jelou.PowerShell.dll-Help.xml path> --about <folder for about_*.help.txt> [--manifest <Jelou.psd1>]");
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

            if (options.Manifest is not null)
            {
                CheckManifest(options.Manifest, options.Source, commands, errors);
            }

            if (errors.Count > 0)
            {
                foreach (var message in errors.Messages)
                {
                    output.WriteLine(message);
                }

                output.WriteLine($"Jelou.HelpBuilder: error JHELP: {errors.Count} problem(s) in the help sources in {options.Source}; no help was written. Fix the files named above (platyPS layout: # Name, ## SYNOPSIS, ## DESCRIPTION, ## EXAMPLES, ## PARAMETERS, ## INPUTS, ## OUTPUTS).");
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

        private static void CheckManifest(string manifest, string source, List<CommandHelp> commands, HelpErrors errors)
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
            foreach (var cmdlet in exported.Where(e => !commands.Any(c => string.Equals(c.Name, e, StringComparison.OrdinalIgnoreCase))))
            {
                errors.Add(Path.Combine(source, cmdlet + ".md"), $"{cmdlet} is exported by {Path.GetFileName(manifest)} but has no help file; create {cmdlet}.md.");
            }

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
                    default:
                        error = $"unknown argument '{args[i - 1]}'.";
                        return false;
                }
            }

            if (options.Source.Length == 0 || options.Maml.Length == 0 || options.About.Length == 0)
            {
                error = "--source, --maml and --about are required.";
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
        }
    }
}
