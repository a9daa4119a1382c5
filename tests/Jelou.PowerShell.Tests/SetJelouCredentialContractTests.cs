namespace Jelou.PowerShell.Tests;

/// <summary>Set-JelouCredential: a PSCredential or a client id with a SecureString secret, never a plain-text secret.</summary>
public sealed class SetJelouCredentialContractTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    private const string Name = "Set-JelouCredential";

    private CmdletModel Cmdlet => module.Cmdlet(Name);

    [Fact]
    public void Declares_Set_verb_ShouldProcess_and_outputs_the_secret_free_profile_view()
    {
        Assert.Equal("Set", Cmdlet.Verb);
        Assert.Equal("JelouCredential", Cmdlet.Noun);
        Assert.True(Cmdlet.SupportsShouldProcess);
        var output = Assert.IsAssignableFrom<Type>(Assert.Single(Cmdlet.OutputTypes));
        Assert.Equal("Jelou.Credentials.CredentialInfo", output.FullName);
    }

    [Fact]
    public void Credential_is_a_PSCredential_with_the_Credential_attribute()
    {
        var credential = Cmdlet.Parameter("Credential");
        Assert.Equal("PSCredential", credential.TypeName);
        Assert.True(credential.Has("CredentialAttribute"));
    }

    [Fact]
    public void ClientSecret_is_a_SecureString()
    {
        Assert.Equal("System.Security.SecureString", Cmdlet.Parameter("ClientSecret").Type.FullName);
        Assert.Equal("string", Cmdlet.Parameter("ClientId").TypeName);
    }

    [Fact]
    public void Credential_and_ClientId_with_ClientSecret_are_separate_mandatory_parameter_sets()
    {
        var credential = Assert.Single(Cmdlet.Parameter("Credential").Declarations);
        var clientId = Assert.Single(Cmdlet.Parameter("ClientId").Declarations);
        var clientSecret = Assert.Single(Cmdlet.Parameter("ClientSecret").Declarations);

        Assert.NotEqual(ModuleMetadata.AllParameterSets, credential.ParameterSetName);
        Assert.NotEqual(ModuleMetadata.AllParameterSets, clientId.ParameterSetName);
        Assert.NotEqual(credential.ParameterSetName, clientId.ParameterSetName);
        Assert.Equal(clientId.ParameterSetName, clientSecret.ParameterSetName);
        Assert.True(credential.Mandatory && clientId.Mandatory && clientSecret.Mandatory);
        Assert.Equal(credential.ParameterSetName, Cmdlet.DefaultParameterSetName);
    }

    [Fact]
    public void No_string_parameter_is_named_like_a_secret_or_password()
    {
        var plain = Cmdlet.Parameters
            .Where(p => p.TypeName is "string" or "string[]" && p.Spellings.Any(PowerShellFacts.IsSecretLike))
            .Select(p => p.ToString());
        Assert.Empty(plain);
    }

    [Fact]
    public void The_secret_never_binds_from_the_pipeline()
    {
        var secret = Assert.Single(Cmdlet.Parameter("ClientSecret").Declarations);
        Assert.False(secret.ValueFromPipeline);
        Assert.False(secret.ValueFromPipelineByPropertyName);
    }

    [Fact]
    public void PassThru_is_a_switch()
    {
        Assert.Equal("SwitchParameter", Cmdlet.Parameter("PassThru").TypeName);
    }

    [Fact]
    public void The_profile_name_accepts_the_send_cmdlets_spelling()
    {
        // Set-JelouCredential -Name x and Send-JelouBotMessage -CredentialName x / -Profile x name the same thing.
        var name = Cmdlet.Parameter("Name");
        Assert.Contains("Profile", name.Aliases);
        Assert.Contains("CredentialName", name.Aliases);
    }
}
