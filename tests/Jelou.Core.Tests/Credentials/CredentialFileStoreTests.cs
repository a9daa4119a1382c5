using System.Text;
using System.Text.Json;
using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

public sealed class CredentialFileStoreTests : IDisposable
{
    private const string Secret = "s3cr3t-VALUE-42";
    private readonly TempStoreDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Save_then_TryGet_round_trips_client_id_secret_and_base_uri()
    {
        var store = temp.Store();
        store.Save("prod", JelouCredential.FromPlainText("client-1", Secret), new Uri("https://staging.jelou.ai/api"));

        // A fresh instance reads from disk, not from anything cached in memory.
        Assert.True(temp.Store().TryGet("prod", out var profile));
        Assert.Equal("prod", profile.Name);
        Assert.Equal("client-1", profile.ClientId);
        Assert.Equal(Secret, profile.Credential.RevealSecret());
        Assert.Equal("https://staging.jelou.ai/api/", profile.BaseUri!.AbsoluteUri);
        Assert.Equal(CredentialScope.CurrentUser, profile.Scope);
        Assert.Contains(temp.FilePath, profile.Store, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGet_on_a_store_that_was_never_written_is_false_and_creates_nothing()
    {
        Assert.False(temp.Store().TryGet("default", out var profile));
        Assert.Null(profile);
        Assert.Empty(temp.Store().List());
        Assert.False(Directory.Exists(temp.StoreDirectory));
    }

    [Fact]
    public void Save_replaces_a_profile_with_the_same_name_case_insensitively()
    {
        var store = temp.Store();
        store.Save("Prod", JelouCredential.FromPlainText("old-id", "old-secret"));
        store.Save("prod", JelouCredential.FromPlainText("new-id", "new-secret"));

        var all = store.List();
        var only = Assert.Single(all);
        Assert.Equal("prod", only.Name);
        Assert.Equal("new-id", only.ClientId);
        Assert.True(store.TryGet("PROD", out var found));
        Assert.Equal("new-secret", found.Credential.RevealSecret());
    }

    [Fact]
    public void Remove_deletes_only_the_named_profile_and_says_whether_it_existed()
    {
        var store = temp.Store();
        store.Save("a", JelouCredential.FromPlainText("id-a", "secret-a"));
        store.Save("b", JelouCredential.FromPlainText("id-b", "secret-b"));

        Assert.True(store.Remove("A"));
        Assert.False(store.Remove("a"));
        Assert.False(store.TryGet("a", out _));
        Assert.True(store.TryGet("b", out var b));
        Assert.Equal("secret-b", b.Credential.RevealSecret());
    }

    [Fact]
    public void Remove_of_a_missing_profile_leaves_the_file_untouched()
    {
        var store = temp.Store();
        store.Save("a", JelouCredential.FromPlainText("id-a", "secret-a"));
        var before = File.GetLastWriteTimeUtc(temp.FilePath);
        var bytes = File.ReadAllBytes(temp.FilePath);
        Thread.Sleep(20);

        Assert.False(store.Remove("nope"));

        Assert.Equal(bytes, File.ReadAllBytes(temp.FilePath));
        Assert.Equal(before, File.GetLastWriteTimeUtc(temp.FilePath));
    }

    [Fact]
    public void List_returns_every_profile_ordered_by_name()
    {
        var store = temp.Store();
        store.Save("zeta", JelouCredential.FromPlainText("z", "secret-z"));
        store.Save("alpha", JelouCredential.FromPlainText("a", "secret-a"));
        store.Save("Mid", JelouCredential.FromPlainText("m", "secret-m"));

        Assert.Equal(new[] { "alpha", "Mid", "zeta" }, store.List().Select(p => p.Name));
    }

    [Theory]
    [InlineData("con:tra:se\u00f1a")]
    [InlineData("\u00f1and\u00fa:\u65e5\u672c\u8a9e:\U0001F510")]
    [InlineData(":leading-and-trailing-colons:")]
    [InlineData(" spaces around ")]
    [InlineData("quote\"back\\slash\ttab")]
    public void Secrets_with_non_ascii_characters_and_colons_round_trip_exactly(string secret)
    {
        temp.Store().Save("default", JelouCredential.FromPlainText("cli\u00e9nt:id", secret));

        Assert.True(temp.Store().TryGet("default", out var profile));
        Assert.Equal(secret, profile.Credential.RevealSecret());
        Assert.Equal("cli\u00e9nt:id", profile.ClientId);
    }

    [Fact]
    public void File_has_a_format_version_and_stores_the_secret_base64_encoded_not_in_plain_text()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows stores a DPAPI blob instead; see the Windows-only test.
        }

        temp.Store().Save("default", JelouCredential.FromPlainText("client-1", Secret), new Uri("https://example.jelou.test/"));

        var text = File.ReadAllText(temp.FilePath);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(text);
        Assert.Equal(CredentialFileStore.FormatVersion, json.RootElement.GetProperty("version").GetInt32());
        var entry = Assert.Single(json.RootElement.GetProperty("profiles").EnumerateArray().ToList());
        Assert.Equal("default", entry.GetProperty("name").GetString());
        Assert.Equal("client-1", entry.GetProperty("clientId").GetString());
        Assert.Equal("base64", entry.GetProperty("protection").GetString());
        Assert.Equal(Secret, Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("secret").GetString()!)));
        Assert.Equal("https://example.jelou.test/", entry.GetProperty("baseUri").GetString());
    }

    [Fact]
    public void On_Windows_the_secret_is_a_DPAPI_blob()
    {
        if (!OperatingSystem.IsWindows())
        {
            return; // DPAPI exists only on Windows.
        }

        temp.Store().Save("default", JelouCredential.FromPlainText("client-1", Secret));

        using var json = JsonDocument.Parse(File.ReadAllText(temp.FilePath));
        var entry = json.RootElement.GetProperty("profiles")[0];
        Assert.Equal("dpapi-currentuser", entry.GetProperty("protection").GetString());
        Assert.NotEqual(Secret, Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("secret").GetString()!)));
        Assert.True(temp.Store().TryGet("default", out var profile));
        Assert.Equal(Secret, profile.Credential.RevealSecret());
    }

    [Fact]
    public void On_Unix_the_file_is_created_0600_in_a_0700_directory_and_no_temporary_file_is_left()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));
        store.Save("other", JelouCredential.FromPlainText("client-2", Secret));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temp.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(temp.StoreDirectory));
        Assert.Equal(new[] { CredentialFileStore.FileName }, Directory.GetFiles(temp.StoreDirectory).Select(Path.GetFileName).Where(n => n != CredentialFileStore.LockFileName));
    }

    [Fact]
    public void On_Unix_each_write_replaces_the_file_by_rename_rather_than_rewriting_it_in_place()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));

        // A reader holding the old file keeps seeing a complete old version: the new one is a different file.
        using var oldHandle = new FileStream(temp.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var oldLength = oldHandle.Length;
        store.Save("second", JelouCredential.FromPlainText("client-2", "another-secret"));

        Assert.Equal(oldLength, oldHandle.Length);
        Assert.True(new FileInfo(temp.FilePath).Length > oldLength);
        Assert.Equal(2, store.List().Count);
    }

    [Theory]
    [InlineData(0b110_100_100)] // 0644
    [InlineData(0b110_100_000)] // 0640
    [InlineData(0b110_000_100)] // 0604
    [InlineData(0b110_000_010)] // 0602
    [InlineData(0b111_000_001)] // 0701
    public void On_Unix_a_file_readable_or_writable_by_others_is_refused_with_its_path_mode_and_the_fix(int mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));
        File.SetUnixFileMode(temp.FilePath, (UnixFileMode)mode);
        var bytes = File.ReadAllBytes(temp.FilePath);
        var octal = "0" + Convert.ToString(mode, 8);

        var failures = new[]
        {
            Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _)),
            Assert.Throws<JelouCredentialException>(() => store.List()),
            Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("client-1", "new-secret"))),
            Assert.Throws<JelouCredentialException>(() => store.Remove("default")),
        };

        foreach (var ex in failures)
        {
            Assert.Equal(CredentialErrorReason.InsecurePermissions, ex.Reason);
            Assert.Equal(temp.FilePath, ex.Path);
            Assert.Contains(temp.FilePath, ex.Message, StringComparison.Ordinal);
            Assert.Contains(octal, ex.Message, StringComparison.Ordinal);
            Assert.Contains("chmod 600 " + temp.FilePath, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        }

        // Refused means refused: neither the content nor the mode was "fixed" behind the user's back.
        Assert.Equal(bytes, File.ReadAllBytes(temp.FilePath));
        Assert.Equal((UnixFileMode)mode, File.GetUnixFileMode(temp.FilePath));
    }

    [Fact]
    public void On_Unix_the_file_is_usable_again_after_chmod_600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));
        File.SetUnixFileMode(temp.FilePath, (UnixFileMode)0b110_100_100);
        Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _));

        File.SetUnixFileMode(temp.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.True(store.TryGet("default", out var profile));
        Assert.Equal(Secret, profile.Credential.RevealSecret());
    }

    [Fact]
    public void On_Unix_a_path_with_spaces_is_quoted_in_the_chmod_advice()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        FrameworkLaneSkips.SkipWithoutPrivateFileStore();
        var directory = Path.Combine(temp.Root, "Application Support", "jelou");
        var store = new CredentialFileStore(directory);
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));
        File.SetUnixFileMode(store.Path, (UnixFileMode)0b110_100_100);

        var ex = Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _));

        Assert.Contains("chmod 600 '" + store.Path + "'", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> CorruptFiles() => new()
    {
        { "truncated", "{\"version\":1,\"profiles\":[{\"name\":\"default\",\"clientId\":\"client-1\",\"protection\":\"base64\",\"secret\":\"czNjcj" },
        { "garbage", "this is not json at all" },
        { "empty", string.Empty },
        { "whitespace", "   \n" },
        { "json null", "null" },
        { "no version", "{\"profiles\":[]}" },
        { "no profiles", "{\"version\":1}" },
        { "bad base64 secret", "{\"version\":1,\"profiles\":[{\"name\":\"default\",\"clientId\":\"c\",\"protection\":\"base64\",\"secret\":\"%%%not base64%%%\"}]}" },
        { "missing secret", "{\"version\":1,\"profiles\":[{\"name\":\"default\",\"clientId\":\"c\",\"protection\":\"base64\"}]}" },
        { "unknown protection", "{\"version\":1,\"profiles\":[{\"name\":\"default\",\"clientId\":\"c\",\"protection\":\"rot13\",\"secret\":\"YWJj\"}]}" },
        { "invalid name", "{\"version\":1,\"profiles\":[{\"name\":\"has space\",\"clientId\":\"c\",\"protection\":\"base64\",\"secret\":\"YWJj\"}]}" },
        { "duplicate names", "{\"version\":1,\"profiles\":[{\"name\":\"a\",\"clientId\":\"c\",\"protection\":\"base64\",\"secret\":\"YWJj\"},{\"name\":\"A\",\"clientId\":\"c\",\"protection\":\"base64\",\"secret\":\"YWJj\"}]}" },
        { "wrong shape", "[1,2,3]" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_gives_a_clear_error_naming_the_path_and_is_never_overwritten(string what, string content)
    {
        Directory.CreateDirectory(temp.StoreDirectory);
        WritePrivateFile(temp.FilePath, content);
        var before = File.ReadAllBytes(temp.FilePath);
        var store = temp.Store();

        var failures = new[]
        {
            Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _)),
            Assert.Throws<JelouCredentialException>(() => store.List()),
            Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("client-1", Secret))),
            Assert.Throws<JelouCredentialException>(() => store.Save("other", JelouCredential.FromPlainText("client-2", Secret))),
            Assert.Throws<JelouCredentialException>(() => store.Remove("default")),
        };

        foreach (var ex in failures)
        {
            Assert.True(ex.Reason == CredentialErrorReason.Corrupt, what + ": " + ex.Reason);
            Assert.Contains(temp.FilePath, ex.Message, StringComparison.Ordinal);
            Assert.Contains("corrupted or truncated", ex.Message, StringComparison.Ordinal);
            Assert.Contains("delete it", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
        Assert.Equal(new[] { CredentialFileStore.FileName }, Directory.GetFiles(temp.StoreDirectory).Select(Path.GetFileName).Where(n => n != CredentialFileStore.LockFileName));
    }

    [Fact]
    public void A_file_truncated_in_the_middle_of_a_secret_does_not_show_any_of_it()
    {
        const string longSecret = "VeryLongSecretValueThatMustNeverBeShown0123456789";
        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", longSecret));
        var full = File.ReadAllText(temp.FilePath);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(longSecret));
        var cut = full.IndexOf(encoded, StringComparison.Ordinal) + (encoded.Length / 2);
        WritePrivateFile(temp.FilePath, full.Substring(0, cut));

        var ex = Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _));

        Assert.Equal(CredentialErrorReason.Corrupt, ex.Reason);
        Assert.Null(ex.InnerException);
        Assert.DoesNotContain(encoded.Substring(0, 8), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(longSecret.Substring(0, 8), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_from_a_newer_format_version_is_refused_and_left_alone()
    {
        Directory.CreateDirectory(temp.StoreDirectory);
        WritePrivateFile(temp.FilePath, "{\"version\":2,\"profiles\":[],\"vault\":\"something new\"}");
        var before = File.ReadAllBytes(temp.FilePath);
        var store = temp.Store();

        var read = Assert.Throws<JelouCredentialException>(() => store.List());
        var write = Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("c", Secret)));

        Assert.Equal(CredentialErrorReason.UnsupportedVersion, read.Reason);
        Assert.Equal(CredentialErrorReason.UnsupportedVersion, write.Reason);
        Assert.Contains("newer version", read.Message, StringComparison.Ordinal);
        Assert.Contains(temp.FilePath, read.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(temp.FilePath));
    }

    [Fact]
    public void On_Unix_a_DPAPI_entry_copied_from_Windows_gives_a_clear_error()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(temp.StoreDirectory);
        WritePrivateFile(temp.FilePath, "{\"version\":1,\"profiles\":[{\"name\":\"default\",\"clientId\":\"c\",\"protection\":\"dpapi-currentuser\",\"secret\":\"AQAAANCMnd8B\"}]}");

        var ex = Assert.Throws<JelouCredentialException>(() => temp.Store().TryGet("default", out _));

        Assert.Equal(CredentialErrorReason.PlatformNotSupported, ex.Reason);
        Assert.Contains("DPAPI", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Set-JelouCredential", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_extra_fields_from_a_hand_edited_file_are_tolerated()
    {
        Directory.CreateDirectory(temp.StoreDirectory);
        WritePrivateFile(temp.FilePath, "{\"version\":1,\"comment\":\"mine\",\"profiles\":[{\"name\":\"default\",\"clientId\":\"c\",\"protection\":\"base64\",\"secret\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)) + "\",\"note\":1}]}");

        Assert.True(temp.Store().TryGet("default", out var profile));
        Assert.Equal(Secret, profile.Credential.RevealSecret());
    }

    [Theory]
    [InlineData("http://api.jelou.ai/")]
    [InlineData("ftp://api.jelou.ai/")]
    public void Save_refuses_a_base_uri_that_would_send_the_secret_in_clear(string uri)
    {
        Assert.Throws<ArgumentException>(() => temp.Store().Save("default", JelouCredential.FromPlainText("c", Secret), new Uri(uri)));
        Assert.False(File.Exists(temp.FilePath));
    }

    [Fact]
    public void Save_refuses_a_base_uri_with_user_info_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            temp.Store().Save("default", JelouCredential.FromPlainText("c", Secret), new Uri("https://c:" + Secret + "@api.jelou.ai/")));

        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_to_loopback_is_allowed_for_the_fake_api()
    {
        temp.Store().Save("local", JelouCredential.FromPlainText("c", Secret), new Uri("http://127.0.0.1:5055"));

        Assert.True(temp.Store().TryGet("local", out var profile));
        Assert.Equal("http://127.0.0.1:5055/", profile.BaseUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("se\u00f1or")]
    [InlineData("../escape")]
    [InlineData("with:colon")]
    [InlineData("..")]
    public void Invalid_profile_names_are_rejected_by_every_operation(string name)
    {
        var store = temp.Store();
        var credential = JelouCredential.FromPlainText("c", Secret);

        var ex = Assert.Throws<ArgumentException>(() => store.Save(name, credential));
        Assert.Throws<ArgumentException>(() => store.TryGet(name, out _));
        Assert.Throws<ArgumentException>(() => store.Remove(name));

        Assert.Contains("letters, digits", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.FilePath));
    }

    [Fact]
    public void Default_directory_follows_XDG_CONFIG_HOME_then_HOME_and_macOS_conventions()
    {
        var xdg = Path.Combine(temp.Root, "xdg");
        var home = Path.Combine(temp.Root, "home");

        Assert.Equal(
            Path.Combine(xdg, "jelou"),
            CredentialFileStore.DefaultDirectory(new FakeEnvironment().Set("XDG_CONFIG_HOME", xdg).Set("HOME", home).Get, windows: false, macOS: false));
        Assert.Equal(
            Path.Combine(home, ".config", "jelou"),
            CredentialFileStore.DefaultDirectory(new FakeEnvironment().Set("HOME", home).Get, windows: false, macOS: false));
        Assert.Equal(
            Path.Combine(home, ".config", "jelou"),
            CredentialFileStore.DefaultDirectory(new FakeEnvironment().Set("XDG_CONFIG_HOME", "relative/ignored").Set("HOME", home).Get, windows: false, macOS: false));
        Assert.Equal(
            Path.Combine(home, "Library", "Application Support", "jelou"),
            CredentialFileStore.DefaultDirectory(new FakeEnvironment().Set("HOME", home).Get, windows: false, macOS: true));
    }

    [Fact]
    public void The_default_store_path_ends_in_jelou_credentials_json()
    {
        var store = new CredentialFileStore();

        Assert.Equal(Path.Combine("jelou", "credentials.json"), Path.Combine(Path.GetFileName(store.Directory), Path.GetFileName(store.Path)));
        Assert.Equal(OperatingSystem.IsWindows(), store.EncryptsSecrets);
    }

    private static void WritePrivateFile(string path, string content)
    {
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
