using System.Text;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// Turns about_Name.md into about_Name.help.txt, the plain-text layout Get-Help shows for conceptual topics:
    /// TOPIC, SHORT DESCRIPTION and LONG DESCRIPTION headings at the margin, text indented four spaces and wrapped
    /// at 80 columns, code indented eight. Get-Help reads the synopsis from the lines under SHORT DESCRIPTION.
    /// </summary>
    internal static class AboutTopicWriter
    {
        private const int Width = 80;
        private const string NewLine = "\r\n";

        public static string? Convert(MarkdownDocument document, HelpErrors errors)
        {
            var path = document.Path;
            var expected = System.IO.Path.GetFileNameWithoutExtension(path);
            var blocks = document.Blocks;
            if (blocks.Count == 0 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1 || !string.Equals(blocks[0].Text.Trim(), expected, StringComparison.Ordinal))
            {
                errors.Add(path, blocks.Count == 0 ? 1 : blocks[0].Line, $"an about topic must start with '# {expected}'.");
                return null;
            }

            var sections = CommandHelpParser.SplitSections(document, blocks.Skip(1).ToList(), errors, Array.Empty<string>());
            foreach (var required in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION" }.Where(r => !sections.ContainsKey(r)))
            {
                errors.Add(path, $"'## {required}' is missing.");
            }

            if (sections.TryGetValue("SHORT DESCRIPTION", out var shortDescription)
                && (shortDescription.Blocks.Count != 1 || shortDescription.Blocks[0].Kind != BlockKind.Paragraph))
            {
                errors.Add(path, shortDescription.Line, "## SHORT DESCRIPTION must be exactly one paragraph (Get-Help shows it as the topic's synopsis).");
            }

            foreach (var (title, section) in sections)
            {
                if (!section.Blocks.Any(b => b.Kind != BlockKind.Heading))
                {
                    errors.Add(path, section.Line, $"## {title} is empty.");
                }
            }

            var text = new StringBuilder();
            text.Append("TOPIC").Append(NewLine).Append("    ").Append(expected).Append(NewLine);
            foreach (var (title, section) in sections.OrderBy(s => s.Value.Line))
            {
                text.Append(NewLine).Append(title.ToUpperInvariant()).Append(NewLine);
                var first = true;
                foreach (var block in section.Blocks)
                {
                    // A list continues a list without a blank line between its items.
                    if (!first && !(block.Kind == BlockKind.ListItem && text.Length > 0 && LastBlockWasListItem(section.Blocks, block)))
                    {
                        text.Append(NewLine);
                    }

                    first = false;
                    Append(text, block);
                }
            }

            return text.ToString();
        }

        private static bool LastBlockWasListItem(List<Block> blocks, Block block)
        {
            var index = blocks.IndexOf(block);
            return index > 0 && blocks[index - 1].Kind == BlockKind.ListItem;
        }

        private static void Append(StringBuilder text, Block block)
        {
            switch (block.Kind)
            {
                case BlockKind.Heading:
                    var heading = block.Text;
                    text.Append("  ").Append(heading).Append(NewLine);
                    if (block.Level == 3)
                    {
                        text.Append("  ").Append(new string('-', heading.Length)).Append(NewLine);
                    }

                    break;
                case BlockKind.Paragraph:
                    Wrap(text, block.Glued, "    ", "    ");
                    break;
                case BlockKind.ListItem:
                    var indent = new string(' ', 4 + block.Level);
                    var marker = block.Info + " ";
                    Wrap(text, block.Glued, indent + marker, indent + new string(' ', marker.Length));
                    break;
                case BlockKind.Code:
                    foreach (var line in block.Text.Split('\n'))
                    {
                        text.Append(line.Length == 0 ? string.Empty : "        " + line).Append(NewLine);
                    }

                    break;
                case BlockKind.Table:
                    foreach (var line in TextLayout.Table(block.Rows!, Width - 4))
                    {
                        text.Append(line.Length == 0 ? string.Empty : "    " + line).Append(NewLine);
                    }

                    break;
            }
        }

        /// <summary>Word-wraps at <see cref="Width"/> columns, the first line after <paramref name="firstIndent"/>, the others after <paramref name="indent"/>.</summary>
        private static void Wrap(StringBuilder text, string paragraph, string firstIndent, string indent)
        {
            var lines = TextLayout.Wrap(paragraph, Width - indent.Length);
            for (var i = 0; i < lines.Count; i++)
            {
                text.Append(i == 0 ? firstIndent : indent).Append(lines[i].Replace(Inline.NoBreakSpace, ' ')).Append(NewLine);
            }
        }
    }
}
