using System.Text;
using System.Text.RegularExpressions;

namespace Jelou.HelpBuilder
{
    /// <summary>The kinds of block the help markdown is made of.</summary>
    internal enum BlockKind
    {
        Heading,
        Paragraph,
        ListItem,
        Code,
        Table,
    }

    /// <summary>
    /// One block of markdown with the line it starts on. Headings carry their level; list items their marker
    /// ("-" or "1."); code blocks their info string ("powershell", "yaml", ...); tables their rows of cells.
    /// </summary>
    internal sealed record Block(BlockKind Kind, string Text, int Line, int Level = 0, string Info = "", IReadOnlyList<IReadOnlyList<string>>? Rows = null);

    /// <summary>A markdown file split into front matter and blocks. Only the subset the help files use is understood.</summary>
    internal sealed class MarkdownDocument
    {
        private static readonly Regex HeadingPattern = new(@"^(#{1,6})\s+(.*?)\s*#*\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex ListPattern = new(@"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$", RegexOptions.CultureInvariant);
        private static readonly Regex FencePattern = new(@"^\s*(`{3,}|~{3,})\s*([\w+#.-]*)\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex TableSeparatorPattern = new(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$", RegexOptions.CultureInvariant);

        private MarkdownDocument(string path, IReadOnlyDictionary<string, string> frontMatter, IReadOnlyList<Block> blocks)
        {
            Path = path;
            FrontMatter = frontMatter;
            Blocks = blocks;
        }

        public string Path { get; }

        public IReadOnlyDictionary<string, string> FrontMatter { get; }

        public IReadOnlyList<Block> Blocks { get; }

        /// <summary>Splits <paramref name="text"/> into blocks; structural problems (an unclosed fence) are added to <paramref name="errors"/>.</summary>
        public static MarkdownDocument Parse(string path, string text, HelpErrors errors)
        {
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
            var blocks = new List<Block>();
            var frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var i = 0;

            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
                if (end < 0)
                {
                    errors.Add(path, 1, "the front matter that starts with '---' is never closed by another '---' line.");
                    return new MarkdownDocument(path, frontMatter, blocks);
                }

                for (var f = 1; f < end; f++)
                {
                    var colon = lines[f].IndexOf(':', StringComparison.Ordinal);
                    if (lines[f].Trim().Length == 0)
                    {
                        continue;
                    }

                    if (colon <= 0)
                    {
                        errors.Add(path, f + 1, $"front matter line '{lines[f].Trim()}' is not 'key: value'.");
                        continue;
                    }

                    frontMatter[lines[f][..colon].Trim()] = lines[f][(colon + 1)..].Trim();
                }

                i = end + 1;
            }

            var paragraph = new StringBuilder();
            var paragraphLine = 0;
            Block? listItem = null;
            var listText = new StringBuilder();

            void FlushParagraph()
            {
                if (paragraph.Length > 0)
                {
                    blocks.Add(new Block(BlockKind.Paragraph, paragraph.ToString(), paragraphLine));
                    paragraph.Clear();
                }

                if (listItem is not null)
                {
                    blocks.Add(listItem with { Text = listText.ToString() });
                    listItem = null;
                    listText.Clear();
                }
            }

            for (; i < lines.Length; i++)
            {
                var line = lines[i];
                var lineNumber = i + 1;

                var fence = FencePattern.Match(line);
                if (fence.Success)
                {
                    FlushParagraph();
                    var marker = fence.Groups[1].Value;
                    var info = fence.Groups[2].Value.ToLowerInvariant();
                    var indent = line.Length - line.TrimStart().Length;
                    var code = new List<string>();
                    var closed = false;
                    for (i++; i < lines.Length; i++)
                    {
                        var trimmed = lines[i].Trim();
                        if (trimmed.StartsWith(marker, StringComparison.Ordinal) && trimmed.Trim(marker[0]).Length == 0)
                        {
                            closed = true;
                            break;
                        }

                        // Code indented under a list item keeps its own indentation relative to the fence.
                        var content = lines[i];
                        var strip = Math.Min(indent, content.Length - content.TrimStart().Length);
                        code.Add(content[strip..]);
                    }

                    if (!closed)
                    {
                        errors.Add(path, lineNumber, $"the code block that starts here with '{marker}' is never closed.");
                    }

                    blocks.Add(new Block(BlockKind.Code, string.Join("\n", code), lineNumber, Info: info));
                    continue;
                }

                if (line.Trim().Length == 0)
                {
                    FlushParagraph();
                    continue;
                }

                var heading = HeadingPattern.Match(line);
                if (heading.Success && line.StartsWith('#'))
                {
                    FlushParagraph();
                    blocks.Add(new Block(BlockKind.Heading, heading.Groups[2].Value, lineNumber, Level: heading.Groups[1].Length));
                    continue;
                }

                if (line.TrimStart().StartsWith('|'))
                {
                    FlushParagraph();
                    var rows = new List<IReadOnlyList<string>>();
                    for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++)
                    {
                        var row = lines[i].Trim();
                        if (TableSeparatorPattern.IsMatch(row))
                        {
                            continue;
                        }

                        rows.Add(SplitRow(row));
                    }

                    i--;
                    blocks.Add(new Block(BlockKind.Table, string.Empty, lineNumber, Rows: rows));
                    continue;
                }

                var item = ListPattern.Match(line);
                if (item.Success)
                {
                    FlushParagraph();
                    listItem = new Block(BlockKind.ListItem, string.Empty, lineNumber, Level: item.Groups[1].Value.Length, Info: item.Groups[2].Value);
                    listText.Append(item.Groups[3].Value.Trim());
                    continue;
                }

                if (listItem is not null)
                {
                    // A wrapped list item: the continuation belongs to the item.
                    listText.Append(' ').Append(line.Trim());
                    continue;
                }

                if (paragraph.Length == 0)
                {
                    paragraphLine = lineNumber;
                }
                else
                {
                    paragraph.Append(' ');
                }

                paragraph.Append(line.Trim());
            }

            FlushParagraph();
            return new MarkdownDocument(path, frontMatter, blocks);
        }

        private static List<string> SplitRow(string row)
        {
            var cells = new List<string>();
            var cell = new StringBuilder();
            var inCode = false;
            var body = row.Trim();
            if (body.StartsWith('|'))
            {
                body = body[1..];
            }

            if (body.EndsWith('|') && !body.EndsWith("\\|", StringComparison.Ordinal))
            {
                body = body[..^1];
            }

            for (var c = 0; c < body.Length; c++)
            {
                var ch = body[c];
                if (ch == '\\' && c + 1 < body.Length && body[c + 1] == '|')
                {
                    cell.Append('|');
                    c++;
                }
                else if (ch == '`')
                {
                    inCode = !inCode;
                    cell.Append(ch);
                }
                else if (ch == '|' && !inCode)
                {
                    cells.Add(cell.ToString().Trim());
                    cell.Clear();
                }
                else
                {
                    cell.Append(ch);
                }
            }

            cells.Add(cell.ToString().Trim());
            return cells;
        }
    }

    /// <summary>Markdown inline syntax turned into the plain text Get-Help shows.</summary>
    internal static class Inline
    {
        public const char NoBreakSpace = '\u00A0';
        private const int GluedCodeSpanLength = 40;

        private static readonly Regex LinkPattern = new(@"\[([^\]]+)\]\(([^)\s]+)\)", RegexOptions.CultureInvariant);
        private static readonly Regex EscapePattern = new(@"\\([\\`*_{}\[\]()#+\-.!|<>])", RegexOptions.CultureInvariant);

        /// <summary>
        /// Removes code-span backticks and bold markers, writes links as "text (url)" (only "text" for links to other
        /// help files), and resolves backslash escapes. Single * and _ are left alone: they are wildcards and parts of
        /// names such as JELOU_CLIENT_ID far more often than emphasis here.
        /// </summary>
        public static string ToPlainText(string markdown) => ToPlainText(markdown, glueCodeSpans: false);

        /// <summary>
        /// As <see cref="ToPlainText(string)"/>; with <paramref name="glueCodeSpans"/>, the spaces of a short code span
        /// become no-break spaces so word wrapping keeps `-UserId { $_.phone }` on one line. The caller turns them
        /// back into spaces after wrapping.
        /// </summary>
        public static string ToPlainText(string markdown, bool glueCodeSpans)
        {
            var result = new StringBuilder(markdown.Length);
            var parts = markdown.Split('`');
            for (var p = 0; p < parts.Length; p++)
            {
                if (p % 2 == 1 && p < parts.Length - 1)
                {
                    // Inside a code span: verbatim.
                    result.Append(glueCodeSpans && parts[p].Length <= GluedCodeSpanLength ? parts[p].Replace(' ', NoBreakSpace) : parts[p]);
                    continue;
                }

                var text = parts[p];
                if (p % 2 == 1)
                {
                    // An unmatched backtick: keep it.
                    result.Append('`');
                }

                text = LinkPattern.Replace(text, m =>
                {
                    var label = m.Groups[1].Value;
                    var target = m.Groups[2].Value;
                    var isHelpFile = !target.Contains("://", StringComparison.Ordinal);
                    return isHelpFile || string.Equals(label, target, StringComparison.Ordinal) ? label : $"{label} ({target})";
                });
                text = text.Replace("**", string.Empty, StringComparison.Ordinal);
                text = EscapePattern.Replace(text, "$1");
                result.Append(text);
            }

            return result.ToString();
        }
    }
}
