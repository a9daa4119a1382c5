using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

public sealed class CredentialSessionTests
{
    [Fact]
    public void Set_TryGet_Remove_and_List_work_case_insensitively()
    {
        var session = new CredentialSession();

        var stored = session.Set("Prod", JelouCredential.FromPlainText("id-1", "secret-1"), new Uri("https://x.example"));
        session.Set("dev", JelouCredential.FromPlainText("id-2", "secret-2"));

        Assert.Equal(CredentialScope.Process, stored.Scope);
        Assert.Equal("Session", stored.Store);
        Assert.Equal("https://x.example/", stored.BaseUri!.AbsoluteUri);
        Assert.True(session.TryGet("PROD", out var found));
        Assert.Equal("secret-1", found.Credential.RevealSecret());
        Assert.Equal(new[] { "dev", "Prod" }, session.List().Select(p => p.Name));

        Assert.True(session.Remove("prod"));
        Assert.False(session.Remove("prod"));
        Assert.False(session.TryGet("Prod", out _));
    }

    [Fact]
    public void Set_replaces_an_existing_profile()
    {
        var session = new CredentialSession();
        session.Set("default", JelouCredential.FromPlainText("old", "old-secret"));
        session.Set("DEFAULT", JelouCredential.FromPlainText("new", "new-secret"));

        var only = Assert.Single(session.List());
        Assert.Equal("new", only.ClientId);
    }

    [Fact]
    public void Sessions_are_independent_of_each_other()
    {
        var one = new CredentialSession();
        var two = new CredentialSession();
        one.Set("default", JelouCredential.FromPlainText("id", "secret"));

        Assert.False(two.TryGet("default", out _));
    }

    [Fact]
    public void Set_rejects_invalid_names_and_unsafe_base_uris()
    {
        var session = new CredentialSession();
        var credential = JelouCredential.FromPlainText("id", "secret");

        Assert.Throws<ArgumentException>(() => session.Set(new string('a', 65), credential));
        Assert.Throws<ArgumentException>(() => session.Set("default", credential, new Uri("http://remote.example/")));
        Assert.Empty(session.List());
    }

    [Theory]
    [InlineData("default", true)]
    [InlineData("prod-bot_1.2", true)]
    [InlineData("A", true)]
    [InlineData("", false)]
    [InlineData(" default", false)]
    [InlineData("tab\tname", false)]
    [InlineData("\u00e9", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    public void Profile_names_are_letters_digits_dash_underscore_and_dot(string name, bool valid)
    {
        Assert.Equal(valid, CredentialProfile.IsValidName(name));
    }

    [Fact]
    public void Profile_names_are_at_most_64_characters()
    {
        Assert.True(CredentialProfile.IsValidName(new string('x', 64)));
        Assert.False(CredentialProfile.IsValidName(new string('x', 65)));
        Assert.False(CredentialProfile.IsValidName(null));
        Assert.Throws<ArgumentException>(() => CredentialProfile.ValidateName(null));
    }
}
