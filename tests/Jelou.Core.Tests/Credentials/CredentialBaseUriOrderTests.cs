using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.Tests.Credentials;

/// <summary>
/// Issue 17, item 17: the base URI is the command's -BaseUri, then the profile in use, then JELOU_BASE_URI, then
/// production, whether the credential came from -Credential, a profile or the environment.
/// </summary>
public sealed class CredentialBaseUriOrderTests : IDisposable
{
    private static readonly JelouCredential Explicit = JelouCredential.FromPlainText("explicit-id", "explicit-secret");
    private readonly TempStoreDirectory temp = new();
    private readonly CredentialSession session = new();
    private readonly FakeEnvironment environment = new();

    public void Dispose() => temp.Dispose();

    private CredentialResolver Resolver() => new(session, temp.Store(), environment.Get);

    [Fact]
    public void An_explicit_credential_goes_to_the_base_uri_of_the_default_session_profile()
    {
        session.Set("default", JelouCredential.FromPlainText("s", "secret-s"), new Uri("https://sandbox.example/"));
        environment.Set("JELOU_BASE_URI", "https://env.example/");

        var resolved = Resolver().Resolve(Explicit);

        Assert.Equal("explicit-id", resolved.Credential.ClientId);
        Assert.Equal(CredentialSource.Explicit, resolved.Source);
        Assert.Equal("https://sandbox.example/", resolved.BaseUri.AbsoluteUri);
    }

    [Fact]
    public void An_explicit_credential_with_a_profile_name_goes_to_that_profile_s_base_uri_from_the_session_or_the_file()
    {
        session.Set("default", JelouCredential.FromPlainText("s", "secret-s"), new Uri("https://default.example/"));
        session.Set("in-session", JelouCredential.FromPlainText("s", "secret-s"), new Uri("https://session.example/"));
        temp.Store().Save("in-file", JelouCredential.FromPlainText("f", "secret-f"), new Uri("https://file.example/"));

        Assert.Equal("https://session.example/", Resolver().Resolve(Explicit, "in-session").BaseUri.AbsoluteUri);
        Assert.Equal("https://file.example/", Resolver().Resolve(Explicit, "in-file").BaseUri.AbsoluteUri);
        Assert.Equal("explicit-id", Resolver().Resolve(Explicit, "in-file").Credential.ClientId);
    }

    [Fact]
    public void An_explicit_credential_goes_to_the_persisted_default_profile_s_base_uri_when_that_profile_is_in_use()
    {
        temp.Store().Save("default", JelouCredential.FromPlainText("f", "secret-f"), new Uri("https://file.example/"));

        Assert.Equal("https://file.example/", Resolver().Resolve(Explicit).BaseUri.AbsoluteUri);
    }

    [Fact]
    public void When_the_environment_credential_is_in_use_the_persisted_default_profile_does_not_choose_the_base_uri()
    {
        temp.Store().Save("default", JelouCredential.FromPlainText("f", "secret-f"), new Uri("https://file.example/"));
        environment.Set("JELOU_CLIENT_ID", "env-id").Set("JELOU_CLIENT_SECRET", "env-secret").Set("JELOU_BASE_URI", "https://env.example/");

        Assert.Equal("https://env.example/", Resolver().Resolve().BaseUri.AbsoluteUri);
        Assert.Equal("https://env.example/", Resolver().Resolve(Explicit).BaseUri.AbsoluteUri);
    }

    [Fact]
    public void The_command_s_base_uri_wins_and_then_no_store_is_read()
    {
        session.Set("default", JelouCredential.FromPlainText("s", "secret-s"), new Uri("https://sandbox.example/"));
        Directory.CreateDirectory(temp.StoreDirectory);
        File.WriteAllText(temp.FilePath, "{ garbage");

        var resolved = Resolver().Resolve(Explicit, "not-anywhere", new Uri("https://command.example/"));

        Assert.Equal("https://command.example/", resolved.BaseUri.AbsoluteUri);
    }

    [Fact]
    public void Without_a_profile_base_uri_an_explicit_credential_uses_JELOU_BASE_URI_then_production()
    {
        session.Set("default", JelouCredential.FromPlainText("s", "secret-s"));
        Assert.Equal(JelouClientOptions.DefaultBaseUri, Resolver().Resolve(Explicit).BaseUri);

        environment.Set("JELOU_BASE_URI", "https://env.example/");
        Assert.Equal("https://env.example/", Resolver().Resolve(Explicit).BaseUri.AbsoluteUri);

        // A named profile that exists nowhere chooses nothing, so a credential from a vault keeps working.
        Assert.Equal("https://env.example/", Resolver().Resolve(Explicit, "only-in-a-vault").BaseUri.AbsoluteUri);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("named")]
    public void Adding_an_explicit_credential_never_changes_where_the_request_goes(string? profileName)
    {
        var name = profileName ?? "default";
        environment.Set("JELOU_BASE_URI", "https://env.example/");

        // The session profile, then the persisted one, then none at all.
        session.Set(name, JelouCredential.FromPlainText("s", "secret-s"), new Uri("https://session.example/"));
        temp.Store().Save(name, JelouCredential.FromPlainText("f", "secret-f"), new Uri("https://file.example/"));
        Assert.Equal(Resolver().Resolve(null, profileName).BaseUri, Resolver().Resolve(Explicit, profileName).BaseUri);
        Assert.Equal("https://session.example/", Resolver().Resolve(Explicit, profileName).BaseUri.AbsoluteUri);

        session.Remove(name);
        Assert.Equal(Resolver().Resolve(null, profileName).BaseUri, Resolver().Resolve(Explicit, profileName).BaseUri);
        Assert.Equal("https://file.example/", Resolver().Resolve(Explicit, profileName).BaseUri.AbsoluteUri);
    }
}
