using Jelou.Credentials;

namespace Jelou.Tests.Credentials;

/// <summary>Principle 6: the secret never appears in ToString, listings or exception messages.</summary>
public sealed class CredentialSecrecyTests : IDisposable
{
    private const string Secret = "Sup3r:S\u00e9cr3t-never-shown";
    private readonly TempStoreDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ToString_of_every_credential_type_hides_the_secret()
    {
        var credential = JelouCredential.FromPlainText("client-1", Secret);
        var session = new CredentialSession();
        var sessionProfile = session.Set("default", credential, new Uri("https://x.example"));
        var fileProfile = temp.Store().Save("default", credential);
        var resolved = new CredentialResolver(session, temp.Store(), new FakeEnvironment().Get).Resolve();

        var texts = new[] { credential.ToString(), sessionProfile.ToString(), fileProfile.ToString(), resolved.ToString(), temp.Store().ToString(), resolved.Description };

        foreach (var text in texts)
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("S\u00e9cr3t", text, StringComparison.Ordinal);
        }

        Assert.Contains("client-1", sessionProfile.ToString(), StringComparison.Ordinal);
        Assert.Contains("client-1", resolved.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_output_never_contains_the_secret()
    {
        var session = new CredentialSession();
        session.Set("a", JelouCredential.FromPlainText("client-a", Secret));
        temp.Store().Save("b", JelouCredential.FromPlainText("client-b", Secret));

        var listed = new CredentialResolver(session, temp.Store(), new FakeEnvironment().Get).List();

        Assert.Equal(2, listed.Count);
        foreach (var profile in listed)
        {
            // Everything a formatter would show: each public property's text.
            var shown = string.Join("|", profile.Name, profile.ClientId, profile.Scope, profile.Store, profile.BaseUri, profile.Credential, profile);
            Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Exceptions_from_the_store_and_the_resolver_never_contain_the_secret()
    {
        var messages = new List<string>();
        var store = temp.Store();
        store.Save("default", JelouCredential.FromPlainText("client-1", Secret));

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp.FilePath, (UnixFileMode)0b110_100_100);
            messages.Add(Assert.Throws<JelouCredentialException>(() => store.List()).ToString());
            File.SetUnixFileMode(temp.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var text = File.ReadAllText(temp.FilePath);
        File.WriteAllText(temp.FilePath, text.Substring(0, text.Length - 10));
        messages.Add(Assert.Throws<JelouCredentialException>(() => store.TryGet("default", out _)).ToString());
        messages.Add(Assert.Throws<JelouCredentialException>(() => store.Save("default", JelouCredential.FromPlainText("client-1", Secret))).ToString());

        var onlySecret = new FakeEnvironment().Set("JELOU_CLIENT_SECRET", Secret);
        messages.Add(Assert.Throws<JelouCredentialException>(() => new CredentialResolver(new CredentialSession(), null, onlySecret.Get).Resolve()).ToString());

        var secretAsUri = new FakeEnvironment().Set("JELOU_CLIENT_ID", "id").Set("JELOU_CLIENT_SECRET", "x").Set("JELOU_BASE_URI", Secret);
        messages.Add(Assert.Throws<JelouCredentialException>(() => new CredentialResolver(new CredentialSession(), null, secretAsUri.Get).Resolve()).ToString());

        messages.Add(Assert.Throws<ArgumentException>(() => new CredentialSession().Set("default", JelouCredential.FromPlainText("id", "x"), new Uri("https://id:" + Uri.EscapeDataString(Secret) + "@h.example/"))).ToString());

        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(Secret), message, StringComparison.Ordinal);
        }
    }
}
