using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.Tests.Credentials;

public sealed class CredentialResolverTests : IDisposable
{
    private readonly TempStoreDirectory temp = new();
    private readonly CredentialSession session = new();
    private readonly FakeEnvironment environment = new();

    public void Dispose() => temp.Dispose();

    private CredentialResolver Resolver() => new(session, temp.Store(), environment.Get);

    private void SetAllSources()
    {
        session.Set("default", JelouCredential.FromPlainText("session-id", "session-secret"));
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret");
        temp.Store().Save("default", JelouCredential.FromPlainText("file-id", "file-secret"));
    }

    [Fact]
    public void An_explicit_credential_beats_session_environment_and_file()
    {
        SetAllSources();

        var resolved = Resolver().Resolve(JelouCredential.FromPlainText("explicit-id", "explicit-secret"));

        Assert.Equal("explicit-id", resolved.Credential.ClientId);
        Assert.Equal(CredentialSource.Explicit, resolved.Source);
    }

    [Fact]
    public void The_session_profile_beats_environment_and_file()
    {
        SetAllSources();

        var resolved = Resolver().Resolve();

        Assert.Equal("session-id", resolved.Credential.ClientId);
        Assert.Equal("session-secret", resolved.Credential.RevealSecret());
        Assert.Equal(CredentialSource.Session, resolved.Source);
        Assert.Equal("default", resolved.ProfileName);
    }

    [Fact]
    public void Environment_variables_beat_the_persisted_profile()
    {
        SetAllSources();
        session.Clear();

        var resolved = Resolver().Resolve();

        Assert.Equal("env-id", resolved.Credential.ClientId);
        Assert.Equal("env-secret", resolved.Credential.RevealSecret());
        Assert.Equal(CredentialSource.Environment, resolved.Source);
    }

    [Fact]
    public void The_persisted_profile_is_used_when_nothing_else_is_set()
    {
        SetAllSources();
        session.Clear();
        var bare = new CredentialResolver(session, temp.Store(), new FakeEnvironment().Get);

        var resolved = bare.Resolve();

        Assert.Equal("file-id", resolved.Credential.ClientId);
        Assert.Equal("file-secret", resolved.Credential.RevealSecret());
        Assert.Equal(CredentialSource.CurrentUser, resolved.Source);
        Assert.Contains(temp.FilePath, resolved.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_credentials_are_used_even_when_the_credential_file_is_corrupt()
    {
        Directory.CreateDirectory(temp.StoreDirectory);
        File.WriteAllText(temp.FilePath, "{ garbage");
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret");

        Assert.Equal(CredentialSource.Environment, Resolver().Resolve().Source);
    }

    [Fact]
    public void Nothing_anywhere_gives_an_error_that_says_how_to_fix_it()
    {
        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve());

        Assert.Equal(CredentialErrorReason.NotFound, ex.Reason);
        Assert.Contains("Set-JelouCredential", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JELOU_CLIENT_ID", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JELOU_CLIENT_SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-Credential", ex.Message, StringComparison.Ordinal);
        Assert.Equal("JelouCredentialNotFound", ex.ErrorId);
    }

    [Fact]
    public void Only_JELOU_CLIENT_ID_set_is_an_error_about_the_missing_secret_not_a_silent_fallback()
    {
        environment.Set("JELOU_CLIENT_ID", "env-id");
        temp.Store().Save("default", JelouCredential.FromPlainText("file-id", "file-secret"));

        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve());

        Assert.Equal(CredentialErrorReason.Incomplete, ex.Reason);
        Assert.Contains("JELOU_CLIENT_SECRET is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_JELOU_CLIENT_SECRET_set_is_an_error_about_the_missing_id_that_does_not_show_the_secret()
    {
        environment.Set("JELOU_CLIENT_SECRET", "lonely-secret-value").Set("JELOU_CLIENT_ID", "   ");

        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve());

        Assert.Equal(CredentialErrorReason.Incomplete, ex.Reason);
        Assert.Contains("JELOU_CLIENT_ID is missing", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lonely-secret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_profile_is_looked_up_in_the_session_then_the_file_and_never_in_the_environment()
    {
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret");
        temp.Store().Save("prod", JelouCredential.FromPlainText("file-prod", "file-secret"));

        Assert.Equal("file-prod", Resolver().Resolve(profileName: "prod").Credential.ClientId);

        session.Set("PROD", JelouCredential.FromPlainText("session-prod", "session-secret"));
        Assert.Equal("session-prod", Resolver().Resolve(profileName: "prod").Credential.ClientId);
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_naming_it_even_when_environment_variables_are_set()
    {
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret");

        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve(profileName: "staging"));

        Assert.Equal(CredentialErrorReason.NotFound, ex.Reason);
        Assert.Contains("'staging'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Set-JelouCredential -Name staging", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_profile_name_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Resolver().Resolve(profileName: "no/slashes"));

        Assert.Contains("'no/slashes'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_uri_comes_from_the_command_then_the_profile_then_JELOU_BASE_URI_then_the_default()
    {
        session.Set("withuri", JelouCredential.FromPlainText("a", "secret-a"), new Uri("https://profile.example/"));
        session.Set("default", JelouCredential.FromPlainText("b", "secret-b"));

        Assert.Equal("https://api.jelou.ai/", Resolver().Resolve().BaseUri.AbsoluteUri);
        Assert.Equal(JelouClientOptions.DefaultBaseUri, Resolver().Resolve().BaseUri);

        environment.Set("JELOU_BASE_URI", "https://env.example");
        Assert.Equal("https://env.example/", Resolver().Resolve().BaseUri.AbsoluteUri);
        Assert.Equal("https://profile.example/", Resolver().Resolve(profileName: "withuri").BaseUri.AbsoluteUri);
        Assert.Equal("https://command.example/", Resolver().Resolve(profileName: "withuri", explicitBaseUri: new Uri("https://command.example")).BaseUri.AbsoluteUri);
    }

    [Fact]
    public void Environment_credentials_take_their_base_uri_from_JELOU_BASE_URI()
    {
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret").Set("JELOU_BASE_URI", "http://127.0.0.1:9000");

        var resolved = Resolver().Resolve();

        Assert.Equal(CredentialSource.Environment, resolved.Source);
        Assert.Equal("http://127.0.0.1:9000/", resolved.BaseUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("http://remote.example/")]
    public void An_unusable_JELOU_BASE_URI_is_an_error_naming_the_variable(string value)
    {
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret").Set("JELOU_BASE_URI", value);

        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve());

        Assert.Equal(CredentialErrorReason.InvalidValue, ex.Reason);
        Assert.Contains("JELOU_BASE_URI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_credential_file_surfaces_as_its_own_error_rather_than_not_found()
    {
        Directory.CreateDirectory(temp.StoreDirectory);
        File.WriteAllText(temp.FilePath, "{\"version\":1,\"profiles\":[");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var ex = Assert.Throws<JelouCredentialException>(() => Resolver().Resolve());

        Assert.Equal(CredentialErrorReason.Corrupt, ex.Reason);
    }

    [Fact]
    public void Without_a_file_store_the_resolver_still_works_and_says_so()
    {
        var resolver = new CredentialResolver(session, null, environment.Get);

        var ex = Assert.Throws<JelouCredentialException>(() => resolver.Resolve());
        Assert.Contains("Set-JelouCredential", ex.Message, StringComparison.Ordinal);

        session.Set("default", JelouCredential.FromPlainText("s", "secret-s"));
        Assert.Equal(CredentialSource.Session, resolver.Resolve().Source);
    }

    [Fact]
    public void List_shows_session_profiles_then_persisted_ones()
    {
        session.Set("b-session", JelouCredential.FromPlainText("s", "secret-s"));
        temp.Store().Save("a-file", JelouCredential.FromPlainText("f", "secret-f"));

        var all = Resolver().List();

        Assert.Equal(new[] { "b-session", "a-file" }, all.Select(p => p.Name));
        // By name: Mono enumerates an enum array's items as their underlying ints, so xunit would see two types differ.
        Assert.Equal(new[] { nameof(CredentialScope.Process), nameof(CredentialScope.CurrentUser) }, all.Select(p => p.Scope.ToString()));
    }
}
