using System.Globalization;
using System.Text.RegularExpressions;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Reads one cmdlet help file in the platyPS layout (# Name, then ## SYNOPSIS, ## DESCRIPTION, ## EXAMPLES,
    /// ## PARAMETERS, ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS), and the shared parameters files such a file
    /// names, and reports everything it cannot use, so a mistake fails the build instead of shipping incomplete help.
    /// The files hold prose and examples only: the syntax and the parameters' metadata come from the assembly.
    /// </summary>
    internal static class CommandHelpParser
    {
        /// <summary>The front matter key that names shared parameters files, relative to the help file.</summary>
        public const string SharedParametersKey = "shared parameters";

        private static readonly string[] KnownSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
        private static readonly string[] RequiredSections = { "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS" };
        private static readonly string[] CodeLanguages = { "powershell", "ps", "ps1", "pwsh", string.Empty };
        private static readonly Regex CommandNamePattern = new(@"^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex ExampleTitlePattern = new(@"^Example\s+(\d+)\s*(?::\s*(.+))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex ParameterHeadingPattern = new(@"^-([A-Za-z][A-Za-z0-9]*)$", RegexOptions.CultureInvariant);

        public static CommandHelp? Parse(MarkdownDocument document, HelpErrors errors)
        {
            var path = document.Path;
            var expectedName = System.IO.Path.GetFileNameWithoutExtension(path);
            var blocks = document.Blocks;
            if (blocks.Count == 0 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1)
            {
                errors.Add(path, blocks.Count == 0 ? 1 : blocks[0].Line, $"the file must start with '# {expectedName}' (after any front matter).");
                return null;
            }

            var name = blocks[0].Text.Trim();
            if (!CommandNamePattern.IsMatch(name))
            {
                errors.Add(path, blocks[0].Line, $"'{name}' is not a Verb-Noun command name.");
                return null;
            }

            if (!string.Equals(name, expectedName, StringComparison.Ordinal))
            {
                errors.Add(path, blocks[0].Line, $"the heading names '{name}' but the file is {expectedName}.md; name the file after the command.");
            }

            var help = new CommandHelp { Name = name, SourcePath = path, SharedParameterFiles = document.FrontMatterList(SharedParametersKey) };
            var sections = SplitSections(document, blocks.Skip(1).ToList(), errors);
            foreach (var required in RequiredSections.Where(r => !sections.ContainsKey(r)))
            {
                errors.Add(path, $"'## {required}' is missing.");
            }

            if (sections.TryGetValue("SYNOPSIS", out var synopsis))
            {
                help.Synopsis = Prose(path, "SYNOPSIS", synopsis.Blocks, synopsis.Line, errors);
            }

            if (sections.TryGetValue("DESCRIPTION", out var description))
            {
                help.Description = Prose(path, "DESCRIPTION", description.Blocks, description.Line, errors);
            }

            if (sections.TryGetValue("PARAMETERS", out var parameters))
            {
                ReadParameters(path, parameters.Blocks, help.Parameters, errors);
            }

            if (sections.TryGetValue("SYNTAX", out var syntax))
            {
                ReadSyntax(path, syntax.Line, errors);
            }

            if (sections.TryGetValue("EXAMPLES", out var examples))
            {
                ReadExamples(help, examples.Blocks, examples.Line, errors);
            }

            if (sections.TryGetValue("INPUTS", out var inputs))
            {
                ReadTypes(path, "INPUTS", inputs.Blocks, inputs.Line, help.Inputs, errors);
            }

            if (sections.TryGetValue("OUTPUTS", out var outputs))
            {
                ReadTypes(path, "OUTPUTS", outputs.Blocks, outputs.Line, help.Outputs, errors);
            }

            if (sections.TryGetValue("NOTES", out var notes))
            {
                help.Notes = Prose(path, "NOTES", notes.Blocks, notes.Line, errors, allowEmpty: true);
            }

            if (document.FrontMatterText("online version") is { Length: > 0 } online)
            {
                help.RelatedLinks.Add(new LinkHelp { Text = "Online Version:", Uri = online });
            }

            if (sections.TryGetValue("RELATED LINKS", out var links))
            {
                ReadLinks(path, links.Blocks, help.RelatedLinks, errors);
            }

            return help;
        }

        /// <summary>
        /// A shared parameters file: an optional '# Title' with prose for whoever opens it, then '## PARAMETERS' with
        /// '### -Name' sections exactly as in a cmdlet's file. The files that name it in their front matter get its
        /// parameters after their own.
        /// </summary>
        public static List<ParameterHelp> ParseShared(MarkdownDocument document, HelpErrors errors)
        {
            var parameters = new List<ParameterHelp>();
            var blocks = document.Blocks.ToList();
            var start = blocks.FindIndex(b => b.Kind == BlockKind.Heading && b.Level == 2);
            if (start < 0 || !string.Equals(blocks[start].Text, "PARAMETERS", StringComparison.Ordinal))
            {
                errors.Add(document.Path, start < 0 ? 1 : blocks[start].Line, "a shared parameters file has one section, '## PARAMETERS', with a '### -Name' heading per parameter.");
                return parameters;
            }

            foreach (var block in blocks.Take(start).Where(b => b.Kind is BlockKind.Code or BlockKind.Table || (b.Kind == BlockKind.Heading && b.Level != 1)))
            {
                errors.Add(document.Path, block.Line, "before '## PARAMETERS' a shared parameters file holds only its '# Title' and prose about it.");
            }

            var rest = blocks.Skip(start + 1).ToList();
            var end = rest.FindIndex(b => b.Kind == BlockKind.Heading && b.Level <= 2);
            if (end >= 0)
            {
                errors.Add(document.Path, rest[end].Line, $"'{new string('#', rest[end].Level)} {rest[end].Text}' after ## PARAMETERS; a shared parameters file has no other section.");
                rest = rest.Take(end).ToList();
            }

            ReadParameters(document.Path, rest, parameters, errors);
            if (parameters.Count == 0)
            {
                errors.Add(document.Path, blocks[start].Line, "## PARAMETERS describes no parameter.");
            }

            return parameters;
        }

        /// <summary>Groups the blocks under each '## SECTION' heading.</summary>
        internal static Dictionary<string, (int Line, List<Block> Blocks)> SplitSections(MarkdownDocument document, List<Block> blocks, HelpErrors errors, IReadOnlyCollection<string>? known = null)
        {
            known ??= KnownSections;
            var sections = new Dictionary<string, (int Line, List<Block> Blocks)>(StringComparer.Ordinal);
            List<Block>? current = null;
            foreach (var block in blocks)
            {
                if (block.Kind == BlockKind.Heading && block.Level <= 2)
                {
                    var title = block.Text.Trim();
                    if (block.Level == 1)
                    {
                        errors.Add(document.Path, block.Line, $"a second '# {title}' heading; a help file has exactly one '#' heading.");
                        current = null;
                        continue;
                    }

                    if (known.Count > 0 && !known.Contains(title))
                    {
                        errors.Add(document.Path, block.Line, $"'## {title}' is not a help section; use one of: {string.Join(", ", known.Select(k => "## " + k))}.");
                        current = null;
                        continue;
                    }

                    if (sections.ContainsKey(title))
                    {
                        errors.Add(document.Path, block.Line, $"'## {title}' appears twice.");
                        current = null;
                        continue;
                    }

                    current = new List<Block>();
                    sections[title] = (block.Line, current);
                    continue;
                }

                if (current is null)
                {
                    if (sections.Count == 0)
                    {
                        errors.Add(document.Path, block.Line, "text before the first '##' section; put it in a section.");
                    }

                    continue;
                }

                current.Add(block);
            }

            return sections;
        }

        /// <summary>Paragraphs, lists and tables; a heading or code block inside is an error, and so is an empty section.</summary>
        private static List<Block> Prose(string path, string section, List<Block> blocks, int line, HelpErrors errors, bool allowEmpty = false)
        {
            foreach (var block in blocks.Where(b => b.Kind is BlockKind.Heading))
            {
                errors.Add(path, block.Line, $"'{new string('#', block.Level)} {block.Text}' is not allowed in ## {section}.");
            }

            var prose = blocks.Where(b => b.Kind is not BlockKind.Heading).ToList();
            if (!allowEmpty && !prose.Any(HasText))
            {
                errors.Add(path, line, $"## {section} is empty.");
            }

            return prose;
        }

        private static bool HasText(Block block) => block.Kind == BlockKind.Table ? block.Rows?.Count > 0 : block.Text.Trim().Length > 0;

        private static void ReadParameters(string path, List<Block> blocks, List<ParameterHelp> parameters, HelpErrors errors)
        {
            var index = 0;
            while (index < blocks.Count && blocks[index].Kind != BlockKind.Heading)
            {
                if (HasText(blocks[index]))
                {
                    errors.Add(path, blocks[index].Line, "text in ## PARAMETERS before the first '### -Name' heading.");
                }

                index++;
            }

            while (index < blocks.Count)
            {
                var heading = blocks[index++];
                var body = new List<Block>();
                while (index < blocks.Count && !(blocks[index].Kind == BlockKind.Heading && blocks[index].Level <= 3))
                {
                    body.Add(blocks[index++]);
                }

                var title = heading.Text.Trim();
                if (heading.Level != 3)
                {
                    errors.Add(path, heading.Line, $"'{new string('#', heading.Level)} {title}' in ## PARAMETERS; each parameter is a '### -Name' heading.");
                    continue;
                }

                if (string.Equals(title, "CommonParameters", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var match = ParameterHeadingPattern.Match(title);
                if (!match.Success)
                {
                    errors.Add(path, heading.Line, $"'### {title}' is not a parameter heading; write '### -Name'.");
                    continue;
                }

                var parameter = new ParameterHelp { Name = match.Groups[1].Value, SourcePath = path, Line = heading.Line };
                if (parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(path, heading.Line, $"-{parameter.Name} is documented twice.");
                    continue;
                }

                var description = body;
                if (!description.Any(HasText))
                {
                    errors.Add(path, heading.Line, $"-{parameter.Name} has no description.");
                }

                foreach (var code in description.Where(b => b.Kind == BlockKind.Code))
                {
                    // platyPS puts the metadata in a ```yaml block; here the assembly is the one copy of it.
                    errors.Add(path, code.Line, code.Info == "yaml"
                        ? $"-{parameter.Name}: remove the ```yaml block; the type, sets, aliases, position, pipeline input and default come from the assembly (a default other than None or False goes in [PSDefaultValue(Help = \"...\")] on the property)."
                        : $"-{parameter.Name}: a parameter description cannot hold a code block; show code in an example.");
                }

                parameter.Description = description.Where(b => b.Kind != BlockKind.Code).ToList();
                parameters.Add(parameter);
            }
        }

        /// <summary>The platyPS layout's ## SYNTAX: known, so that the error says what to do instead.</summary>
        private static void ReadSyntax(string path, int line, HelpErrors errors) =>
            errors.Add(path, line, "remove '## SYNTAX'; the syntax is generated from the cmdlet's parameter sets in the assembly.");

        private static void ReadExamples(CommandHelp help, List<Block> blocks, int line, HelpErrors errors)
        {
            var path = help.SourcePath;
            var index = 0;
            var expected = 1;
            while (index < blocks.Count && blocks[index].Kind != BlockKind.Heading)
            {
                errors.Add(path, blocks[index].Line, "text in ## EXAMPLES before the first '### Example 1: ...' heading.");
                index++;
            }

            while (index < blocks.Count)
            {
                var heading = blocks[index++];
                var body = new List<Block>();
                while (index < blocks.Count && !(blocks[index].Kind == BlockKind.Heading && blocks[index].Level <= 3))
                {
                    body.Add(blocks[index++]);
                }

                var match = ExampleTitlePattern.Match(heading.Text.Trim());
                if (heading.Level != 3 || !match.Success)
                {
                    errors.Add(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' is not an example heading; write '### Example {expected}: What it shows'.");
                    continue;
                }

                var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                if (number != expected)
                {
                    errors.Add(path, heading.Line, $"example {number} should be numbered {expected}; number the examples 1, 2, 3, ... in order.");
                }

                expected = number + 1;
                var code = body.Where(b => b.Kind == BlockKind.Code && CodeLanguages.Contains(b.Info)).ToList();
                var remarks = body.Except(code).Where(b => b.Kind != BlockKind.Heading).ToList();
                foreach (var nested in body.Where(b => b.Kind == BlockKind.Heading))
                {
                    errors.Add(path, nested.Line, $"'{new string('#', nested.Level)} {nested.Text}' inside an example; examples have no subheadings.");
                }

                if (code.Count == 0 || code.All(c => c.Text.Trim().Length == 0))
                {
                    errors.Add(path, heading.Line, $"example {number} has no ```powershell code block.");
                }

                if (!remarks.Any(b => b.Kind != BlockKind.Code && HasText(b)))
                {
                    errors.Add(path, heading.Line, $"example {number} has no explanation; say in a paragraph after the code what it does.");
                }

                var title = match.Groups[2].Success ? $"Example {number}: {match.Groups[2].Value.Trim()}" : $"Example {number}";
                help.Examples.Add(new ExampleHelp
                {
                    Title = title,
                    Code = string.Join("\n\n", code.Select(c => c.Text.TrimEnd())),
                    Remarks = remarks,
                });
            }

            if (help.Examples.Count == 0)
            {
                errors.Add(path, line, "## EXAMPLES has no example; add '### Example 1: ...' with a ```powershell block and an explanation.");
            }
        }

        private static void ReadTypes(string path, string section, List<Block> blocks, int line, List<TypeHelp> types, HelpErrors errors)
        {
            var index = 0;
            while (index < blocks.Count && blocks[index].Kind != BlockKind.Heading)
            {
                errors.Add(path, blocks[index].Line, $"text in ## {section} before the first '### TypeName' heading (write '### None' when there is none).");
                index++;
            }

            while (index < blocks.Count)
            {
                var heading = blocks[index++];
                var body = new List<Block>();
                while (index < blocks.Count && blocks[index].Kind != BlockKind.Heading)
                {
                    body.Add(blocks[index++]);
                }

                if (heading.Level != 3)
                {
                    errors.Add(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' in ## {section}; each type is a '### TypeName' heading.");
                    continue;
                }

                foreach (var code in body.Where(b => b.Kind == BlockKind.Code))
                {
                    errors.Add(path, code.Line, $"a code block in ## {section}; describe the type in prose.");
                }

                types.Add(new TypeHelp { TypeName = heading.Text.Trim(), Description = body.Where(b => b.Kind != BlockKind.Code).ToList() });
            }

            if (types.Count == 0)
            {
                errors.Add(path, line, $"## {section} has no '### TypeName' heading (write '### None' when there is none).");
            }
        }

        private static void ReadLinks(string path, List<Block> blocks, List<LinkHelp> links, HelpErrors errors)
        {
            foreach (var block in blocks)
            {
                if (block.Kind is not (BlockKind.Paragraph or BlockKind.ListItem))
                {
                    errors.Add(path, block.Line, "## RELATED LINKS holds only links, one per line or list item: [Name](Name.md) or [Title](https://...).");
                    continue;
                }

                if (block.Links.Count == 0)
                {
                    links.Add(new LinkHelp { Text = block.Text.Trim() });
                    continue;
                }

                foreach (var (label, target) in block.Links)
                {
                    var absolute = target.Contains("://", StringComparison.Ordinal);
                    links.Add(new LinkHelp { Text = label, Uri = absolute ? target : string.Empty });
                }
            }
        }
    }
}
