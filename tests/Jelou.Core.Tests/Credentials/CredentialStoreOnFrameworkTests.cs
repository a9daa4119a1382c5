using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>
/// Where the credential file store cannot keep its file private (.NET Framework off Windows: Mono has no Unix file-mode
/// APIs), it refuses with an error that says why and what to use instead, and writes nothing.
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
        Assert.SkipUnless(FrameworkLaneSkips.FileStoreUnavailable, "This runtime can create private files; the store's own tests cover it.");
        var store = new CredentialFileStore(Path.Combine(root, "jelou"));

        var ex = Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("client", "secret")));

        Assert.Equal(CredentialErrorReason.PlatformNotSupported, ex.Reason);
        Assert.Contains("0600", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-Scope Process", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message.Replace("Set-JelouCredential", string.Empty), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "jelou", CredentialFileStore.FileName)));
    }
}
