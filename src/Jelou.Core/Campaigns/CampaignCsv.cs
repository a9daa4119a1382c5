using System.Globalization;
using System.Text;
using Jelou.Templates;
using Jelou.Validation;

namespace Jelou.Campaigns
{
    /// <summary>
    /// The CSV rules of POST /v1/hsm/file (jelou-api.md §5.2), checked before anything is uploaded, and the CSV written
    /// for pipeline input. Rules: a .csv file in UTF-8 (another encoding is converted when it can be told, else refused
    /// with the fix); a header row; column names of letters, digits and <c>_</c>; a first column of phone numbers with
    /// the country code and no <c>+</c>; every mapped column present; no mapped cell empty. Every problem names its row
    /// and column, as a spreadsheet shows them (the header is row 1).
    /// </summary>
    public static class CampaignCsv
    {
        // Windows-1252's 0x80..0x9F; 0 marks the five bytes it leaves undefined, which say the file is not Windows-1252.
        private static readonly char[] Cp1252High =
        {
            '\u20AC', '\0', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\0', '\u017D', '\0',
            '\0', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\0', '\u017E', '\u0178',
        };

        private const string SaveAsUtf8 = "Save it as UTF-8: in Excel, Save As \"CSV UTF-8 (Comma delimited) (*.csv)\"; in PowerShell, Get-Content -Path old.csv -Encoding <its encoding> | Set-Content -Path new.csv -Encoding utf8.";

        /// <summary>
        /// Checks a campaign file. <paramref name="fromPipeline"/> words the locations for a file written from pipeline
        /// objects ("Input object 3", "property 'monto'") instead of a file's rows.
        /// </summary>
        /// <param name="bytes">The file as read.</param>
        /// <param name="fileName">Its name, for the extension rule.</param>
        /// <param name="map">The parameter map, whose columns must exist and be filled in every row.</param>
        /// <param name="fromPipeline">True for a file this module wrote from pipeline input.</param>
        public static CampaignFileCheck Check(byte[] bytes, string fileName, IReadOnlyList<CampaignParameter> map, bool fromPipeline = false)
        {
            if (bytes is null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }

            map ??= Array.Empty<CampaignParameter>();
            var where = new Locator(fromPipeline);
            var problems = new List<CampaignFileProblem>();
            var notes = new List<string>();
            if (!string.Equals(Path.GetExtension(fileName ?? string.Empty), ".csv", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(where.File($"'{Path.GetFileName(fileName)}' does not end in .csv; the API takes only .csv files. Save it as CSV (Excel: Save As \"CSV UTF-8\"), or rename it if it already is one."));
            }

            if (bytes.Length == 0)
            {
                problems.Add(where.File("the file is empty; it needs a header row naming the columns (phone first) and one row per recipient."));
                return new CampaignFileCheck(problems, notes, Array.Empty<string>(), 0, null, "empty");
            }

            if (!TryDecode(bytes, out var text, out var encoding, out var problem))
            {
                problems.Add(where.File(problem!));
                return new CampaignFileCheck(problems, notes, Array.Empty<string>(), 0, null, encoding);
            }

            byte[] content = bytes;
            if (encoding != "UTF-8")
            {
                content = new UTF8Encoding(false).GetBytes(text);
                notes.Add(encoding == "UTF-8 with BOM"
                    ? "The file is UTF-8 with a byte order mark; it is uploaded without the mark, so the first column's name reads as written."
                    : $"The file is not UTF-8: it was read as {encoding} and is uploaded converted to UTF-8. Check that accented names (José, Muñoz) read right in the problems or the campaign.");
            }

            var records = Parse(text, out var parseProblem);
            if (parseProblem is { } unclosed)
            {
                problems.Add(where.Row(unclosed.Row, null, -1, unclosed.Message));
            }

            if (records.Count == 0 || records[0].All(string.IsNullOrWhiteSpace))
            {
                problems.Add(where.Header("the first row is empty; it must be a header naming the columns, the phone column first, such as phone,nombre,monto."));
                return new CampaignFileCheck(problems, notes, Array.Empty<string>(), Math.Max(0, records.Count - 1), content, encoding);
            }

            var header = records[0];
            if (header.Count == 1 && (header[0].IndexOf(';') >= 0 || header[0].IndexOf('\t') >= 0))
            {
                var separator = header[0].IndexOf(';') >= 0 ? "';'" : "tabs";
                problems.Add(where.Header($"the columns are separated by {separator}, not commas (Excel does this in some regional settings). Save the file with commas, or read it with Import-Csv -Delimiter and pipe the rows to Start-JelouCampaign."));
                return new CampaignFileCheck(problems, notes, header, records.Count - 1, content, encoding);
            }

            CheckHeader(header, where, problems);
            var mapped = CheckMap(header, map, where, problems);
            var rows = 0;
            for (var r = 1; r < records.Count; r++)
            {
                rows++;
                CheckRow(records[r], r + 1, header, mapped, where, problems);
            }

            if (rows == 0)
            {
                problems.Add(where.File("the file has a header but no rows; add one row per recipient."));
            }

            return new CampaignFileCheck(problems, notes, header, rows, content, encoding);
        }

        /// <summary>
        /// The documented CSV (RFC 4180: commas, CRLF, quotes where a cell needs them) in UTF-8 without a byte order mark,
        /// for rows that came down the pipeline. The phone column must come first in <paramref name="header"/>.
        /// </summary>
        public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
        {
            if (header is null)
            {
                throw new ArgumentNullException(nameof(header));
            }

            if (rows is null)
            {
                throw new ArgumentNullException(nameof(rows));
            }

            var text = new StringBuilder();
            AppendRecord(text, header);
            foreach (var row in rows)
            {
                AppendRecord(text, row);
            }

            return new UTF8Encoding(false).GetBytes(text.ToString());
        }

        /// <summary>True for a header name the API takes: ASCII letters, digits and <c>_</c>, at least one.</summary>
        public static bool IsValidColumnName(string? name) =>
            !string.IsNullOrEmpty(name) && name!.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_');

        /// <summary>A valid name close to <paramref name="name"/>: accents dropped, anything else made <c>_</c>.</summary>
        public static string SuggestColumnName(string name)
        {
            var plain = new StringBuilder();
            foreach (var c in (name ?? string.Empty).Trim().Normalize(NormalizationForm.FormD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                plain.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' ? c : '_');
            }

            var suggestion = plain.ToString().Trim('_');
            while (suggestion.Contains("__"))
            {
                suggestion = suggestion.Replace("__", "_");
            }

            return suggestion.Length == 0 ? "column" : suggestion;
        }

        /// <summary>
        /// Decodes the file: UTF-8 (with or without BOM), UTF-16 and UTF-32 with their BOM, else Windows-1252 when the bytes
        /// are not UTF-8 but are all Windows-1252. False, with the fix, when the encoding cannot be told.
        /// </summary>
        internal static bool TryDecode(byte[] bytes, out string text, out string encoding, out string? problem)
        {
            text = string.Empty;
            problem = null;
            Encoding? bomEncoding = null;
            var skip = 0;
            if (StartsWith(bytes, 0xEF, 0xBB, 0xBF))
            {
                (bomEncoding, encoding, skip) = (new UTF8Encoding(false, true), "UTF-8 with BOM", 3);
            }
            else if (StartsWith(bytes, 0xFF, 0xFE, 0x00, 0x00))
            {
                (bomEncoding, encoding, skip) = (new UTF32Encoding(false, false, true), "UTF-32 LE", 4);
            }
            else if (StartsWith(bytes, 0x00, 0x00, 0xFE, 0xFF))
            {
                (bomEncoding, encoding, skip) = (new UTF32Encoding(true, false, true), "UTF-32 BE", 4);
            }
            else if (StartsWith(bytes, 0xFF, 0xFE))
            {
                (bomEncoding, encoding, skip) = (new UnicodeEncoding(false, false, true), "UTF-16 LE", 2);
            }
            else if (StartsWith(bytes, 0xFE, 0xFF))
            {
                (bomEncoding, encoding, skip) = (new UnicodeEncoding(true, false, true), "UTF-16 BE", 2);
            }
            else
            {
                encoding = "UTF-8";
            }

            if (bomEncoding is not null)
            {
                try
                {
                    text = bomEncoding.GetString(bytes, skip, bytes.Length - skip);
                    return true;
                }
                catch (DecoderFallbackException)
                {
                    problem = $"the file starts with the byte order mark of {encoding} but is not valid {encoding} after it. " + SaveAsUtf8;
                    return false;
                }
            }

            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-8: told apart below.
            }

            var bad = FirstInvalidUtf8(bytes);
            var at = $"(byte 0x{bytes[bad]:X2} at offset {bad.ToString(CultureInfo.InvariantCulture)} is not UTF-8)";
            if (Array.IndexOf(bytes, (byte)0) >= 0)
            {
                encoding = "unknown";
                problem = $"the file is not UTF-8 {at} and holds zero bytes, as UTF-16 without a byte order mark does, so its encoding cannot be told. " + SaveAsUtf8;
                return false;
            }

            var chars = new char[bytes.Length];
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var c = b is >= 0x80 and <= 0x9F ? Cp1252High[b - 0x80] : (char)b;
                if (c == '\0')
                {
                    encoding = "unknown";
                    problem = $"the file is not UTF-8 {at}, nor Windows-1252 (byte 0x{b:X2} at offset {i.ToString(CultureInfo.InvariantCulture)} has no character there), so its encoding cannot be told. " + SaveAsUtf8;
                    return false;
                }

                chars[i] = c;
            }

            encoding = "Windows-1252";
            text = new string(chars);
            return true;
        }

        /// <summary>
        /// RFC 4180 records: commas, quoted cells (with "" for a quote, and line breaks inside), CRLF or LF. A line
        /// break at the very end ends the last record; it does not start an empty one.
        /// </summary>
        internal static List<List<string>> Parse(string text, out (long Row, string Message)? problem)
        {
            problem = null;
            var records = new List<List<string>>();
            var record = new List<string>();
            var cell = new StringBuilder();
            var quoted = false;
            var cellStarted = false;
            long quoteRow = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i++;
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        cell.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when !cellStarted:
                        quoted = true;
                        cellStarted = true;
                        quoteRow = records.Count + 1;
                        break;
                    case ',':
                        record.Add(cell.ToString());
                        cell.Clear();
                        cellStarted = false;
                        break;
                    case '\r' or '\n':
                        if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                        {
                            i++;
                        }

                        record.Add(cell.ToString());
                        cell.Clear();
                        cellStarted = false;
                        records.Add(record);
                        record = new List<string>();
                        break;
                    default:
                        cell.Append(c);
                        cellStarted = true;
                        break;
                }
            }

            if (quoted)
            {
                problem = (quoteRow, "a quoted cell is opened with \" and never closed, so the rest of the file reads as one cell. Close the quote, or write a quote inside a cell as \"\".");
            }

            if (cellStarted || cell.Length > 0 || record.Count > 0)
            {
                record.Add(cell.ToString());
                records.Add(record);
            }

            return records;
        }

        private static void CheckHeader(List<string> header, Locator where, List<CampaignFileProblem> problems)
        {
            var first = header[0].Trim();
            if (first.Length >= 8 && first.All(char.IsDigit))
            {
                problems.Add(where.Header($"the first row starts with '{first}', a phone number, not a column name: the file has no header row. Add one naming the columns, the phone column first, such as phone,nombre,monto."));
                return;
            }

            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                var name = header[i];
                if (name.Length == 0)
                {
                    problems.Add(where.HeaderCell(i, null, "the column has no name; give every column a name of letters, digits and _ (or delete the empty column)."));
                }
                else if (!IsValidColumnName(name))
                {
                    problems.Add(where.HeaderCell(i, name, $"'{name}' has characters other than letters, digits and _ (no spaces, accents or punctuation); rename it, such as '{SuggestColumnName(name)}'."));
                }

                if (name.Length > 0 && seen.TryGetValue(name, out var earlier))
                {
                    problems.Add(where.HeaderCell(i, name, $"'{name}' is also the name of column {Letter(earlier)}; every column needs its own name."));
                }
                else if (name.Length > 0)
                {
                    seen[name] = i;
                }
            }
        }

        private static List<(CampaignParameter Parameter, int Index)> CheckMap(List<string> header, IReadOnlyList<CampaignParameter> map, Locator where, List<CampaignFileProblem> problems)
        {
            var mapped = new List<(CampaignParameter, int)>();
            foreach (var parameter in map)
            {
                var index = header.IndexOf(parameter.Column);
                if (index >= 0)
                {
                    mapped.Add((parameter, index));
                    continue;
                }

                var exactCase = header.FirstOrDefault(h => string.Equals(h, parameter.Column, StringComparison.OrdinalIgnoreCase));
                var hint = exactCase is not null
                    ? $" The {where.HeaderWord} has '{exactCase}'; names must match exactly, case included."
                    : TemplatePreflight.CloseNames(parameter.Column, header) is { Count: > 0 } close
                        ? " Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "?"
                        : string.Empty;
                problems.Add(where.Header($"column '{parameter.Column}', which -ParameterMap gives for {parameter.Placeholder}, is not in the {where.HeaderWord} ({string.Join(", ", header)}).{hint}"));
            }

            return mapped;
        }

        private static void CheckRow(List<string> cells, long row, List<string> header, List<(CampaignParameter Parameter, int Index)> mapped, Locator where, List<CampaignFileProblem> problems)
        {
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                problems.Add(where.Row(row, null, -1, "the row is empty; delete it (the API would read it as a recipient without a phone number)."));
                return;
            }

            if (cells.Count != header.Count)
            {
                problems.Add(where.Row(row, null, -1, $"the row has {cells.Count.ToString(CultureInfo.InvariantCulture)} cells and the {where.HeaderWord} {header.Count.ToString(CultureInfo.InvariantCulture)}; a comma inside a value needs the value in quotes (\"Pérez, Ana\")."));
            }

            if (PhoneProblem(cells[0]) is { } phone)
            {
                problems.Add(where.Row(row, header[0], 0, phone));
            }

            var checker = new RuleChecker();
            foreach (var (parameter, index) in mapped)
            {
                var value = index < cells.Count ? cells[index] : null;
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add(where.Row(row, parameter.Column, index, $"is empty, and it fills {parameter.Placeholder} of the template; WhatsApp rejects an empty value. Fill it, or leave the row out."));
                    continue;
                }

                var before = checker.Problems.Count;
                checker.Text(parameter.Column, value);
                for (var p = before; p < checker.Problems.Count; p++)
                {
                    problems.Add(where.Row(row, parameter.Column, index, checker.Problems[p].Message));
                }
            }
        }

        /// <summary>The recipient rules of the other cmdlets (RuleChecker), plus the file's own: digits only, no '+'.</summary>
        internal static string? PhoneProblem(string raw)
        {
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                return "the phone number is empty; the first column holds each recipient's number with its country code, such as 593987654321.";
            }

            var checker = new RuleChecker();
            var normalized = checker.Recipient("phone", trimmed);
            if (checker.Problems.Count > 0)
            {
                return checker.Problems[0].Message;
            }

            if (trimmed[0] == '+')
            {
                return $"'{trimmed}' starts with '+'; the file's numbers have the country code and no '+'. Write {(IsDigits(normalized) ? normalized : trimmed.Substring(1))}.";
            }

            if (!string.Equals(normalized, trimmed, StringComparison.Ordinal) && IsDigits(normalized))
            {
                return $"'{trimmed}' has spaces or signs between the digits; write it as digits only: {normalized}.";
            }

            if (!string.Equals(raw, trimmed, StringComparison.Ordinal))
            {
                return $"'{raw}' has spaces around the number; write {trimmed}.";
            }

            if (!IsDigits(trimmed))
            {
                return $"'{trimmed}' is not a phone number; the first column holds each recipient's number, digits only with the country code, such as 593987654321.";
            }

            if (trimmed[0] == '0')
            {
                return $"'{trimmed}' starts with 0, so it lacks the country code (or has a trunk or 00 prefix); write the country code and the number, such as 593987654321.";
            }

            return trimmed.Length is < 8 or > 15
                ? $"'{trimmed}' has {trimmed.Length.ToString(CultureInfo.InvariantCulture)} digits; with its country code a phone number has 8 to 15."
                : null;
        }

        private static void AppendRecord(StringBuilder text, IReadOnlyList<string?> cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                var cell = cells[i] ?? string.Empty;
                var quote = cell.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 || (cell.Length > 0 && (char.IsWhiteSpace(cell[0]) || char.IsWhiteSpace(cell[cell.Length - 1])));
                text.Append(quote ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell);
            }

            text.Append("\r\n");
        }

        private static bool IsDigits(string value) => value.Length > 0 && value.All(c => c is >= '0' and <= '9');

        private static bool StartsWith(byte[] bytes, params byte[] prefix) =>
            bytes.Length >= prefix.Length && prefix.Select((b, i) => bytes[i] == b).All(x => x);

        private static int FirstInvalidUtf8(byte[] bytes)
        {
            var decoder = new UTF8Encoding(false, true);
            var low = 0;
            var high = bytes.Length;

            // The longest valid prefix, by halving: good enough to point at the first bad byte, give or take a sequence.
            while (high - low > 1)
            {
                var mid = (low + high) / 2;
                try
                {
                    decoder.GetCharCount(bytes, 0, mid);
                    low = mid;
                }
                catch (DecoderFallbackException)
                {
                    high = mid;
                }
            }

            for (var i = Math.Max(0, low - 3); i < bytes.Length; i++)
            {
                if (bytes[i] >= 0x80)
                {
                    return i;
                }
            }

            return Math.Min(low, bytes.Length - 1);
        }

        /// <summary>Column A, B, ..., Z, AA, as a spreadsheet names it.</summary>
        internal static string Letter(int index)
        {
            var name = string.Empty;
            for (var n = index + 1; n > 0; n = (n - 1) / 26)
            {
                name = (char)('A' + ((n - 1) % 26)) + name;
            }

            return name;
        }

        /// <summary>Words a problem's place: a file's rows and columns, or pipeline objects and their properties.</summary>
        private sealed class Locator
        {
            private readonly bool pipeline;

            public Locator(bool pipeline) => this.pipeline = pipeline;

            public string HeaderWord => pipeline ? "objects' properties" : "header";

            public CampaignFileProblem File(string message) => new("File", null, null, message);

            public CampaignFileProblem Header(string message) => new(pipeline ? "Input" : "Header (row 1)", pipeline ? null : 1, null, message);

            public CampaignFileProblem HeaderCell(int index, string? name, string message) => pipeline
                ? new("Property " + (name is null ? Letter(index) : "'" + name + "'"), null, name, message)
                : new("Header (row 1), column " + Letter(index), 1, name, message);

            public CampaignFileProblem Row(long row, string? column, int index, string message)
            {
                // A pipeline file's row 2 is the first object piped.
                var place = pipeline ? "Input object " + (row - 1).ToString(CultureInfo.InvariantCulture) : "Row " + row.ToString(CultureInfo.InvariantCulture);
                if (column is not null)
                {
                    place += pipeline ? ", property '" + column + "'" : ", column '" + column + "' (" + Letter(index) + ")";
                }

                return new CampaignFileProblem(place, pipeline ? row - 1 : row, column, message);
            }
        }
    }
}
