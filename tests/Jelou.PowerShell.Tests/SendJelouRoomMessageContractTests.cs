namespace Jelou.PowerShell.Tests;

/// <summary>Send-JelouRoomMessage: room and sender per row, field or -RoomMessage parameter sets.</summary>
public sealed class SendJelouRoomMessageContractTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    private const string Name = "Send-JelouRoomMessage";

    private CmdletModel Cmdlet => module.Cmdlet(Name);

    [Fact]
    public void Declares_Send_verb_ShouldProcess_and_the_room_result_output()
    {
        Assert.Equal("Send", Cmdlet.Verb);
        Assert.True(Cmdlet.SupportsShouldProcess);
        var output = Assert.IsAssignableFrom<Type>(Assert.Single(Cmdlet.OutputTypes));
        Assert.Equal("Jelou.Results.JelouRoomMessageResult", output.FullName);
    }

    [Theory]
    [InlineData("RoomId", 0, "room_id")]
    [InlineData("SenderId", 1, "sender_id")]
    public void Room_and_sender_are_mandatory_in_every_set_and_bind_by_property_name(string parameter, int position, string alias)
    {
        var declared = Cmdlet.Parameter(parameter);
        var declaration = Assert.Single(declared.Declarations);
        Assert.Equal(ModuleMetadata.AllParameterSets, declaration.ParameterSetName);
        Assert.True(declaration.Mandatory);
        Assert.True(declaration.ValueFromPipelineByPropertyName);
        Assert.Equal(position, declaration.Position);
        Assert.Equal("string", declared.TypeName);
        Assert.Contains(alias, declared.Aliases);
    }

    [Theory]
    [InlineData("Text", "string[]")]
    [InlineData("MediaUrl", "string[]")]
    [InlineData("Type", "string")]
    [InlineData("Id", "Guid?")]
    public void Field_parameters_bind_by_property_name_with_the_expected_type(string parameter, string type)
    {
        var declared = Cmdlet.Parameter(parameter);
        Assert.Equal(type, declared.TypeName);
        Assert.All(declared.Declarations, d => Assert.True(d.ValueFromPipelineByPropertyName));
        Assert.All(declared.Declarations, d => Assert.False(d.Mandatory));
    }

    [Fact]
    public void RoomMessage_is_alone_in_its_own_mandatory_set()
    {
        var roomMessage = Cmdlet.Parameter("RoomMessage");
        var declaration = Assert.Single(roomMessage.Declarations);
        var set = declaration.ParameterSetName;
        Assert.NotEqual(ModuleMetadata.AllParameterSets, set);
        Assert.NotEqual(Cmdlet.DefaultParameterSetName, set);
        Assert.True(declaration.Mandatory);
        Assert.Equal("object[]", roomMessage.TypeName);

        // Only the all-sets parameters (room, sender, connection settings, InputObject) join it.
        var others = Cmdlet.InSet(set).Where(p => p.Name != "RoomMessage" && !p.InAllSets).Select(p => p.Name);
        Assert.Empty(others);
        foreach (var field in new[] { "Text", "MediaUrl", "Type", "Id" })
        {
            Assert.Null(Cmdlet.Parameter(field).Declaration(set));
        }
    }

    [Fact]
    public void The_field_set_is_the_default()
    {
        Assert.NotNull(Cmdlet.DefaultParameterSetName);
        Assert.Equal(2, Cmdlet.ParameterSets.Count);
        Assert.NotNull(Cmdlet.Parameter("Text").Declaration(Cmdlet.DefaultParameterSetName));
        Assert.Null(Cmdlet.Parameter("RoomMessage").Declaration(Cmdlet.DefaultParameterSetName));
    }

    [Fact]
    public void InputObject_takes_the_whole_row_and_is_hidden()
    {
        var inputObject = Assert.Single(Cmdlet.Parameter("InputObject").Declarations);
        Assert.True(inputObject.ValueFromPipeline);
        Assert.False(inputObject.ValueFromPipelineByPropertyName);
        Assert.True(inputObject.DontShow);
        Assert.Equal(ModuleMetadata.AllParameterSets, inputObject.ParameterSetName);
    }

    [Fact]
    public void Every_pipeline_field_accepts_delay_bound_script_blocks()
    {
        var blocked = Cmdlet.Parameters.Where(p => p.ValueFromPipelineByPropertyName && p.BlocksDelayBind).Select(p => p.ToString());
        Assert.Empty(blocked);
    }

    [Fact]
    public void Text_has_the_same_message_aliases_as_the_bot_cmdlet()
    {
        Assert.Contains("Message", Cmdlet.Parameter("Text").Aliases);
        Assert.Contains("media_url", Cmdlet.Parameter("MediaUrl").Aliases);
    }
}
