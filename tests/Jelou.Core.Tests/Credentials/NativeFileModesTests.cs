using System.Diagnostics;
using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>
/// The libc path for Unix file modes, used where the .NET 7+ APIs are missing (Mono, PowerShell 7.0 to 7.2). Checked on
/// every lane against coreutils' <c>stat</c>, an oracle that shares no code with it, so a wrong <c>struct stat</c> offset
/// fails here rather than passing a readable secret file as private.
/// </summary>
public sealed class NativeFileModesTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "jelou-native-" + Guid.NewGuid().ToString("N"));

    public NativeFileModesTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData(0x180)] // 0600
    [InlineData(0x1A4)] // 0644
    [InlineData(0x1FF)] // 0777
    [InlineData(0x124)] // 0444
    public void The_mode_read_and_written_through_libc_is_the_one_stat_reports(int mode)
    {
        SkipUnlessLinuxWithLibc();
        var path = Path.Combine(root, "file");
        File.WriteAllText(path, "x");

        NativeFileModes.SetMode(path, mode);

        Assert.Equal(mode, OracleMode(path));
        Assert.Equal(mode, NativeFileModes.GetMode(path));
    }

    [Fact]
    public void A_private_file_is_created_0600_and_a_second_CreateNew_is_refused()
    {
        SkipUnlessLinuxWithLibc();
        var path = Path.Combine(root, "secret");

        using (var stream = NativeFileModes.OpenPrivateFile(path, FileMode.CreateNew))
        {
            stream.WriteByte(42);
        }

        Assert.Equal(0x180, OracleMode(path));
        Assert.Equal(1, new FileInfo(path).Length);
        Assert.Throws<IOException>(() => NativeFileModes.OpenPrivateFile(path, FileMode.CreateNew).Dispose());
    }

    [Fact]
    public void OpenOrCreate_keeps_an_existing_file_and_its_mode()
    {
        SkipUnlessLinuxWithLibc();
        var path = Path.Combine(root, "lock");
        File.WriteAllText(path, "kept");
        NativeFileModes.SetMode(path, 0x1A4);

        NativeFileModes.OpenPrivateFile(path, FileMode.OpenOrCreate).Dispose();

        Assert.Equal("kept", File.ReadAllText(path));
        Assert.Equal(0x1A4, OracleMode(path));
    }

    [Fact]
    public void Directories_and_their_missing_parents_are_created_with_the_mode()
    {
        SkipUnlessLinuxWithLibc();
        var leaf = Path.Combine(root, "a", "b");

        NativeFileModes.CreateDirectory(leaf, 0x1C0);

        Assert.Equal(0x1C0, OracleMode(leaf));
        Assert.Equal(0x1C0, OracleMode(Path.Combine(root, "a")));
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_that_names_it()
    {
        SkipUnlessLinuxWithLibc();
        var path = Path.Combine(root, "missing");

        var ex = Assert.Throws<FileNotFoundException>(() => NativeFileModes.GetMode(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    private static void SkipUnlessLinuxWithLibc()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libc file modes are used only on Linux.");
        Assert.True(NativeFileModes.IsAvailable, "on x64 or arm64 Linux, libc's stat must be usable");
    }

    private static int OracleMode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", "-c %a \"" + path + "\"") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return Convert.ToInt32(text, 8);
    }
}
