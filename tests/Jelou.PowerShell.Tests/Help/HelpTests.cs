using System.Collections.ObjectModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Jelou.PowerShell.Tests.Help;

/// <summary>
/// The help the build ships, against the cmdlets it documents: every cmdlet and every parameter described, every
/// example using only parameters that exist, and about_Jelou covering what the issue asks for. (The syntax and the
/// parameter metadata are generated from the assembly; tests/pester/HelpMetadata.Tests.ps1 checks them against
/// what PowerShell's binder reports.) The help is generated from src/Jelou.PowerShell/Help/*.md by the built
/// Jelou.HelpBuilder, exactly as the Release build stages it.
/// </summary>
public sealed partial class HelpTests(HelpFixture help) : IClassFixture<HelpFixture>
{
    private static readonly XNamespace Maml = HelpFixture.Maml;
    private static readonly XNamespace Command = HelpFixture.Command;
    private static readonly XNamespace Dev = HelpFixture.Dev;

    [Fact]
    public void Every_cmdlet_has_help_and_there_is_no_help_for_a_cmdlet_that_does_not_exist()
    {
        var problems = new List<string>();
        problems.AddRange(help.Cmdlets.Where(c => !help.Help.ContainsKey(c.Name)).Select(c => $"{c.Name} has no help: add src/Jelou.PowerShell/Help/{c.Name}.md."));
        problems.AddRange(help.Help.Keys.Where(k => !help.Cmdlets.Any(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase))).Select(k => $"{k}.md documents a cmdlet the module does not have."));
        Assert.NotEmpty(help.Cmdlets);
        Report(problems);
    }

    [Fact]
    public void Every_cmdlet_has_a_synopsis_a_description_and_examples_with_code_and_an_explanation()
    {
        var problems = new List<string>();
        foreach (var (name, command) in Documented())
        {
            var details = command.Element(Command + "details")!;
            if (Paras(details.Element(Maml + "description")).Length == 0)
            {
                problems.Add($"{name}: no synopsis.");
            }

            if (Paras(command.Element(Maml + "description")).Length == 0)
            {
                problems.Add($"{name}: no description.");
            }

            var examples = command.Element(Command + "examples")?.Elements(Command + "example").ToList() ?? [];
            if (examples.Count == 0)
            {
                problems.Add($"{name}: no example.");
            }

            foreach (var example in examples)
            {
                var title = example.Element(Maml + "title")?.Value.Trim(' ', '-') ?? "(untitled)";
                if (string.IsNullOrWhiteSpace(example.Element(Dev + "code")?.Value))
                {
                    problems.Add($"{name} {title}: no code.");
                }

                if (Paras(example.Element(Dev + "remarks")).Length == 0)
                {
                    problems.Add($"{name} {title}: no explanation.");
                }
            }

            if (command.Element(Command + "returnValues")?.Elements(Command + "returnValue").Any() != true)
            {
                problems.Add($"{name}: no OUTPUTS.");
            }

            if (command.Element(Command + "inputTypes")?.Elements(Command + "inputType").Any() != true)
            {
                problems.Add($"{name}: no INPUTS.");
            }
        }

        Report(problems);
    }

    [Fact]
    public void Every_parameter_has_a_description_the_hidden_InputObject_included()
    {
        // Get-Help -Parameter InputObject must answer too: the pipeline parameter is hidden from the syntax only.
        var problems = new List<string>();
        foreach (var (name, command) in Documented())
        {
            var cmdlet = help.Cmdlet(name);
            var documented = DocumentedParameters(command);
            foreach (var parameter in cmdlet.Parameters)
            {
                if (!documented.TryGetValue(parameter.Name, out var element))
                {
                    problems.Add($"{name} -{parameter.Name} has no help: add '### -{parameter.Name}' to {name}.md.");
                }
                else if (Paras(element.Element(Maml + "description")).Length == 0)
                {
                    problems.Add($"{name} -{parameter.Name} has an empty description.");
                }
            }

            foreach (var risk in cmdlet.SupportsShouldProcess ? new[] { "WhatIf", "Confirm" } : [])
            {
                if (!documented.ContainsKey(risk))
                {
                    problems.Add($"{name} supports ShouldProcess but -{risk} is not documented.");
                }
            }
        }

        Report(problems);
    }

    [Fact]
    public void Examples_use_only_parameters_and_aliases_the_cmdlets_have()
    {
        var problems = new List<string>();
        foreach (var (name, command) in Documented())
        {
            foreach (var example in command.Element(Command + "examples")!.Elements(Command + "example"))
            {
                var title = example.Element(Maml + "title")!.Value.Trim(' ', '-');
                problems.AddRange(InvalidParameters(example.Element(Dev + "code")!.Value, $"{name} {title}"));
            }
        }

        foreach (Match block in PowerShellBlock().Matches(help.AboutMarkdown))
        {
            problems.AddRange(InvalidParameters(block.Groups[1].Value, "about_Jelou.md"));
        }

        Report(problems);
    }

    [Fact]
    public void Every_cmdlet_has_an_example_that_runs_it()
    {
        var names = help.Cmdlets.Select(c => c.Name).ToList();
        var problems = Documented()
            .Where(d => !d.Command.Element(Command + "examples")!.Elements(Command + "example")
                .Any(e => ExampleScanner.Invocations(e.Element(Dev + "code")!.Value, names).Contains(d.Name, StringComparer.OrdinalIgnoreCase)))
            .Select(d => $"{d.Name}: no example runs {d.Name}.")
            .ToList();
        Report(problems);
    }

    /// <summary>The cmdlets whose output has a Status of type SendStatus (the send report), from the assembly.</summary>
    public static TheoryData<string> ReportingCmdlets() => ModuleMetadata.CmdletNames(c => c.OutputTypes
        .OfType<Type>()
        .Any(t => t.GetProperty("Status")?.PropertyType.FullName == "Jelou.Results.SendStatus"));

    [Theory]
    [MemberData(nameof(ReportingCmdlets))]
    public void Send_cmdlets_document_every_status_of_the_report(string name)
    {
        var outputs = string.Join("\n", help.Help[name].Element(Command + "returnValues")!.Descendants(Maml + "para").Select(p => p.Value));
        var missing = help.SendStatuses.Where(s => !Regex.IsMatch(outputs, $@"\b{s}\b")).ToList();
        Assert.NotEmpty(help.SendStatuses);
        Assert.True(missing.Count == 0, $"{name} OUTPUTS does not explain the Status value(s) {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Send_help_covers_the_scenarios_users_need()
    {
        var code = string.Join("\n", help.Help["Send-JelouBotMessage"].Descendants(Dev + "code").Select(c => c.Value));
        var expected = new Dictionary<string, string>
        {
            ["a CSV bulk send"] = @"Import-Csv\s+\S+\s+-Encoding\s+UTF8\s*\|",
            ["a mail-merge script block"] = @"-Text\s*\{\s*""[^""]*\$\(\$_\.",
            ["an options list with hashtables"] = @"-Option\b",
            ["quick replies"] = @"-QuickReply\b",
            ["a file with -FileName"] = @"-FileName\b",
            ["a location"] = @"-Latitude\b",
            ["a location request"] = @"-Type\s+location_request",
            ["contacts"] = @"-Contact\b",
            ["a URL button"] = @"-Url\b",
            ["a call button"] = @"-Type\s+voice_call",
            ["a carousel payload"] = @"-Payload\b",
            ["a runbook credential"] = @"Get-AutomationPSCredential",
            ["a proxy"] = @"-Proxy\s+\S+\s+-ProxyUseDefaultCredentials",
            ["retries"] = @"-MaximumRetryCount\s+\d+\s+-RetryIntervalSec\s+\d+",
            ["a dry run"] = @"-WhatIf\b",
            ["throttling"] = @"-ThrottleLimit\s+\d+\s+-RateLimit\s+\d+",
            ["the report by status"] = @"Group-Object\s+Status",
            ["the rows not sent"] = @"Where-Object\s+Status\s+-ne\s+Sent",
            ["input order"] = @"Sort-Object\s+Row\b",
            ["resending failed rows"] = @"ForEach-Object\s+InputObject\s*\|",
            ["-ErrorAction Stop"] = @"-ErrorAction\s+Stop",
            ["-ErrorVariable"] = @"-ErrorVariable\s+\w+",
        };
        var missing = expected.Where(e => !Regex.IsMatch(code, e.Value)).Select(e => e.Key).ToList();
        foreach (var id in new[] { "JelouInvalidInput", "JelouAuthenticationFailed", "JelouRateLimited", "JelouDeliveryUnknown", "JelouBatchStopped" })
        {
            if (!help.Help["Send-JelouBotMessage"].Descendants().Any(e => e.Value.Contains(id, StringComparison.Ordinal)))
            {
                missing.Add("the ErrorId " + id);
            }
        }

        Assert.True(missing.Count == 0, "Send-JelouBotMessage help has no example or note for: " + string.Join(", ", missing) + ".");
    }

    [Fact]
    public void About_Jelou_explains_credential_resolution_in_the_order_the_code_uses()
    {
        var text = help.AboutText;
        Assert.True(text.Length > 0, $"about_Jelou.help.txt was not generated in {help.AboutDirectory}.");
        Assert.StartsWith("TOPIC", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("about_Jelou", text, StringComparison.Ordinal);
        Assert.Matches(@"SHORT DESCRIPTION\r?\n {4}\S", text);

        var section = Section(text, "CREDENTIAL RESOLUTION ORDER");
        var order = new[] { "-Credential", "-Scope Process", "JELOU_CLIENT_ID", "-Scope CurrentUser", "SecretManagement" };
        var at = 0;
        foreach (var marker in order)
        {
            var found = section.IndexOf(marker, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"The CREDENTIAL RESOLUTION ORDER section of about_Jelou does not name '{marker}' after the sources before it ({string.Join(" -> ", order)}).");
            at = found + marker.Length;
        }

        Assert.Contains("JELOU_BASE_URI", section, StringComparison.Ordinal);
        Assert.Contains("credentials.json", section, StringComparison.Ordinal);
        Assert.Contains("DPAPI", section, StringComparison.Ordinal);
        Assert.Contains("0600", section, StringComparison.Ordinal);
    }

    [Fact]
    public void About_Jelou_explains_the_24_hour_window_templates_and_csv_encoding()
    {
        var text = help.AboutText;
        var window = Section(text, "THE 24-HOUR WINDOW AND TEMPLATES");
        Assert.Matches(@"\b24 hours\b", window);
        Assert.Contains("template", window, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HSM", window, StringComparison.Ordinal);

        var csv = Section(text, "CSV FILES AND ENCODING");
        Assert.Contains("-Encoding UTF8", csv, StringComparison.Ordinal);
        Assert.Contains("UTF8", csv, StringComparison.Ordinal);
        Assert.Contains("Windows PowerShell 5.1", csv, StringComparison.Ordinal);
        Assert.Contains("PowerShell 7", csv, StringComparison.Ordinal);
        Assert.Contains("Export-Csv", csv, StringComparison.Ordinal);
        Assert.Matches("[áéíóúñÁÉÍÓÚÑ]", csv);
    }

    [Fact]
    public void About_Jelou_says_which_cmdlet_to_use_inside_and_outside_the_24_hour_window()
    {
        var window = Section(help.AboutText, "THE 24-HOUR WINDOW AND TEMPLATES");
        Assert.Contains("/v2/whatsapp/{botId}/hsm", window, StringComparison.Ordinal);
        Assert.DoesNotContain("does not send templates", window, StringComparison.Ordinal);
        var choice = window.Substring(window.IndexOf("Which cmdlet to use", StringComparison.Ordinal));
        foreach (var cmdlet in new[] { "Send-JelouBotMessage", "Send-JelouRoomMessage", "Send-JelouTemplate" })
        {
            Assert.Contains(cmdlet, choice, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void About_Jelou_lists_every_limit_the_module_enforces()
    {
        var limits = Section(help.AboutText, "LIMITS");
        Assert.NotEmpty(help.Limits);
        var missing = help.Limits
            .Where(l => !Regex.IsMatch(limits, $@"(?<![\d.,]){l.Value.ToString(CultureInfo.InvariantCulture)}(?![\d])"))
            .Select(l => $"{l.Key} = {l.Value}")
            .ToList();
        Assert.True(missing.Count == 0, "The LIMITS section of about_Jelou does not mention: " + string.Join(", ", missing) + " (from Jelou.Validation.Limits).");
    }

    [ReleaseBuildFact]
    public void Release_build_stages_the_cmdlet_help_where_get_help_looks_and_the_about_topic_in_the_module_folder()
    {
        var moduleDir = Path.Combine(help.RepoRoot, "out", "Jelou", help.ModuleVersion());
        var dependencies = Path.Combine(moduleDir, "dependencies");
        Assert.True(File.Exists(Path.Combine(dependencies, "Jelou.PowerShell.dll")), $"The module is not staged in {moduleDir}; build with -c Release.");

        // Get-Help looks a compiled cmdlet's help up as <assembly file name>-Help.xml in the culture folder of the
        // ModuleBase of the cmdlet's module: the Jelou module folder for the cmdlets Import-Module Jelou exports, and
        // dependencies/ (next to the assembly) for the nested binary module Jelou.psm1 imports.
        var fresh = File.ReadAllBytes(help.MamlPath);
        foreach (var folder in new[] { moduleDir, dependencies })
        {
            var staged = Path.Combine(folder, "en-US", HelpFixture.HelpFileName);
            Assert.True(File.Exists(staged), $"No {HelpFixture.HelpFileName} in {Path.GetDirectoryName(staged)}.");
            Assert.True(fresh.AsSpan().SequenceEqual(File.ReadAllBytes(staged)), $"{staged} is not the help generated from {help.HelpSource}; rebuild in Release.");
            var root = XDocument.Load(staged).Root!;
            Assert.Equal(HelpFixture.Msh + "helpItems", root.Name);
        }

        var about = Path.Combine(moduleDir, "en-US", "about_Jelou.help.txt");
        Assert.True(File.Exists(about), $"No about_Jelou.help.txt in {Path.GetDirectoryName(about)}.");
        Assert.True(File.ReadAllBytes(help.AboutPath).AsSpan().SequenceEqual(File.ReadAllBytes(about)), $"{about} is not the topic generated from about_Jelou.md; rebuild in Release.");
    }

    [Fact]
    public void Generated_maml_uses_the_schema_get_help_reads()
    {
        var root = help.MamlDocument.Root!;
        Assert.Equal(HelpFixture.Msh + "helpItems", root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
        foreach (var (name, command) in Documented())
        {
            var details = command.Element(Command + "details")!;
            Assert.Equal(name[..name.IndexOf('-', StringComparison.Ordinal)], details.Element(Command + "verb")?.Value);
            Assert.Equal(name[(name.IndexOf('-', StringComparison.Ordinal) + 1)..], details.Element(Command + "noun")?.Value);
            foreach (var parameter in command.Descendants(Command + "parameter"))
            {
                foreach (var attribute in new[] { "required", "globbing", "pipelineInput", "position", "aliases", "variableLength" })
                {
                    Assert.True(parameter.Attribute(attribute) is not null, $"{name} -{parameter.Element(Maml + "name")?.Value}: no '{attribute}' attribute.");
                }
            }

            Assert.NotNull(command.Element(Maml + "relatedLinks"));
        }
    }

    [Theory]
    [InlineData("Send-JelouBotMessage -BotId 1 -Bogus 2", "Bogus")]
    [InlineData("$r = Send-JelouBotMessage -BotId 1 -Bogus 2", "Bogus")]
    [InlineData("Get-Item x | ForEach-Object { Send-JelouBotMessage -BotId $_ -Bogus 2 }", "Bogus")]
    [InlineData("Send-JelouBotMessage -BotId 1 `\n    -Bogus 2", "Bogus")]
    [InlineData("Send-JelouBotMessage -BotId 1 -RetryPossiblyDelivered:$false -Bogus:$true", "Bogus")]
    [InlineData("Send-JelouBotMessage -BotId 1 -Text { $_.a -ne 'b' } -Lat -2.1 -Long -79.8", "")]
    [InlineData("Import-Csv a.csv -Encoding UTF8 | Send-JelouBotMessage -BotId 1 | Export-Csv r.csv -NoTypeInformation", "")]
    [InlineData("Send-JelouBotMessage -BotId 1\n-Bogus 2", "")]
    [InlineData("Send-JelouBotMessage -BotId 1 -Text '-Bogus' # -Bogus", "")]
    [InlineData("Send-JelouBotMessage -BotId 1 -Text \"$($x -join ', ') -Bogus\"", "")]
    [InlineData("Set-JelouCredential -Credential (Get-Credential -UserName x -Message y) -WhatIf", "")]
    [InlineData("Get-Help Send-JelouBotMessage -Full", "")]
    public void The_example_check_finds_unknown_parameters_and_only_those(string code, string expected)
    {
        var found = InvalidParameters(code, "test").ToList();
        if (expected.Length == 0)
        {
            Assert.Empty(found);
        }
        else
        {
            Assert.Contains(found, f => f.Contains("-" + expected, StringComparison.Ordinal));
            Assert.Single(found);
        }
    }

    [Theory]
    [InlineData("# Bad-Thing\n\n## DESCRIPTION\nText.\n", "'## SYNOPSIS' is missing")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n\n## EXAMPLES\n\n### Example 1: x\nNo code here.\n\n## PARAMETERS\n\n## INPUTS\n\n### None\nN.\n\n## OUTPUTS\n\n### None\nN.\n", "example 1 has no ```powershell code block")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n\n## EXAMPLES\n\n### Example 1: x\n```powershell\nBad-Thing\n```\n\nRuns it.\n\n## PARAMETERS\n\n### -Name\nThe name.\n\n### -Name\nAgain.\n\n## INPUTS\n\n### None\nN.\n\n## OUTPUTS\n\n### None\nN.\n", "-Name is documented twice")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n\n## EXAMPLES\n\n### Example 1: x\n```powershell\nBad-Thing\n```\n\nRuns it.\n\n## PARAMETERS\n\n### -Name\nThe name.\n\n```yaml\nType: String\nRequired: True\n```\n\n## INPUTS\n\n### None\nN.\n\n## OUTPUTS\n\n### None\nN.\n", "-Name: remove the ```yaml block")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## SYNTAX\n\n```\nBad-Thing [-Name <String>]\n```\n\n## DESCRIPTION\nD.\n", "remove '## SYNTAX'")]
    [InlineData("---\nshared parameters: Shared/Nowhere.md\n---\n\n# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n", "names a file that does not exist")]
    [InlineData("---\nexternal help file: [unclosed\n---\n\n# Bad-Thing\n\n## SYNOPSIS\nS.\n", "the front matter is not valid YAML")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n", "Bad-Thing is not a cmdlet of Jelou.PowerShell.dll")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTION\nD.\n\n```powershell\nunclosed\n", "is never closed")]
    [InlineData("# Bad-Thing\n\n## SYNOPSIS\nS.\n\n## DESCRIPTON\nD.\n", "'## DESCRIPTON' is not a help section")]
    public void The_help_builder_fails_with_the_file_and_line_on_markdown_it_cannot_parse(string markdown, string expected)
    {
        var source = Directory.CreateTempSubdirectory("jelou-badhelp-");
        try
        {
            File.WriteAllText(Path.Combine(source.FullName, "Bad-Thing.md"), markdown);
            var maml = Path.Combine(source.FullName, "out", HelpFixture.HelpFileName);
            var (exitCode, output) = help.RunHelpBuilder("--source", source.FullName, "--maml", maml, "--about", Path.Combine(source.FullName, "out"));
            Assert.NotEqual(0, exitCode);
            Assert.Contains("Bad-Thing.md", output, StringComparison.Ordinal);
            Assert.Contains("error JHELP", output, StringComparison.Ordinal);
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.False(File.Exists(maml), "Nothing may be written when a help file is broken.");
        }
        finally
        {
            source.Delete(recursive: true);
        }
    }

    private IEnumerable<(string Name, XElement Command)> Documented() =>
        help.Help.Where(h => help.Cmdlets.Any(c => string.Equals(c.Name, h.Key, StringComparison.OrdinalIgnoreCase))).Select(h => (h.Key, h.Value));

    private static Dictionary<string, XElement> DocumentedParameters(XElement command) =>
        command.Element(Command + "parameters")?.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), StringComparer.OrdinalIgnoreCase)
        ?? new Dictionary<string, XElement>(StringComparer.OrdinalIgnoreCase);

    private static string[] Paras(XElement? element) =>
        element?.Elements(Maml + "para").Select(p => p.Value.Trim()).Where(p => p.Length > 0).ToArray() ?? [];

    private IEnumerable<string> InvalidParameters(string code, string where)
    {
        var names = help.Cmdlets.Select(c => c.Name).ToList();
        foreach (var use in ExampleScanner.ParameterUses(code, names))
        {
            var cmdlet = help.Cmdlet(use.Command);
            if (!cmdlet.Accepts(use.Parameter))
            {
                yield return $"{where}, line {use.Line}: -{use.Parameter} is not a parameter or alias of {cmdlet.Name}.";
            }
        }
    }

    /// <summary>The text of an about-topic section: from its heading line to the next heading at the margin.</summary>
    private static string Section(string text, string heading)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(heading) + @"\r?$", RegexOptions.Multiline);
        Assert.True(match.Success, $"about_Jelou has no '{heading}' section.");
        var rest = text[(match.Index + match.Length)..];
        var next = Regex.Match(rest, @"^[A-Z][A-Z0-9 ,'-]+\r?$", RegexOptions.Multiline);
        return next.Success ? rest[..next.Index] : rest;
    }

    private static void Report(List<string> problems)
    {
        if (problems.Count > 0)
        {
            Assert.Fail($"{problems.Count} help problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems));
        }
    }

    [GeneratedRegex(@"```(?:powershell|ps1|pwsh)\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PowerShellBlock();
}

/// <summary>
/// What the help tests compare: the cmdlets of the built Jelou.PowerShell.dll (read as metadata through
/// MetadataLoadContext, with the PowerShellStandard reference assembly) and the help the build makes of the markdown
/// in src/Jelou.PowerShell/Help, produced here by running the built Jelou.HelpBuilder into a temporary folder, so the
/// tests check exactly what the build ships in any configuration.
/// </summary>
public sealed partial class HelpFixture : IDisposable
{
    public const string Sma = "System.Management.Automation";
    public const string HelpFileName = "Jelou.PowerShell.dll-Help.xml";

    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace Msh = "http://msh";

    private readonly MetadataLoadContext context;
    private readonly DirectoryInfo output;

    public HelpFixture()
    {
        RepoRoot = ModuleMetadata.FindRepoRoot();
        Configuration = BuildConfiguration;
        HelpSource = Path.Combine(RepoRoot, "src", "Jelou.PowerShell", "Help");
        ManifestPath = Path.Combine(RepoRoot, "Jelou.psd1");
        var moduleDirectory = Path.Combine(RepoRoot, "src", "Jelou.PowerShell", "bin", Configuration, "netstandard2.0");
        AssemblyPath = Path.Combine(moduleDirectory, "Jelou.PowerShell.dll");
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException($"Build src/Jelou.PowerShell in {Configuration} first (dotnet test builds it through the project reference).", AssemblyPath);
        }

        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Directory.EnumerateFiles(moduleDirectory, "*.dll")
            .Append(ModuleMetadata.FindPowerShellStandard())
            .Concat(Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")))
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        context = new MetadataLoadContext(new PathAssemblyResolver(byName.Values));
        var module = context.LoadFromAssemblyPath(AssemblyPath);
        var core = context.LoadFromAssemblyPath(Path.Combine(moduleDirectory, "Jelou.Core.dll"));
        Cmdlets = module.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && Find(t.GetCustomAttributesData(), Sma + ".CmdletAttribute") is not null)
            .Select(t => new HelpCmdlet(t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        Limits = core.GetType("Jelou.Validation.Limits", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType.FullName == "System.Int32")
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!, StringComparer.Ordinal);
        SendStatuses = core.GetType("Jelou.Results.SendStatus", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.Name)
            .ToList();

        output = Directory.CreateTempSubdirectory("jelou-help-");
        MamlPath = Path.Combine(output.FullName, "dependencies", "en-US", HelpFileName);
        AboutDirectory = Path.Combine(output.FullName, "en-US");
        var (exitCode, log) = RunHelpBuilder("--source", HelpSource, "--maml", MamlPath, "--about", AboutDirectory, "--manifest", ManifestPath);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Jelou.HelpBuilder failed ({exitCode}) on {HelpSource}:{Environment.NewLine}{log}");
        }

        MamlDocument = XDocument.Load(MamlPath);
        Help = MamlDocument.Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim(), StringComparer.OrdinalIgnoreCase);
        AboutPath = Path.Combine(AboutDirectory, "about_Jelou.help.txt");
        AboutText = File.Exists(AboutPath) ? File.ReadAllText(AboutPath, Encoding.UTF8) : string.Empty;
        AboutMarkdown = File.ReadAllText(Path.Combine(HelpSource, "about_Jelou.md"), Encoding.UTF8);
    }

    /// <summary>Debug or Release: the configuration of this test assembly, and so of the module it reads.</summary>
    public static string BuildConfiguration { get; } =
        typeof(HelpFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration ? configuration : "Debug";

    public string RepoRoot { get; }

    public string Configuration { get; }

    public string HelpSource { get; }

    public string ManifestPath { get; }

    public string AssemblyPath { get; }

    public IReadOnlyList<HelpCmdlet> Cmdlets { get; }

    /// <summary>The constants of Jelou.Validation.Limits, by name.</summary>
    public IReadOnlyDictionary<string, int> Limits { get; }

    /// <summary>The names of Jelou.Results.SendStatus.</summary>
    public IReadOnlyList<string> SendStatuses { get; }

    public string MamlPath { get; }

    public XDocument MamlDocument { get; }

    /// <summary>Each &lt;command:command&gt; of the generated MAML, by cmdlet name.</summary>
    public IReadOnlyDictionary<string, XElement> Help { get; }

    public string AboutDirectory { get; }

    public string AboutPath { get; }

    public string AboutText { get; }

    public string AboutMarkdown { get; }

    public HelpCmdlet Cmdlet(string name) => Cmdlets.Single(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs the built converter in this process, as the build runs it with dotnet.</summary>
    public (int ExitCode, string Output) RunHelpBuilder(params string[] args)
    {
        var path = Path.Combine(RepoRoot, "src", "Jelou.HelpBuilder", "bin", Configuration, "net10.0", "Jelou.HelpBuilder.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Build src/Jelou.HelpBuilder in {Configuration} first (Jelou.PowerShell references it, so building the tests builds it).", path);
        }

        var program = Assembly.LoadFrom(path).GetType("Jelou.HelpBuilder.Program", throwOnError: true)!;
        var run = program.GetMethod("Run", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, [typeof(string[]), typeof(TextWriter)])
            ?? throw new MissingMethodException("Jelou.HelpBuilder.Program", "Run(string[], TextWriter)");
        // The syntax and parameter metadata come from the module the build just made, as the build passes it.
        string[] all = [.. args, "--assembly", AssemblyPath, "--reference", ModuleMetadata.FindPowerShellStandard()];
        using var writer = new StringWriter();
        var exitCode = (int)run.Invoke(null, [all, writer])!;
        return (exitCode, writer.ToString());
    }

    /// <summary>The ModuleVersion of Jelou.psd1, which names the staged folder out/Jelou/&lt;version&gt;/.</summary>
    public string ModuleVersion() =>
        ModuleVersionPattern().Match(File.ReadAllText(ManifestPath)) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidDataException("Jelou.psd1 has no ModuleVersion = '...'.");

    public void Dispose()
    {
        context.Dispose();
        try
        {
            output.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    public static CustomAttributeData? Find(IEnumerable<CustomAttributeData> attributes, string fullName) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == fullName);

    public static T? Named<T>(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => (T?)a.TypedValue.Value).FirstOrDefault();

    /// <summary>The strings of a params constructor argument, such as [Alias("a", "b")].</summary>
    public static IEnumerable<string> Strings(CustomAttributeData attribute) =>
        attribute.ConstructorArguments.SelectMany(a => a.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : [a.Value]).OfType<string>();

    [GeneratedRegex(@"ModuleVersion\s*=\s*'([0-9.]+)'")]
    private static partial Regex ModuleVersionPattern();
}

/// <summary>A cmdlet as the example check needs it: its name, ShouldProcess support and parameter spellings.</summary>
public sealed class HelpCmdlet
{
    public HelpCmdlet(Type type)
    {
        var cmdlet = HelpFixture.Find(type.GetCustomAttributesData(), HelpFixture.Sma + ".CmdletAttribute")!;
        Name = (string)cmdlet.ConstructorArguments[0].Value! + "-" + (string)cmdlet.ConstructorArguments[1].Value!;
        SupportsShouldProcess = HelpFixture.Named<bool>(cmdlet, "SupportsShouldProcess");
        SupportsPaging = HelpFixture.Named<bool>(cmdlet, "SupportsPaging");
        Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == HelpFixture.Sma + ".ParameterAttribute"))
            .Select(p => new HelpParameter(p))
            .ToList();
    }

    public string Name { get; }

    public bool SupportsShouldProcess { get; }

    public bool SupportsPaging { get; }

    public IReadOnlyList<HelpParameter> Parameters { get; }

    /// <summary>True when <paramref name="token"/> (without the dash) names a parameter, an alias or a common parameter of this cmdlet.</summary>
    public bool Accepts(string token) =>
        Parameters.Any(p => p.Spellings.Contains(token, StringComparer.OrdinalIgnoreCase))
        || CommonParameters.Contains(token, StringComparer.OrdinalIgnoreCase)
        || (SupportsShouldProcess && RiskParameters.Contains(token, StringComparer.OrdinalIgnoreCase))
        || (SupportsPaging && PagingParameters.Contains(token, StringComparer.OrdinalIgnoreCase));

    public static readonly string[] CommonParameters =
    [
        "Verbose", "vb", "Debug", "db", "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa",
        "ProgressAction", "proga", "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv",
        "OutVariable", "ov", "OutBuffer", "ob", "PipelineVariable", "pv",
    ];

    public static readonly string[] RiskParameters = ["WhatIf", "wi", "Confirm", "cf"];

    public static readonly string[] PagingParameters = ["First", "Skip", "IncludeTotalCount"];

    public override string ToString() => Name;
}

/// <summary>One [Parameter] property: its name and aliases.</summary>
public sealed class HelpParameter
{
    public HelpParameter(PropertyInfo property)
    {
        Name = property.Name;
        Aliases = property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == HelpFixture.Sma + ".AliasAttribute").SelectMany(HelpFixture.Strings).ToList();
    }

    public string Name { get; }

    public IReadOnlyList<string> Aliases { get; }

    public IEnumerable<string> Spellings => Aliases.Prepend(Name);

    public override string ToString() => "-" + Name;
}

/// <summary>A fact that runs only in Release, the configuration that stages the module folder.</summary>
public sealed class ReleaseBuildFactAttribute : FactAttribute
{
    public ReleaseBuildFactAttribute()
    {
        if (!string.Equals(HelpFixture.BuildConfiguration, "Release", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "Only Release builds stage out/Jelou/<version>/; run dotnet test -c Release.";
        }
    }
}

/// <summary>
/// Finds, in PowerShell example code, the -Parameter tokens given to chosen commands. A small tokenizer, not a
/// parser: it knows strings (also here-strings and "$(...)" inside them), comments, brackets, pipes, statement ends
/// and backtick line continuation, which is what it takes to tell which command a -Token belongs to.
/// </summary>
public static class ExampleScanner
{
    public enum TokenKind
    {
        Word,
        String,
        Pipe,
        End,
        Open,
        Close,
    }

    public sealed record Token(TokenKind Kind, string Text, int Depth, int Line);

    /// <summary>A -Parameter token given to <paramref name="Command"/>, on <paramref name="Line"/> (from 1) of the code.</summary>
    public sealed record ParameterUse(string Command, string Parameter, int Line);

    /// <summary>
    /// Every -Token given to one of <paramref name="commands"/> where it is invoked: a command name in command position
    /// (start of a statement or pipeline stage, after '(' '{' '=' '&amp;' or '.'), followed by tokens at the same
    /// bracket depth until '|', ';', the end of the line (without a backtick continuation) or the bracket closes.
    /// </summary>
    public static IEnumerable<ParameterUse> ParameterUses(string code, IEnumerable<string> commands)
    {
        var names = new HashSet<string>(commands, StringComparer.OrdinalIgnoreCase);
        var tokens = Tokenize(code);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind != TokenKind.Word || !names.Contains(token.Text) || !InCommandPosition(tokens, i))
            {
                continue;
            }

            for (var j = i + 1; j < tokens.Count; j++)
            {
                var next = tokens[j];
                if (next.Depth < token.Depth || (next.Depth == token.Depth && next.Kind is TokenKind.Pipe or TokenKind.End))
                {
                    break;
                }

                if (next.Depth == token.Depth && next.Kind == TokenKind.Word && next.Text.Length > 1 && next.Text[0] == '-' && char.IsLetter(next.Text[1]))
                {
                    var name = next.Text[1..];
                    var colon = name.IndexOf(':', StringComparison.Ordinal);
                    yield return new ParameterUse(token.Text, colon < 0 ? name : name[..colon], next.Line);
                }
            }
        }
    }

    /// <summary>The command names invoked in the code (in command position), for "does an example run this cmdlet".</summary>
    public static IEnumerable<string> Invocations(string code, IEnumerable<string> commands)
    {
        var names = new HashSet<string>(commands, StringComparer.OrdinalIgnoreCase);
        var tokens = Tokenize(code);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == TokenKind.Word && names.Contains(tokens[i].Text) && InCommandPosition(tokens, i))
            {
                yield return tokens[i].Text;
            }
        }
    }

    private static bool InCommandPosition(List<Token> tokens, int index)
    {
        if (index == 0)
        {
            return true;
        }

        var depth = tokens[index].Depth;
        var previous = tokens[index - 1];
        if (previous.Depth > depth)
        {
            // A bracket group ends right before the name, which is then an argument: 'if ($x) Name'.
            return false;
        }

        return previous.Depth < depth
            || previous.Kind is TokenKind.Pipe or TokenKind.End or TokenKind.Open
            || (previous.Kind == TokenKind.Word && previous.Text is "=" or "&" or "." or "return" or "+=");
    }

    public static List<Token> Tokenize(string code)
    {
        var tokens = new List<Token>();
        var text = code.Replace("\r\n", "\n", StringComparison.Ordinal);
        var depth = 0;
        var line = 1;
        var i = 0;
        var word = new StringBuilder();
        var wordLine = 1;

        void FlushWord()
        {
            if (word.Length > 0)
            {
                tokens.Add(new Token(TokenKind.Word, word.ToString(), depth, wordLine));
                word.Clear();
            }
        }

        void Add(TokenKind kind, string value)
        {
            FlushWord();
            tokens.Add(new Token(kind, value, depth, line));
        }

        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';

            if (c == '`' && (next == '\n' || (next == '\r')))
            {
                // Line continuation: the statement goes on.
                FlushWord();
                i += 2;
                line++;
                continue;
            }

            if (c == '`')
            {
                // An escaped character belongs to the word.
                word.Append(next);
                i += 2;
                continue;
            }

            if (c == '\n')
            {
                Add(TokenKind.End, "\n");
                line++;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                FlushWord();
                i++;
                continue;
            }

            if (c == '<' && next == '#')
            {
                FlushWord();
                var end = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                line += Count(text, i, end, '\n');
                i = end;
                continue;
            }

            if (c == '#' && word.Length == 0)
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end;
                continue;
            }

            if ((c == '@' && (next == '"' || next == '\'')) && word.Length == 0 && i + 2 < text.Length && (text[i + 2] == '\n' || text[i + 2] == '\r'))
            {
                var terminator = "\n" + next + "@";
                var end = text.IndexOf(terminator, i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + terminator.Length;
                var startLine = line;
                line += Count(text, i, end, '\n');
                FlushWord();
                tokens.Add(new Token(TokenKind.String, text[i..end], depth, startLine));
                i = end;
                continue;
            }

            if (c == '\'' || c == '"')
            {
                var end = SkipString(text, i);
                var startLine = line;
                line += Count(text, i, end, '\n');
                if (word.Length > 0)
                {
                    // A quoted part of a word, such as $_.'Teléfono móvil'.
                    word.Append(text, i, end - i);
                }
                else
                {
                    tokens.Add(new Token(TokenKind.String, text[i..end], depth, startLine));
                }

                i = end;
                continue;
            }

            if ((c == '@' || c == '$') && (next == '(' || next == '{') && word.Length == 0)
            {
                Add(TokenKind.Open, text.Substring(i, 2));
                depth++;
                i += 2;
                continue;
            }

            switch (c)
            {
                case '(':
                case '{':
                case '[':
                    Add(TokenKind.Open, c.ToString());
                    depth++;
                    i++;
                    continue;
                case ')':
                case '}':
                case ']':
                    FlushWord();
                    depth = Math.Max(0, depth - 1);
                    tokens.Add(new Token(TokenKind.Close, c.ToString(), depth, line));
                    i++;
                    continue;
                case '|':
                    if (next == '|')
                    {
                        Add(TokenKind.End, "||");
                        i += 2;
                        continue;
                    }

                    Add(TokenKind.Pipe, "|");
                    i++;
                    continue;
                case ';':
                    Add(TokenKind.End, ";");
                    i++;
                    continue;
                case '&' when next == '&':
                    Add(TokenKind.End, "&&");
                    i += 2;
                    continue;
                case ',':
                    FlushWord();
                    i++;
                    continue;
            }

            if (word.Length == 0)
            {
                wordLine = line;
            }

            word.Append(c);
            i++;
        }

        FlushWord();
        return tokens;
    }

    /// <summary>The index just after the string that starts at <paramref name="start"/>.</summary>
    private static int SkipString(string text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (quote == '\'' && c == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            if (quote == '"')
            {
                if (c == '`')
                {
                    i += 2;
                    continue;
                }

                if (c == '$' && i + 1 < text.Length && text[i + 1] == '(')
                {
                    i = SkipSubExpression(text, i + 2);
                    continue;
                }

                if (c == '"')
                {
                    return i + 1;
                }
            }

            i++;
        }

        return text.Length;
    }

    /// <summary>The index just after the ')' that closes a $( ... ) opened before <paramref name="start"/>.</summary>
    private static int SkipSubExpression(string text, int start)
    {
        var depth = 1;
        var i = start;
        while (i < text.Length && depth > 0)
        {
            var c = text[i];
            if (c == '\'' || c == '"')
            {
                i = SkipString(text, i);
                continue;
            }

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            i++;
        }

        return i;
    }

    private static int Count(string text, int start, int end, char c)
    {
        var count = 0;
        for (var i = start; i < Math.Min(end, text.Length); i++)
        {
            if (text[i] == c)
            {
                count++;
            }
        }

        return count;
    }
}
