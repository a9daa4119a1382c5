using System.Globalization;
using System.Text.RegularExpressions;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Reads one cmdlet help file in the platyPS layout (# Name, then ## SYNOPSIS, ## SYNTAX, ## DESCRIPTION,
    /// ## EXAMPLES, ## PARAMETERS, ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS) and reports everything it
    /// cannot use, so a mistake fails the build instead of shipping incomplete help.
    /// </summary>
    internal static class CommandHelpParser
    {
        private static readonly string[] KnownSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
        private static readonly string[] RequiredSections = { "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS" };
        private static readonly string[] CodeLanguages = { "powershell", "ps", "ps1", "pwsh", string.Empty };
        private static readonly Regex CommandNamePattern = new(@"^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex ExampleTitlePattern = new(@"^Example\s+(\d+)\s*(?::\s*(.+))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex ParameterHeadingPattern = new(@"^-([A-Za-z][A-Za-z0-9]*)$", RegexOptions.CultureInvariant);
        private static readonly Regex SetHeadingPattern = new(@"^([A-Za-z0-9_]+|\(All\))(\s+\(Default\))?$", RegexOptions.CultureInvariant);
        private static readonly Regex SyntaxParameterPattern = new(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)", RegexOptions.CultureInvariant);
        private static readonly Regex LinkPattern = new(@"\[([^\]]+)\]\(([^)\s]*)\)", RegexOptions.CultureInvariant);

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

            var help = new CommandHelp { Name = name, SourcePath = path };
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
                ReadParameters(help, parameters.Blocks, errors);
            }

            help.ParameterSets = sections.TryGetValue("SYNTAX", out var syntax)
                ? ReadSyntax(help, syntax.Blocks, syntax.Line, errors)
                : SetsFromParameters(help);

            foreach (var parameter in help.Parameters)
            {
                foreach (var set in parameter.ParameterSets.Where(s => s != ParameterHelp.AllSets && !help.ParameterSets.Contains(s)))
                {
                    errors.Add(path, parameter.Line, $"-{parameter.Name} names the parameter set '{set}', which the SYNTAX section does not have ({string.Join(", ", help.ParameterSets)}).");
                }
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

            if (document.FrontMatter.TryGetValue("online version", out var online) && online.Length > 0)
            {
                help.RelatedLinks.Add(new LinkHelp { Text = "Online Version:", Uri = online });
            }

            if (sections.TryGetValue("RELATED LINKS", out var links))
            {
                ReadLinks(path, links.Blocks, help.RelatedLinks, errors);
            }

            return help;
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

        private static void ReadParameters(CommandHelp help, List<Block> blocks, HelpErrors errors)
        {
            var path = help.SourcePath;
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

                var parameter = new ParameterHelp { Name = match.Groups[1].Value, Line = heading.Line };
                if (help.Parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(path, heading.Line, $"-{parameter.Name} is documented twice.");
                    continue;
                }

                var yaml = body.Where(b => b.Kind == BlockKind.Code && b.Info == "yaml").ToList();
                var description = body.Where(b => !(b.Kind == BlockKind.Code && b.Info == "yaml")).ToList();
                if (!description.Any(HasText))
                {
                    errors.Add(path, heading.Line, $"-{parameter.Name} has no description.");
                }

                foreach (var code in description.Where(b => b.Kind == BlockKind.Code))
                {
                    errors.Add(path, code.Line, $"-{parameter.Name}: a parameter description cannot hold a code block other than its ```yaml metadata; show code in an example.");
                }

                parameter.Description = description.Where(b => b.Kind != BlockKind.Code).ToList();
                if (yaml.Count != 1)
                {
                    errors.Add(path, heading.Line, $"-{parameter.Name} needs exactly one ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters); it has {yaml.Count}.");
                }
                else
                {
                    ReadParameterYaml(path, parameter, yaml[0], errors);
                }

                help.Parameters.Add(parameter);
            }
        }

        private static void ReadParameterYaml(string path, ParameterHelp parameter, Block yaml, HelpErrors errors)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var lines = yaml.Text.Split('\n');
            for (var l = 0; l < lines.Length; l++)
            {
                var line = lines[l];
                var lineNumber = yaml.Line + 1 + l;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    errors.Add(path, lineNumber, $"-{parameter.Name}: '{line.Trim()}' is not 'Key: value'.");
                    continue;
                }

                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (!seen.Add(key))
                {
                    errors.Add(path, lineNumber, $"-{parameter.Name}: '{key}' is given twice.");
                    continue;
                }

                switch (key.ToLowerInvariant())
                {
                    case "type":
                        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
                        {
                            errors.Add(path, lineNumber, $"-{parameter.Name}: Type '{value}' must be one type name such as String or String[].");
                        }

                        parameter.Type = value;
                        break;
                    case "parameter sets":
                        var sets = List(value);
                        if (sets.Count == 0)
                        {
                            errors.Add(path, lineNumber, $"-{parameter.Name}: Parameter Sets is empty; write (All) or the set names.");
                        }

                        parameter.ParameterSets = sets;
                        break;
                    case "aliases":
                        parameter.Aliases = value is "" or "None" or "none" ? Array.Empty<string>() : List(value);
                        break;
                    case "accepted values":
                        parameter.AcceptedValues = List(value);
                        break;
                    case "required":
                        parameter.Required = Boolean(path, lineNumber, parameter, key, value, errors);
                        break;
                    case "position":
                        if (string.Equals(value, "Named", StringComparison.OrdinalIgnoreCase))
                        {
                            parameter.Position = null;
                        }
                        else if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
                        {
                            parameter.Position = position;
                        }
                        else
                        {
                            errors.Add(path, lineNumber, $"-{parameter.Name}: Position '{value}' must be Named or a number.");
                        }

                        break;
                    case "default value":
                        parameter.DefaultValue = value.Length == 0 ? "None" : value;
                        break;
                    case "accept pipeline input":
                        if (value is not ("False" or "True (ByValue)" or "True (ByPropertyName)" or "True (ByValue, ByPropertyName)"))
                        {
                            errors.Add(path, lineNumber, $"-{parameter.Name}: Accept pipeline input '{value}' must be False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).");
                        }

                        parameter.PipelineInput = value;
                        break;
                    case "accept wildcard characters":
                        parameter.Globbing = Boolean(path, lineNumber, parameter, key, value, errors);
                        break;
                    case "dontshow":
                        parameter.DontShow = Boolean(path, lineNumber, parameter, key, value, errors);
                        break;
                    default:
                        errors.Add(path, lineNumber, $"-{parameter.Name}: unknown key '{key}'; use Type, Parameter Sets, Aliases, Accepted values, Required, Position, Default value, Accept pipeline input, Accept wildcard characters, DontShow.");
                        break;
                }
            }

            foreach (var required in new[] { "Type", "Parameter Sets", "Required", "Position", "Accept pipeline input" }.Where(k => !seen.Contains(k)))
            {
                errors.Add(path, yaml.Line, $"-{parameter.Name}: the yaml block has no '{required}:'.");
            }
        }

        private static bool Boolean(string path, int line, ParameterHelp parameter, string key, string value, HelpErrors errors)
        {
            if (bool.TryParse(value, out var result))
            {
                return result;
            }

            errors.Add(path, line, $"-{parameter.Name}: {key} '{value}' must be True or False.");
            return false;
        }

        private static List<string> List(string value) =>
            value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

        /// <summary>
        /// The '### SetName' (or '### SetName (Default)') headings give the parameter sets and their order; the code
        /// block under each must list exactly the parameters that ## PARAMETERS puts in that set.
        /// </summary>
        private static List<string> ReadSyntax(CommandHelp help, List<Block> blocks, int line, HelpErrors errors)
        {
            var path = help.SourcePath;
            var sets = new List<(string Name, int Line, Block? Code)>();
            if (blocks.Count > 0 && blocks[0].Kind == BlockKind.Code)
            {
                sets.Add((ParameterHelp.AllSets, blocks[0].Line, blocks[0]));
                if (blocks.Skip(1).Any(HasText))
                {
                    errors.Add(path, blocks[1].Line, "## SYNTAX with several parameter sets needs a '### SetName' heading above each code block.");
                }
            }
            else
            {
                foreach (var block in blocks)
                {
                    if (block.Kind == BlockKind.Heading && block.Level == 3)
                    {
                        var match = SetHeadingPattern.Match(block.Text.Trim());
                        if (!match.Success)
                        {
                            errors.Add(path, block.Line, $"'### {block.Text}' is not a parameter set heading; write '### SetName' or '### SetName (Default)'.");
                            continue;
                        }

                        sets.Add((match.Groups[1].Value, block.Line, null));
                    }
                    else if (block.Kind == BlockKind.Code && sets.Count > 0 && sets[^1].Code is null)
                    {
                        sets[^1] = sets[^1] with { Code = block };
                    }
                    else if (HasText(block))
                    {
                        errors.Add(path, block.Line, "## SYNTAX holds only '### SetName' headings, each with one code block.");
                    }
                }
            }

            if (sets.Count == 0)
            {
                errors.Add(path, line, "## SYNTAX is empty; remove it (the syntax is generated from ## PARAMETERS) or give one code block per parameter set.");
                return SetsFromParameters(help);
            }

            foreach (var (set, setLine, code) in sets)
            {
                if (code is null)
                {
                    errors.Add(path, setLine, $"the parameter set '{set}' has no syntax code block.");
                    continue;
                }

                var text = code.Text.Trim();
                if (!text.StartsWith(help.Name, StringComparison.Ordinal))
                {
                    errors.Add(path, code.Line, $"the syntax of '{set}' must start with {help.Name}.");
                }

                var listed = SyntaxParameterPattern.Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var documented = help.InSet(set).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var extra in listed.Except(documented, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(path, code.Line, $"the syntax of '{set}' lists -{extra}, but ## PARAMETERS does not put -{extra} in that set.");
                }

                foreach (var missing in documented.Except(listed, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(path, code.Line, $"the syntax of '{set}' does not list -{missing}, which ## PARAMETERS puts in that set.");
                }
            }

            return sets.Select(s => s.Name).ToList();
        }

        private static List<string> SetsFromParameters(CommandHelp help)
        {
            var named = help.Parameters.SelectMany(p => p.ParameterSets).Where(s => s != ParameterHelp.AllSets).Distinct(StringComparer.Ordinal).ToList();
            return named.Count > 0 ? named : new List<string> { ParameterHelp.AllSets };
        }

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

                var matches = LinkPattern.Matches(block.Text);
                if (matches.Count == 0)
                {
                    links.Add(new LinkHelp { Text = Inline.ToPlainText(block.Text.Trim()) });
                    continue;
                }

                foreach (Match match in matches)
                {
                    var target = match.Groups[2].Value;
                    var absolute = target.Contains("://", StringComparison.Ordinal);
                    links.Add(new LinkHelp { Text = match.Groups[1].Value, Uri = absolute ? target : string.Empty });
                }
            }
        }
    }
}
