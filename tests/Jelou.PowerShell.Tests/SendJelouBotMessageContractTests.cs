namespace Jelou.PowerShell.Tests;

/// <summary>Send-JelouBotMessage: the parameters a CSV row binds to, by name and alias, and script-block delay binding.</summary>
public sealed class SendJelouBotMessageContractTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    private const string Name = "Send-JelouBotMessage";

    /// <summary>Every field of a message: each must bind from a CSV column or object property.</summary>
    public static readonly TheoryData<string> RowFields = new()
    {
        "BotId", "UserId", "Text", "Type", "MediaUrl", "FileName", "Latitude", "Longitude", "QuickReply", "Option",
        "ButtonText", "Url", "Contact", "Payload", "Title", "Header", "Caption",
    };

    /// <summary>Row fields typed object/object[] on purpose (hashtables, JSON): PowerShell cannot delay-bind script blocks to them.</summary>
    private static readonly string[] ObjectTypedFields = ["Contact", "Option", "Payload"];

    private CmdletModel Cmdlet => module.Cmdlet(Name);

    [Fact]
    public void Declares_Send_verb_ShouldProcess_and_the_bot_result_output()
    {
        Assert.Equal("Send", Cmdlet.Verb);
        Assert.Equal("JelouBotMessage", Cmdlet.Noun);
        Assert.True(Cmdlet.SupportsShouldProcess);
        var output = Assert.IsAssignableFrom<Type>(Assert.Single(Cmdlet.OutputTypes));
        Assert.Equal("Jelou.Results.JelouBotMessageResult", output.FullName);
    }

    [Fact]
    public void BotId_is_mandatory_first_positional_and_binds_by_property_name()
    {
        var botId = Assert.Single(Cmdlet.Parameter("BotId").Declarations);
        Assert.True(botId.Mandatory);
        Assert.Equal(0, botId.Position);
        Assert.True(botId.ValueFromPipelineByPropertyName);
        Assert.Equal(ModuleMetadata.AllParameterSets, botId.ParameterSetName);
    }

    [Theory]
    [MemberData(nameof(RowFields))]
    public void Row_field_binds_by_property_name(string parameter)
    {
        var declared = Cmdlet.Parameter(parameter);
        Assert.NotEmpty(declared.Declarations);
        Assert.All(declared.Declarations, d => Assert.True(d.ValueFromPipelineByPropertyName, $"-{parameter} [{d.ParameterSetName}] is not ValueFromPipelineByPropertyName."));
        Assert.False(declared.ValueFromPipeline, $"-{parameter} must not take whole pipeline objects; InputObject does.");
    }

    [Fact]
    public void Only_BotId_is_mandatory_so_rows_of_any_message_type_bind()
    {
        var mandatory = Cmdlet.Parameters.Where(p => p.Declarations.Any(d => d.Mandatory)).Select(p => p.Name);
        Assert.Equal(["BotId"], mandatory);
    }

    [Fact]
    public void Has_a_single_parameter_set_so_mixed_CSV_rows_bind()
    {
        Assert.Equal([ModuleMetadata.AllParameterSets], Cmdlet.ParameterSets);
    }

    [Fact]
    public void InputObject_takes_the_whole_row_and_is_hidden()
    {
        var inputObject = Assert.Single(Cmdlet.Parameter("InputObject").Declarations);
        Assert.True(inputObject.ValueFromPipeline);
        Assert.False(inputObject.ValueFromPipelineByPropertyName);
        Assert.True(inputObject.DontShow);
        Assert.False(inputObject.Mandatory);
        Assert.Equal("PSObject", Cmdlet.Parameter("InputObject").Type.Name);
        Assert.Equal(["InputObject"], Cmdlet.Parameters.Where(p => p.ValueFromPipeline).Select(p => p.Name));
    }

    [Theory]
    [InlineData("BotId", "bot_id")]
    [InlineData("UserId", "user_id")]
    [InlineData("UserId", "Phone")]
    [InlineData("UserId", "phone_number")]
    [InlineData("UserId", "To")]
    [InlineData("Text", "Message")]
    [InlineData("MediaUrl", "media_url")]
    [InlineData("FileName", "file_name")]
    [InlineData("QuickReply", "quick_replies")]
    [InlineData("ButtonText", "button_text")]
    public void CSV_spelling_is_an_alias(string parameter, string alias)
    {
        Assert.Contains(alias, Cmdlet.Parameter(parameter).Aliases);
    }

    [Theory]
    [InlineData("BotId", "string")]
    [InlineData("UserId", "string")]
    [InlineData("Text", "string")]
    [InlineData("Type", "string")]
    [InlineData("MediaUrl", "string")]
    [InlineData("FileName", "string")]
    [InlineData("Title", "string")]
    [InlineData("Header", "string")]
    [InlineData("Caption", "string")]
    [InlineData("ButtonText", "string")]
    [InlineData("Url", "string")]
    [InlineData("Latitude", "string")]
    [InlineData("Longitude", "string")]
    [InlineData("QuickReply", "string[]")]
    [InlineData("Option", "object[]")]
    [InlineData("Contact", "object[]")]
    [InlineData("Payload", "object")]
    public void Row_field_has_the_expected_type(string parameter, string type)
    {
        Assert.Equal(type, Cmdlet.Parameter(parameter).TypeName);
    }

    [Fact]
    public void Only_the_object_typed_row_fields_refuse_delay_bound_script_blocks()
    {
        // -Text { "Hola $($_.Name)" } works only when the parameter type is not object/ScriptBlock (or arrays of them).
        var blocked = Cmdlet.Parameters
            .Where(p => p.ValueFromPipelineByPropertyName && p.BlocksDelayBind)
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(ObjectTypedFields, blocked);
    }

    [Fact]
    public void Type_has_an_argument_completer()
    {
        var completer = Cmdlet.Parameter("Type").Attribute("ArgumentCompleterAttribute");
        Assert.NotNull(completer);
        var type = Assert.IsAssignableFrom<Type>(completer.ConstructorArguments[0].Value);
        Assert.Contains(type.GetInterfaces(), i => i.FullName == ModuleMetadata.Sma + ".IArgumentCompleter");
        Assert.True(type.IsPublic && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null, $"{type.FullName} must be public with a parameterless constructor.");
    }

    [Fact]
    public void Recipient_and_text_are_positional_after_BotId()
    {
        Assert.Equal(1, Assert.Single(Cmdlet.Parameter("UserId").Declarations).Position);
        Assert.Equal(2, Assert.Single(Cmdlet.Parameter("Text").Declarations).Position);
    }
}
