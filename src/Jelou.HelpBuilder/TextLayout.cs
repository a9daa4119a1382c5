using System.Text;

namespace Jelou.HelpBuilder
{
    /// <summary>Plain-text layout shared by the MAML and about-topic writers: word wrapping and tables.</summary>
    internal static class TextLayout
    {
        /// <summary>The narrowest last column worth aligning; below it a table is written row by row instead.</summary>
        private const int MinimumLastColumn = 20;

        /// <summary>Splits <paramref name="text"/> into lines of at most <paramref name="width"/> characters (a longer word keeps a line of its own).</summary>
        public static List<string> Wrap(string text, int width)
        {
            var lines = new List<string>();
            var line = new StringBuilder();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                line.Append(word);
            }

            lines.Add(line.ToString());
            return lines;
        }

        /// <summary>
        /// A table (its cells already plain text) as text at most <paramref name="width"/> wide: columns aligned, a dashed line under the
        /// header, the last column wrapped under itself. When the first columns leave too little room, each row is
        /// written as its first cell followed by "Header: value" lines.
        /// </summary>
        public static List<string> Table(IReadOnlyList<IReadOnlyList<string>> rows, int width)
        {
            var cells = rows.Select(r => r.ToList()).ToList();
            var columns = cells.Max(r => r.Count);
            foreach (var row in cells)
            {
                while (row.Count < columns)
                {
                    row.Add(string.Empty);
                }
            }

            var lines = new List<string>();
            var widths = Enumerable.Range(0, columns).Select(c => cells.Max(r => r[c].Length)).ToList();
            var prefix = widths.Take(columns - 1).Sum(w => w + 2);
            var last = width - prefix;
            if (columns == 1 || last >= MinimumLastColumn)
            {
                last = Math.Max(last, MinimumLastColumn);
                for (var r = 0; r < cells.Count; r++)
                {
                    var start = new StringBuilder();
                    for (var c = 0; c < columns - 1; c++)
                    {
                        start.Append(cells[r][c].PadRight(widths[c] + 2));
                    }

                    var wrapped = Wrap(cells[r][columns - 1], last);
                    lines.Add((start + wrapped[0]).TrimEnd());
                    lines.AddRange(wrapped.Skip(1).Select(w => new string(' ', prefix) + w));
                    if (r == 0 && cells.Count > 1)
                    {
                        var dashes = widths.Select((w, c) => new string('-', Math.Max(3, c == columns - 1 ? Math.Min(w, last) : w)));
                        lines.Add(string.Join("  ", dashes));
                    }
                }

                return lines;
            }

            // Too wide to align: one block per row.
            var header = cells[0];
            foreach (var row in cells.Skip(1))
            {
                lines.AddRange(Wrap(row[0], width));
                for (var c = 1; c < columns; c++)
                {
                    lines.AddRange(Wrap(header[c] + ": " + row[c], width - 4).Select(w => "    " + w));
                }
            }

            return lines;
        }
    }
}
