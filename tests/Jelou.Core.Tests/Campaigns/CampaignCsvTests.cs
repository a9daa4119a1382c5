using System.Text;
using Jelou.Campaigns;

namespace Jelou.Tests.Campaigns;

/// <summary>
/// The CSV rules of POST /v1/hsm/file (jelou-api.md §5.2) as CampaignCsv checks them before an upload: a corpus of bad
/// files, each problem named with its row and column, and the encodings converted or refused.
/// </summary>
public sealed class CampaignCsvTests
{
    private static readonly IReadOnlyList<CampaignParameter> NameAndAmount = new[] { new CampaignParameter(1, "nombre"), new CampaignParameter(2, "monto") };

    private static CampaignFileCheck Check(string text, IReadOnlyList<CampaignParameter>? map = null, string name = "clientes.csv") =>
        CampaignCsv.Check(new UTF8Encoding(false).GetBytes(text), name, map ?? NameAndAmount);

    private static string Locations(CampaignFileCheck check) => string.Join(" | ", check.Problems.Select(p => p.ToString()));

    [Fact]
    public void A_documented_file_passes_and_is_uploaded_unchanged()
    {
        var text = "telefono,nombre,monto\r\n593987654321,José,10.50\r\n593987654322,\"Pérez, Ana\",20\r\n";
        var bytes = new UTF8Encoding(false).GetBytes(text);

        var check = CampaignCsv.Check(bytes, "clientes.csv", NameAndAmount);

        Assert.True(check.Passed, Locations(check));
        Assert.Equal(2, check.RowCount);
        Assert.Equal(new[] { "telefono", "nombre", "monto" }, check.Columns);
        Assert.Equal(bytes, check.Content);
        Assert.Equal("UTF-8", check.Encoding);
        Assert.Empty(check.Notes);
    }

    [Theory]
    [InlineData("phone number,nombre,monto", "column A", "'phone number' has characters other than letters, digits and _", "phone_number")]
    [InlineData("telefono,nombre,monto total", "column C", "'monto total'", "monto_total")]
    [InlineData("telefono,nombre,dirección", "column C", "'dirección'", "direccion")]
    [InlineData("telefono,nombre,monto-2", "column C", "'monto-2'", "monto_2")]
    [InlineData("telefono,,monto", "column B", "has no name", "")]
    [InlineData("telefono,nombre,nombre", "column C", "also the name of column B", "")]
    public void Bad_header_names_are_reported_with_their_column_and_a_fix(string header, string column, string problem, string suggestion)
    {
        var check = Check(header + "\r\n593987654321,José,10\r\n", Array.Empty<CampaignParameter>());

        var found = Assert.Single(check.Problems);
        Assert.Equal("Header (row 1), " + column, found.Location);
        Assert.Contains(problem, found.Message, StringComparison.Ordinal);
        Assert.Contains(suggestion, found.Message, StringComparison.Ordinal);
        Assert.Equal(1, found.Row);
    }

    [Fact]
    public void A_file_without_a_header_row_is_told_so()
    {
        var check = Check("593987654321,José,10\r\n593987654322,Ana,20\r\n", Array.Empty<CampaignParameter>());

        var problem = Assert.Single(check.Problems);
        Assert.Contains("no header row", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_semicolon_separated_file_is_told_how_to_read_it()
    {
        var check = Check("telefono;nombre;monto\r\n593987654321;José;10\r\n");

        var problem = Assert.Single(check.Problems);
        Assert.Contains("separated by ';'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Import-Csv -Delimiter", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+593987654321", "starts with '+'", "Write 593987654321")]
    [InlineData("+593 98 765 4321", "starts with '+'", "Write 593987654321")]
    [InlineData("593 98-765-4321", "spaces or signs", "593987654321")]
    [InlineData(" 593987654321", "spaces around", "593987654321")]
    [InlineData("0987654321", "starts with 0", "country code")]
    [InlineData("59398", "has 5 digits", "8 to 15")]
    [InlineData("juan@example.com", "is not a phone number", "593987654321")]
    [InlineData("5.93988E+11", "scientific notation", "Text")]
    [InlineData("", "is empty", "country code")]
    public void Phone_numbers_follow_the_recipient_rules_and_carry_no_plus(string phone, string problem, string fix)
    {
        var check = Check("telefono,nombre,monto\r\n593987654321,Ana,5\r\n\"" + phone + "\",José,10\r\n");

        var found = Assert.Single(check.Problems);
        Assert.Equal("Row 3, column 'telefono' (A)", found.Location);
        Assert.Equal(3, found.Row);
        Assert.Equal("telefono", found.Column);
        Assert.Contains(problem, found.Message, StringComparison.Ordinal);
        Assert.Contains(fix, found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_empty_mapped_cell_is_reported_and_unmapped_ones_are_not()
    {
        var check = Check("telefono,nombre,monto,notas\r\n593987654321,,10,\r\n593987654322,Ana,  ,x\r\n593987654323,Luis,3,\r\n");

        Assert.Equal(
            new[] { "Row 2, column 'nombre' (B)", "Row 3, column 'monto' (C)" },
            check.Problems.Select(p => p.Location));
        Assert.All(check.Problems, p => Assert.Contains("is empty", p.Message, StringComparison.Ordinal));
        Assert.Contains("{{1}}", check.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("{{2}}", check.Problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_mapped_column_is_named_with_the_closest_one()
    {
        var check = Check("telefono,nombre,montos\r\n593987654321,Ana,10\r\n");

        var problem = Assert.Single(check.Problems);
        Assert.Equal("Header (row 1)", problem.Location);
        Assert.Contains("column 'monto', which -ParameterMap gives for {{2}}, is not in the header (telefono, nombre, montos)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'montos'?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapped_column_that_differs_only_in_case_says_names_match_exactly()
    {
        var check = Check("telefono,Nombre,monto\r\n593987654321,Ana,10\r\n");

        var problem = Assert.Single(check.Problems);
        Assert.Contains("'Nombre'; names must match exactly", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_csv_is_reported_but_still_checked()
    {
        var check = Check("telefono,nombre,monto\r\n+593987654321,Ana,10\r\n", name: "clientes.xlsx");

        Assert.Equal(new[] { "File", "Row 2, column 'telefono' (A)" }, check.Problems.Select(p => p.Location));
        Assert.Contains("does not end in .csv", check.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_with_the_wrong_number_of_cells_and_empty_rows_are_reported()
    {
        var check = Check("telefono,nombre,monto\r\n593987654321,Pérez, Ana,10\r\n,,\r\n593987654322,Luis,3\r\n");

        Assert.Equal(new[] { "Row 2", "Row 3" }, check.Problems.Select(p => p.Location));
        Assert.Contains("4 cells and the header 3", check.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("row is empty", check.Problems[1].Message, StringComparison.Ordinal);
        Assert.Equal(3, check.RowCount);
    }

    [Fact]
    public void A_header_without_rows_and_an_empty_file_are_reported()
    {
        Assert.Contains("no rows", Assert.Single(Check("telefono,nombre,monto\r\n").Problems).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Single(CampaignCsv.Check(Array.Empty<byte>(), "x.csv", NameAndAmount).Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_at_its_row()
    {
        var check = Check("telefono,nombre,monto\r\n593987654321,\"Ana,10\r\n593987654322,Luis,3\r\n");

        Assert.Contains(check.Problems, p => p.Location == "Row 2" && p.Message.Contains("never closed", StringComparison.Ordinal));
    }

    [Fact]
    public void Quoted_cells_keep_commas_quotes_and_line_breaks()
    {
        var records = CampaignCsv.Parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\r\nthere\"\n1,2", out var problem);

        Assert.Null(problem);
        Assert.Equal(3, records.Count);
        Assert.Equal(new[] { "x, y", "say \"hi\"\r\nthere" }, records[1]);
        Assert.Equal(new[] { "1", "2" }, records[2]);
    }

    [Fact]
    public void A_Windows_1252_file_is_converted_to_UTF8_with_a_note()
    {
        // As Excel's plain "CSV" saves on Windows: é is 0xE9, ñ 0xF1, the euro sign 0x80.
        var bytes = Concat(Encoding.ASCII.GetBytes("telefono,nombre,monto\r\n593987654321,Jos"), new byte[] { 0xE9 }, Encoding.ASCII.GetBytes(" Mu"), new byte[] { 0xF1 },
            Encoding.ASCII.GetBytes("oz,"), new byte[] { 0x80 }, Encoding.ASCII.GetBytes("10\r\n"));

        var check = CampaignCsv.Check(bytes, "clientes.csv", NameAndAmount);

        Assert.True(check.Passed, Locations(check));
        Assert.Equal("Windows-1252", check.Encoding);
        Assert.Contains("Windows-1252", Assert.Single(check.Notes), StringComparison.Ordinal);
        Assert.Equal("telefono,nombre,monto\r\n593987654321,José Muñoz,€10\r\n", new UTF8Encoding(false, true).GetString(check.Content!));
    }

    [Theory]
    [InlineData("UTF-16 LE")]
    [InlineData("UTF-16 BE")]
    [InlineData("UTF-8 with BOM")]
    public void A_file_with_a_byte_order_mark_is_converted_to_UTF8_without_one(string encoding)
    {
        const string Text = "telefono,nombre,monto\r\n593987654321,José Muñoz,10\r\n";
        Encoding writer = encoding switch
        {
            "UTF-16 LE" => new UnicodeEncoding(false, true),
            "UTF-16 BE" => new UnicodeEncoding(true, true),
            _ => new UTF8Encoding(true),
        };
        var bytes = Concat(writer.GetPreamble(), writer.GetBytes(Text));

        var check = CampaignCsv.Check(bytes, "clientes.csv", NameAndAmount);

        Assert.True(check.Passed, Locations(check));
        Assert.Equal(encoding, check.Encoding);
        Assert.Single(check.Notes);
        Assert.Equal(new UTF8Encoding(false).GetBytes(Text), check.Content);
    }

    [Fact]
    public void UTF16_without_a_byte_order_mark_is_refused_with_the_fix()
    {
        var bytes = new UnicodeEncoding(false, false).GetBytes("telefono,nombre,monto\r\n593987654321,José,10\r\n");

        var check = CampaignCsv.Check(bytes, "clientes.csv", NameAndAmount);

        var problem = Assert.Single(check.Problems);
        Assert.Equal("File", problem.Location);
        Assert.Contains("cannot be told", problem.Message, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", problem.Message, StringComparison.Ordinal);
        Assert.Null(check.Content);
    }

    [Fact]
    public void Bytes_that_are_neither_UTF8_nor_Windows_1252_are_refused()
    {
        // 0x81 is undefined in Windows-1252, and alone it is not UTF-8 either.
        var bytes = Concat(Encoding.ASCII.GetBytes("telefono,nombre\r\n593987654321,A"), new byte[] { 0x81 }, Encoding.ASCII.GetBytes("\r\n"));

        var check = CampaignCsv.Check(bytes, "clientes.csv", new[] { new CampaignParameter(1, "nombre") });

        Assert.Contains("nor Windows-1252", Assert.Single(check.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mis_decoded_mapped_cell_is_caught_by_the_shared_hygiene_rules()
    {
        var check = Check("telefono,nombre,monto\r\n593987654321,Jos\uFFFD,10\r\n");

        var problem = Assert.Single(check.Problems);
        Assert.Equal("Row 2, column 'nombre' (B)", problem.Location);
        Assert.Contains("U+FFFD", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_quotes_what_needs_it_and_its_file_passes_the_check()
    {
        var bytes = CampaignCsv.Write(new[] { "phone", "nombre", "nota" }, new[]
        {
            new[] { "593987654321", "Pérez, Ana", "dice \"hola\"" },
            new[] { "593987654322", " Luis", "línea 1\nlínea 2" },
        });

        var text = new UTF8Encoding(false, true).GetString(bytes);
        Assert.Equal("phone,nombre,nota\r\n593987654321,\"Pérez, Ana\",\"dice \"\"hola\"\"\"\r\n593987654322,\" Luis\",\"línea 1\nlínea 2\"\r\n", text);
        var check = CampaignCsv.Check(bytes, "x.csv", new[] { new CampaignParameter(1, "nombre"), new CampaignParameter(2, "nota") });
        Assert.True(check.Passed, Locations(check));
        Assert.Equal(2, check.RowCount);
    }

    [Fact]
    public void Pipeline_files_are_worded_as_input_objects_and_properties()
    {
        var bytes = CampaignCsv.Write(new[] { "phone", "nombre" }, new[] { new[] { "593987654321", "Ana" }, new[] { "+593987654322", "" } });

        var check = CampaignCsv.Check(bytes, "x.csv", new[] { new CampaignParameter(1, "nombre") }, fromPipeline: true);

        Assert.Equal(new[] { "Input object 2, property 'phone'", "Input object 2, property 'nombre'" }, check.Problems.Select(p => p.Location));
        Assert.All(check.Problems, p => Assert.Equal(2, p.Row));
    }

    [Theory]
    [InlineData(0, "A")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(701, "ZZ")]
    [InlineData(702, "AAA")]
    public void Columns_are_lettered_as_a_spreadsheet_letters_them(int index, string letter) => Assert.Equal(letter, CampaignCsv.Letter(index));

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
