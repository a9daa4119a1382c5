using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
    /// One block of markdown, already reduced to the plain text Get-Help shows, with the line (from 1) it starts on.
    /// Headings carry their level; list items their indentation and marker ("-" or "1."); code blocks their info
    /// string ("powershell", "yaml", ...); tables their rows of cells; paragraphs and list items the links they hold.
    /// </summary>
    internal sealed record Block(BlockKind Kind, string Text, int Line, int Level = 0, string Info = "")
    {
        /// <summary>As <see cref="Text"/>, with the spaces of short code spans made no-break (see <see cref="Inline.NoBreakSpace"/>).</summary>
        public string Glued { get; init; } = Text;

        public IReadOnlyList<IReadOnlyList<string>>? Rows { get; init; }

        public IReadOnlyList<(string Label, string Url)> Links { get; init; } = Array.Empty<(string, string)>();
    }

    /// <summary>
    /// A help markdown file parsed by Markdig (CommonMark with pipe tables and YAML front matter, read by YamlDotNet)
    /// and flattened into <see cref="Block"/>s. What help has no use for (block quotes, HTML, rules) is an error.
    /// </summary>
    internal sealed class MarkdownDocument
    {
        private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
            .UseYamlFrontMatter()
            .UsePipeTables()
            .Build();

        private MarkdownDocument(string path, IReadOnlyDictionary<string, YamlNode> frontMatter, IReadOnlyList<Block> blocks)
        {
            Path = path;
            FrontMatter = frontMatter;
            Blocks = blocks;
        }

        public string Path { get; }

        /// <summary>The top-level keys of the YAML front matter (case-insensitive).</summary>
        public IReadOnlyDictionary<string, YamlNode> FrontMatter { get; }

        public IReadOnlyList<Block> Blocks { get; }

        /// <summary>A front matter value as one string, or null when the key is missing or not a scalar.</summary>
        public string? FrontMatterText(string key) =>
            FrontMatter.TryGetValue(key, out var node) && node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : null;

        /// <summary>A front matter value as a list: a scalar is a list of one, a sequence its scalars.</summary>
        public IReadOnlyList<string> FrontMatterList(string key) => !FrontMatter.TryGetValue(key, out var node)
            ? Array.Empty<string>()
            : node switch
            {
                YamlScalarNode scalar => string.IsNullOrWhiteSpace(scalar.Value) ? Array.Empty<string>() : new[] { scalar.Value.Trim() },
                YamlSequenceNode sequence => sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).Where(s => s.Length > 0).ToList(),
                _ => Array.Empty<string>(),
            };

        /// <summary>Parses <paramref name="text"/>; what cannot be used (an unclosed fence or front matter) is added to <paramref name="errors"/>.</summary>
        public static MarkdownDocument Parse(string path, string text, HelpErrors errors)
        {
            var markdown = Markdown.Parse(text, Pipeline);
            var frontMatter = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
            var blocks = new List<Block>();
            var sawFrontMatter = false;
            foreach (var block in markdown)
            {
                if (block is YamlFrontMatterBlock yaml)
                {
                    sawFrontMatter = true;
                    ReadFrontMatter(path, yaml, frontMatter, errors);
                    continue;
                }

                Flatten(path, block, blocks, errors);
            }

            if (!sawFrontMatter && text.StartsWith("---", StringComparison.Ordinal))
            {
                errors.Add(path, 1, "the front matter that starts with '---' is never closed by another '---' line.");
            }

            return new MarkdownDocument(path, frontMatter, blocks);
        }

        private static void ReadFrontMatter(string path, YamlFrontMatterBlock block, Dictionary<string, YamlNode> frontMatter, HelpErrors errors)
        {
            var yaml = string.Join("\n", block.Lines.Lines.Take(block.Lines.Count).Select(l => l.Slice.ToString()));
            var firstLine = block.Line + 2;
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(yaml));
                if (stream.Documents.Count == 0)
                {
                    return;
                }

                if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
                {
                    errors.Add(path, firstLine, "the front matter must be 'key: value' lines.");
                    return;
                }

                foreach (var (key, value) in mapping.Children)
                {
                    frontMatter[((YamlScalarNode)key).Value ?? string.Empty] = value;
                }
            }
            catch (YamlException ex)
            {
                errors.Add(path, firstLine + (int)Math.Max(0, ex.Start.Line - 1), "the front matter is not valid YAML: " + ex.Message);
            }
        }

        private static void Flatten(string path, Markdig.Syntax.Block block, List<Block> blocks, HelpErrors errors)
        {
            var line = block.Line + 1;
            switch (block)
            {
                case HeadingBlock heading:
                    var title = Inline.Render(heading.Inline);
                    blocks.Add(new Block(BlockKind.Heading, title.Text.Trim(), line, Level: heading.Level));
                    break;
                case ParagraphBlock paragraph:
                    var text = Inline.Render(paragraph.Inline);
                    blocks.Add(new Block(BlockKind.Paragraph, text.Text, line) { Glued = text.Glued, Links = text.Links });
                    break;
                case FencedCodeBlock fenced:
                    if (fenced.ClosingFencedCharCount == 0)
                    {
                        errors.Add(path, line, $"the code block that starts here with '{new string(fenced.FencedChar, fenced.OpeningFencedCharCount)}' is never closed.");
                    }

                    blocks.Add(new Block(BlockKind.Code, CodeText(fenced), line, Info: (fenced.Info ?? string.Empty).ToLowerInvariant()));
                    break;
                case CodeBlock indented:
                    blocks.Add(new Block(BlockKind.Code, CodeText(indented), line));
                    break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        var marker = list.IsOrdered ? item.Order.ToString(System.Globalization.CultureInfo.InvariantCulture) + list.OrderedDelimiter : list.BulletType.ToString();
                        var first = true;
                        foreach (var child in item)
                        {
                            if (first && child is ParagraphBlock itemParagraph)
                            {
                                var itemText = Inline.Render(itemParagraph.Inline);
                                blocks.Add(new Block(BlockKind.ListItem, itemText.Text, item.Line + 1, Level: item.Column, Info: marker) { Glued = itemText.Glued, Links = itemText.Links });
                            }
                            else
                            {
                                Flatten(path, child, blocks, errors);
                            }

                            first = false;
                        }
                    }

                    break;
                case Table table:
                    var rows = table.OfType<TableRow>()
                        .Select(r => (IReadOnlyList<string>)r.OfType<TableCell>().Select(c => string.Join(" ", c.OfType<ParagraphBlock>().Select(p => Inline.Render(p.Inline).Text)).Trim()).ToList())
                        .ToList();
                    blocks.Add(new Block(BlockKind.Table, string.Empty, line) { Rows = rows });
                    break;
                case LinkReferenceDefinitionGroup:
                case BlankLineBlock:
                    break;
                default:
                    errors.Add(path, line, $"help markdown has no use for a {Describe(block)}; write paragraphs, lists, tables and code blocks.");
                    break;
            }
        }

        private static string Describe(Markdig.Syntax.Block block) => block switch
        {
            QuoteBlock => "block quote",
            HtmlBlock => "HTML block",
            ThematicBreakBlock => "horizontal rule",
            _ => block.GetType().Name,
        };

        private static string CodeText(LeafBlock code)
        {
            var lines = code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString());
            return string.Join("\n", lines);
        }
    }

    /// <summary>Markdown inline content turned into the plain text Get-Help shows.</summary>
    internal static class Inline
    {
        public const char NoBreakSpace = '\u00A0';
        private const int GluedCodeSpanLength = 40;

        /// <summary>The plain text of an inline run, its glued variant and its links.</summary>
        internal sealed record Rendered(string Text, string Glued, IReadOnlyList<(string Label, string Url)> Links);

        /// <summary>
        /// Code spans keep their content and lose their backticks; bold loses its markers; a link becomes "text (url)"
        /// (only "text" for links to other help files); escapes are resolved. Single * and _ emphasis keeps its
        /// markers: they are wildcards and parts of names such as JELOU_CLIENT_ID far more often than emphasis here.
        /// In <see cref="Rendered.Glued"/> the spaces of a short code span become no-break spaces, so word wrapping
        /// keeps `-UserId { $_.phone }` on one line; the caller turns them back into spaces after wrapping.
        /// </summary>
        public static Rendered Render(ContainerInline? inlines)
        {
            var text = new StringBuilder();
            var glued = new StringBuilder();
            var links = new List<(string, string)>();
            if (inlines is not null)
            {
                Append(inlines, text, glued, links);
            }

            return new Rendered(text.ToString(), glued.ToString(), links);
        }

        private static void Append(ContainerInline container, StringBuilder text, StringBuilder glued, List<(string, string)> links)
        {
            foreach (var inline in container)
            {
                switch (inline)
                {
                    case CodeInline code:
                        text.Append(code.Content);
                        glued.Append(code.Content.Length <= GluedCodeSpanLength ? code.Content.Replace(' ', NoBreakSpace) : code.Content);
                        break;
                    case LinkInline link when !link.IsImage:
                        var label = Render(link);
                        var target = link.Url ?? string.Empty;
                        var isHelpFile = !target.Contains("://", StringComparison.Ordinal);
                        var shown = isHelpFile || string.Equals(label.Text, target, StringComparison.Ordinal) ? label.Text : $"{label.Text} ({target})";
                        text.Append(shown);
                        glued.Append(isHelpFile || string.Equals(label.Text, target, StringComparison.Ordinal) ? label.Glued : $"{label.Glued} ({target})");
                        links.Add((label.Text, target));
                        break;
                    case EmphasisInline emphasis:
                        var marker = emphasis.DelimiterCount == 1 ? emphasis.DelimiterChar.ToString() : string.Empty;
                        text.Append(marker);
                        glued.Append(marker);
                        Append(emphasis, text, glued, links);
                        text.Append(marker);
                        glued.Append(marker);
                        break;
                    case LineBreakInline:
                        text.Append(' ');
                        glued.Append(' ');
                        break;
                    case HtmlEntityInline entity:
                        text.Append(entity.Original.ToString());
                        glued.Append(entity.Original.ToString());
                        break;
                    case HtmlInline html:
                        text.Append(html.Tag);
                        glued.Append(html.Tag);
                        break;
                    case AutolinkInline autolink:
                        text.Append(autolink.Url);
                        glued.Append(autolink.Url);
                        break;
                    case LiteralInline literal:
                        text.Append(literal.Content.ToString());
                        glued.Append(literal.Content.ToString());
                        break;
                    case ContainerInline nested:
                        Append(nested, text, glued, links);
                        break;
                    default:
                        text.Append(inline.ToString());
                        glued.Append(inline.ToString());
                        break;
                }
            }
        }
    }
}
