using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>
/// Where the credential file store cannot keep its file private (off Windows, a runtime with neither the .NET 7+ Unix
/// file-mode APIs nor a libc it knows), it refuses with an error that says why and what to use instead, and writes
/// nothing. Every lane has one of the two, so the test takes both away for its own flow.
/// </summary>
public sealed class CredentialStoreOnFrameworkTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "jelou-cred-fx-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Saving_where_the_file_cannot_be_private_is_a_platform_error_that_writes_nothing()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "On Windows the store uses DPAPI and ACLs, not Unix file modes.");
        UnixPermissions.Missing.Value = true;
        var store = new CredentialFileStore(Path.Combine(root, "jelou"));

        var ex = Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("client", "secret")));

        Assert.Equal(CredentialErrorReason.PlatformNotSupported, ex.Reason);
        Assert.Contains("0600", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-Scope Process", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message.Replace("Set-JelouCredential", string.Empty), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "jelou", CredentialFileStore.FileName)));
    }
}
