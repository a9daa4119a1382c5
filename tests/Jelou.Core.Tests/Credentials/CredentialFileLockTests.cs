using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>
/// Issue 17, item 19: the read-modify-write of the credential file is serialized across writers (a lock file), so
/// concurrent saves lose no profile, and a lock that cannot be taken is an error naming it.
/// </summary>
public sealed class CredentialFileLockTests : IDisposable
{
    private readonly TempStoreDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Writers_saving_at_the_same_time_through_separate_stores_lose_no_profile()
    {
        // Here, not in the writer threads: a skip thrown on a thread of its own would be an unhandled exception.
        FrameworkLaneSkips.SkipWithoutPrivateFileStore();
        const int Writers = 4;
        const int PerWriter = 15;
        using var start = new Barrier(Writers);
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            // A store per writer, as each process has its own.
            var store = temp.Store();
            start.SignalAndWait();
            for (var i = 0; i < PerWriter; i++)
            {
                store.Save($"w{w}-p{i}", JelouCredential.FromPlainText("client", "secret-" + i));
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var names = temp.Store().List().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, PerWriter).Select(i => $"w{w}-p{i}")).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, names);
    }

    [Fact]
    public void A_lock_held_too_long_is_an_error_that_names_the_lock_file_and_changes_nothing()
    {
        var store = temp.Store();
        store.Save("first", JelouCredential.FromPlainText("client", "secret-1"));
        var before = File.ReadAllBytes(temp.FilePath);
        store.LockTimeout = TimeSpan.FromMilliseconds(300);

        using (new FileStream(store.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var saving = Assert.Throws<JelouCredentialException>(() => store.Save("second", JelouCredential.FromPlainText("client", "secret-2")));
            var removing = Assert.Throws<JelouCredentialException>(() => store.Remove("first"));
            foreach (var ex in new[] { saving, removing })
            {
                Assert.Equal(CredentialErrorReason.StoreUnavailable, ex.Reason);
                Assert.Contains(store.LockPath, ex.Message, StringComparison.Ordinal);
                Assert.Contains("another process", ex.Message, StringComparison.OrdinalIgnoreCase);
            }

            // Reading needs no lock: every write replaces the file whole.
            Assert.True(store.TryGet("first", out _));
        }

        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
        store.Save("second", JelouCredential.FromPlainText("client", "secret-2"));
        Assert.Equal(new[] { "first", "second" }, store.List().Select(p => p.Name));
    }

    [Fact]
    public void The_lock_file_sits_beside_the_credential_file_and_removing_from_a_store_never_written_creates_nothing()
    {
        var store = temp.Store();
        Assert.Equal(Path.Combine(temp.StoreDirectory, CredentialFileStore.LockFileName), store.LockPath);

        Assert.False(store.Remove("default"));
        Assert.False(Directory.Exists(temp.StoreDirectory));

        store.Save("default", JelouCredential.FromPlainText("client", "secret"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.LockPath));
        }
    }
}
