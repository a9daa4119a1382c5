using System.Globalization;

namespace Jelou.Campaigns
{
    /// <summary>One broken CSV rule, with where it is: the row and column as a spreadsheet shows them.</summary>
    public sealed class CampaignFileProblem
    {
        internal CampaignFileProblem(string location, long? row, string? column, string message)
        {
            Location = location;
            Row = row;
            Column = column;
            Message = message;
        }

        /// <summary>The row as a spreadsheet numbers it (the header is row 1), or the input object's number for pipeline input; null for the whole file.</summary>
        public long? Row { get; }

        /// <summary>The column's header name, when the problem is in one column.</summary>
        public string? Column { get; }

        /// <summary>Where, in words: "Row 3, column 'monto' (C)", "Header", "File".</summary>
        public string Location { get; }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; }

        /// <inheritdoc />
        public override string ToString() => Location + ": " + Message;
    }

    /// <summary>What checking a campaign's CSV found, and the bytes to upload when it passed.</summary>
    public sealed class CampaignFileCheck
    {
        internal CampaignFileCheck(IReadOnlyList<CampaignFileProblem> problems, IReadOnlyList<string> notes, IReadOnlyList<string> columns, int rowCount, byte[]? content, string encoding)
        {
            Problems = problems;
            Notes = notes;
            Columns = columns;
            RowCount = rowCount;
            Content = content;
            Encoding = encoding;
        }

        /// <summary>Every broken rule, in file order (file, header, then rows); empty when the file may be uploaded.</summary>
        public IReadOnlyList<CampaignFileProblem> Problems { get; }

        /// <summary>What was changed on the way (an encoding converted, a byte order mark dropped), for Verbose output.</summary>
        public IReadOnlyList<string> Notes { get; }

        /// <summary>The header's column names, in order.</summary>
        public IReadOnlyList<string> Columns { get; }

        /// <summary>Data rows (recipients), the header not counted.</summary>
        public int RowCount { get; }

        /// <summary>The file as UTF-8 without a byte order mark, the bytes to upload; null when it could not be decoded.</summary>
        public byte[]? Content { get; }

        /// <summary>The encoding the file was read in: UTF-8, UTF-8 with BOM, UTF-16 LE, UTF-16 BE, Windows-1252, ...</summary>
        public string Encoding { get; }

        /// <summary>True when no rule is broken.</summary>
        public bool Passed => Problems.Count == 0;

        /// <summary>
        /// The problems as one text, one per line, at most <paramref name="max"/> of them and then how many more.
        /// </summary>
        public string Describe(int max = 50)
        {
            var lines = Problems.Take(max).Select(p => "  " + p).ToList();
            if (Problems.Count > max)
            {
                lines.Add("  ... and " + (Problems.Count - max).ToString(CultureInfo.InvariantCulture) + " more.");
            }

            return string.Join(Environment.NewLine, lines);
        }
    }
}
