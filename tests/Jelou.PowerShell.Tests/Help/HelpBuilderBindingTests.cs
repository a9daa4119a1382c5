namespace Jelou.PowerShell.Tests.Help;

/// <summary>
/// The help builder against the real assembly: a copy of src/Jelou.PowerShell/Help with one edit must fail the
/// build, naming the file and saying what disagrees, because the markdown describes and the assembly declares.
/// </summary>
public sealed class HelpBuilderBindingTests(HelpFixture help) : IClassFixture<HelpFixture>
{
    [Theory]
    [InlineData("Get-JelouCredential.md", "### -Scope\n", "### -Bogus\nNot a parameter.\n\n### -Scope\n", "Get-JelouCredential has no parameter -Bogus")]
    [InlineData("Get-JelouCredential.md", "### -Scope\n", "### -NotScope\n", "-Scope of Get-JelouCredential is not described")]
    [InlineData("Send-JelouRoomMessage.md", "### -InputObject\n", "### -Proxy\nA second description.\n\n### -InputObject\n", "-Proxy is described here and in Shared/SendParameters.md")]
    [InlineData("Send-JelouRoomMessage.md", "shared parameters: Shared/SendParameters.md\n", "", "-Credential of Send-JelouRoomMessage is not described")]
    [InlineData("Shared/SendParameters.md", "### -Confirm\n", "### -Quiet\nOnly Test-JelouCredential has it.\n\n### -Confirm\n", "Send-JelouBotMessage has no parameter -Quiet (the file is shared by Send-JelouBotMessage.md)")]
    [InlineData("Remove-JelouCredential.md", "### -WhatIf\n", "### -NotWhatIf\n", "-WhatIf of Remove-JelouCredential is not described")]
    public void A_help_file_that_disagrees_with_the_assembly_fails_the_build(string file, string find, string replace, string expected)
    {
        var source = Directory.CreateTempSubdirectory("jelou-helpbind-");
        try
        {
            foreach (var path in Directory.EnumerateFiles(help.HelpSource, "*.md", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(source.FullName, Path.GetRelativePath(help.HelpSource, path));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(path, copy);
            }

            var edited = Path.Combine(source.FullName, file);
            var text = File.ReadAllText(edited).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.Contains(find, text, StringComparison.Ordinal);
            File.WriteAllText(edited, text.Replace(find, replace, StringComparison.Ordinal));

            var maml = Path.Combine(source.FullName, "out", HelpFixture.HelpFileName);
            var (exitCode, output) = help.RunHelpBuilder("--source", source.FullName, "--maml", maml, "--about", Path.Combine(source.FullName, "out"));
            Assert.Equal(1, exitCode);
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.Contains("error JHELP", output, StringComparison.Ordinal);
            Assert.False(File.Exists(maml), "Nothing may be written when the help and the assembly disagree.");
        }
        finally
        {
            source.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_unedited_copy_builds_so_each_failure_above_is_the_edit()
    {
        var source = Directory.CreateTempSubdirectory("jelou-helpbind-");
        try
        {
            foreach (var path in Directory.EnumerateFiles(help.HelpSource, "*.md", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(source.FullName, Path.GetRelativePath(help.HelpSource, path));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(path, copy);
            }

            var maml = Path.Combine(source.FullName, "out", HelpFixture.HelpFileName);
            var (exitCode, output) = help.RunHelpBuilder("--source", source.FullName, "--maml", maml, "--about", Path.Combine(source.FullName, "out"));
            Assert.True(exitCode == 0, output);
            Assert.True(File.ReadAllBytes(help.MamlPath).AsSpan().SequenceEqual(File.ReadAllBytes(maml)), "The copy must build the same MAML as the help folder.");
        }
        finally
        {
            source.Delete(recursive: true);
        }
    }
}
