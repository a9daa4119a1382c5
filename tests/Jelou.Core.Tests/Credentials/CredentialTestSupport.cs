using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>A private temporary directory per test, so stores never touch the real ~/.config.</summary>
internal sealed class TempStoreDirectory : IDisposable
{
    public TempStoreDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "jelou-cred-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);

        // A subdirectory that does not exist yet, so the store has to create it (with 0700 on Unix).
        StoreDirectory = Path.Combine(Root, "config", "jelou");
    }

    public string Root { get; }

    public string StoreDirectory { get; }

    public string FilePath => Path.Combine(StoreDirectory, CredentialFileStore.FileName);

    /// <summary>A store on this directory; skips the test where the runtime cannot keep a private credential file.</summary>
    public CredentialFileStore Store()
    {
        FrameworkLaneSkips.SkipWithoutPrivateFileStore();
        return new(StoreDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>An environment that is a dictionary, so tests never read or change the real one.</summary>
internal sealed class FakeEnvironment
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public FakeEnvironment Set(string name, string value)
    {
        values[name] = value;
        return this;
    }

    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;
}
