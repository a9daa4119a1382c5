namespace Jelou.PowerShell.Tests;

/// <summary>The connection, pacing and retry parameters the send cmdlets (verb Send, from the assembly) share (SendCommandBase).</summary>
public sealed class SendCommonParameterTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    public static TheoryData<string> SendCmdlets => ModuleMetadata.SendCmdletNames();

    public static TheoryData<string, string, string> CommonParameters => Expand(
        ("ThrottleLimit", "int"),
        ("RateLimit", "double"),
        ("TotalCount", "long"),
        ("MaximumRetryCount", "int"),
        ("RetryIntervalSec", "int"),
        ("TimeoutSec", "int"),
        ("RetryPossiblyDelivered", "SwitchParameter"),
        ("Proxy", "Uri"),
        ("ProxyCredential", "PSCredential"),
        ("ProxyUseDefaultCredentials", "SwitchParameter"),
        ("Credential", "PSCredential"),
        ("CredentialName", "string"),
        ("BaseUri", "Uri"));

    [Theory]
    [MemberData(nameof(CommonParameters))]
    public void Send_cmdlet_has_the_common_send_parameter(string cmdlet, string parameter, string type)
    {
        var declared = module.Cmdlet(cmdlet).Parameter(parameter);
        Assert.Equal(type, declared.TypeName);
        var declaration = Assert.Single(declared.Declarations);
        Assert.Equal(ModuleMetadata.AllParameterSets, declaration.ParameterSetName);
        Assert.False(declaration.Mandatory);
        Assert.Null(declaration.Position);

        // Connection settings are per call, not per row: a CSV column must not rebind them.
        Assert.False(declaration.ValueFromPipelineByPropertyName, $"-{parameter} must not bind from pipeline rows.");
        Assert.False(declaration.ValueFromPipeline);
    }

    [Theory]
    [MemberData(nameof(SendCmdlets))]
    public void ThrottleLimit_is_validated_from_1_to_256(string cmdlet)
    {
        var range = module.Cmdlet(cmdlet).Parameter("ThrottleLimit").Attribute("ValidateRangeAttribute");
        Assert.NotNull(range);
        Assert.Equal(1, Convert.ToInt32(range.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(256, Convert.ToInt32(range.ConstructorArguments[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(CredentialParameters))]
    public void Credential_parameter_has_the_Credential_attribute(string cmdlet, string parameter)
    {
        Assert.True(module.Cmdlet(cmdlet).Parameter(parameter).Has("CredentialAttribute"));
    }

    /// <summary>Every PSCredential parameter of every cmdlet: [Credential] lets a user name alone prompt for the secret.</summary>
    public static TheoryData<string, string> CredentialParameters()
    {
        using var metadata = new ModuleMetadata();
        var data = new TheoryData<string, string>();
        foreach (var cmdlet in metadata.Cmdlets)
        {
            foreach (var parameter in cmdlet.Parameters.Where(p => p.Type.FullName == ModuleMetadata.Sma + ".PSCredential"))
            {
                data.Add(cmdlet.Name, parameter.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SendCmdlets))]
    public void CredentialName_has_the_alias_Profile(string cmdlet)
    {
        Assert.Contains("Profile", module.Cmdlet(cmdlet).Parameter("CredentialName").Aliases);
    }

    [Theory]
    [MemberData(nameof(SendCmdlets))]
    public void Send_cmdlet_supports_ShouldProcess_and_Type_completion(string cmdlet)
    {
        var model = module.Cmdlet(cmdlet);
        Assert.True(model.SupportsShouldProcess);
        Assert.True(model.Parameter("Type").Has("ArgumentCompleterAttribute"));
    }

    [Theory]
    [MemberData(nameof(SendCmdlets))]
    public void Session_defaults_of_Set_JelouRequestContext_match_the_per_call_parameters(string cmdlet)
    {
        // Set-JelouRequestContext -X sets the session default of the send cmdlets' -X: same type, same bounds
        // (RateLimit may also be 0 there, which removes the limit).
        var defaults = module.Cmdlet("Set-JelouRequestContext");
        var send = module.Cmdlet(cmdlet);
        var problems = new List<string>();
        foreach (var parameter in defaults.Parameters.Where(p => p.Name is not ("Reset" or "PassThru")))
        {
            var perCall = send.Parameters.FirstOrDefault(p => p.Name == parameter.Name);
            if (perCall is null)
            {
                problems.Add($"Set-JelouRequestContext -{parameter.Name} has no {cmdlet} -{parameter.Name} to be the default of.");
                continue;
            }

            if (perCall.TypeName != parameter.TypeName)
            {
                problems.Add($"-{parameter.Name} is {parameter.TypeName} in Set-JelouRequestContext but {perCall.TypeName} in {cmdlet}.");
            }

            var (sessionRange, callRange) = (Range(parameter), Range(perCall));
            if (sessionRange?.Max != callRange?.Max || (parameter.Name != "RateLimit" && sessionRange?.Min != callRange?.Min))
            {
                problems.Add($"-{parameter.Name} is validated {sessionRange} in Set-JelouRequestContext but {callRange} in {cmdlet}.");
            }
        }

        Problems.AssertNone(problems);
    }

    private static (double Min, double Max)? Range(ParameterModel parameter) =>
        parameter.Attribute("ValidateRangeAttribute") is { ConstructorArguments.Count: 2 } range
            ? (Convert.ToDouble(range.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(range.ConstructorArguments[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            : null;

    private static TheoryData<string, string, string> Expand(params (string Parameter, string Type)[] parameters)
    {
        var data = new TheoryData<string, string, string>();
        using var metadata = new ModuleMetadata();
        foreach (var cmdlet in metadata.Cmdlets.Where(ModuleMetadata.IsSendCmdlet).Select(c => c.Name))
        {
            foreach (var (parameter, type) in parameters)
            {
                data.Add(cmdlet, parameter, type);
            }
        }

        return data;
    }
}
