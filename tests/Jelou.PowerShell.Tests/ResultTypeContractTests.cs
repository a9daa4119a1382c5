using System.Reflection;

namespace Jelou.PowerShell.Tests;

/// <summary>
/// The result objects, read from Jelou.Core through the same load context: the report columns, and which of them
/// bind back to parameters when a report (or Import-Csv of it) is piped into the cmdlet again.
/// </summary>
public sealed class ResultTypeContractTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    private const string BotResult = "Jelou.Results.JelouBotMessageResult";

    /// <summary>Report columns that are meant to bind to the same-named parameter when the report is piped back in.</summary>
    private static readonly string[] BotRoundTrip = ["BotId", "UserId", "Type", "Text", "MediaUrl", "FileName"];

    [Theory]
    [InlineData("Row", "long")]
    [InlineData("Status", "SendStatus")]
    [InlineData("BotId", "string")]
    [InlineData("UserId", "string")]
    [InlineData("Type", "string")]
    [InlineData("Text", "string")]
    [InlineData("MediaUrl", "string")]
    [InlineData("MessageId", "string")]
    [InlineData("HttpStatus", "int?")]
    [InlineData("ErrorId", "string")]
    [InlineData("Error", "string")]
    [InlineData("Attempts", "int")]
    [InlineData("Duration", "TimeSpan")]
    [InlineData("InputObject", "object")]
    public void Bot_result_has_the_report_column(string name, string type)
    {
        var property = module.CoreType(BotResult).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        Assert.NotNull(property);
        Assert.True(property.GetMethod?.IsPublic, $"{name} must have a public getter.");
        Assert.Equal(type, ModuleMetadata.Display(property.PropertyType));
    }

    [Fact]
    public void Bot_result_is_a_public_sealed_class_named_in_OutputType()
    {
        var type = module.CoreType(BotResult);
        Assert.True(type.IsPublic && type.IsSealed);
        Assert.Contains(type, module.Cmdlet("Send-JelouBotMessage").OutputTypes);
    }

    [Fact]
    public void Bot_result_columns_bind_back_only_to_their_own_parameters()
    {
        var cmdlet = module.Cmdlet("Send-JelouBotMessage");
        var problems = new List<string>();
        foreach (var property in module.CoreType(BotResult).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var matches = cmdlet.Parameters.Where(p => p.Spellings.Contains(property.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            if (BotRoundTrip.Contains(property.Name))
            {
                // Must land on the parameter of the same name, which binds by property name.
                if (matches.Count != 1 || matches[0].Name != property.Name || !matches[0].ValueFromPipelineByPropertyName)
                {
                    problems.Add($"Round-trip column {property.Name} binds to [{string.Join(", ", matches.Select(m => m.Name))}] instead of a ValueFromPipelineByPropertyName -{property.Name}.");
                }
            }
            else if (property.Name == "InputObject")
            {
                // The original row: the parameter takes the whole piped object, never this property by name.
                if (matches.Any(m => m.ValueFromPipelineByPropertyName))
                {
                    problems.Add("The InputObject column would bind by property name; -InputObject must be ValueFromPipeline only.");
                }
            }
            else if (matches.Count > 0)
            {
                problems.Add($"Report column {property.Name} has the spelling of -{string.Join(", -", matches.Select(m => m.Name))}: piping a report back in would bind it ({(matches.Any(m => m.ValueFromPipelineByPropertyName) ? "by property name" : "if ever made pipeline-bound")}).");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Every_round_trip_column_exists_on_the_bot_result()
    {
        var names = module.CoreType(BotResult).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
        foreach (var column in BotRoundTrip)
        {
            Assert.Contains(column, names);
        }
    }

    [Fact]
    public void Room_result_columns_that_bind_back_are_the_known_ones()
    {
        // RoomId, SenderId and Type are meant to bind. The result's MessageId (the server's id) must not: the
        // uuid parameter is -Id for that reason. Any new collision makes this test fail.
        string[] expected = ["RoomId", "SenderId", "Type"];
        var cmdlet = module.Cmdlet("Send-JelouRoomMessage");
        var binding = module.CoreType("Jelou.Results.JelouRoomMessageResult")
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => cmdlet.Parameters.Any(p => p.ValueFromPipelineByPropertyName && p.Spellings.Contains(property.Name, StringComparer.OrdinalIgnoreCase)))
            .Select(property => property.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, binding);
    }

    [Fact]
    public void Room_result_has_room_sender_and_message_ids()
    {
        var type = module.CoreType("Jelou.Results.JelouRoomMessageResult");
        var names = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
        foreach (var column in new[] { "Row", "Status", "RoomId", "SenderId", "Type", "MessageCount", "MessageIds", "HttpStatus", "ErrorId", "Error", "Attempts", "Duration", "InputObject" })
        {
            Assert.Contains(column, names);
        }

        Assert.Contains(type, module.Cmdlet("Send-JelouRoomMessage").OutputTypes);
    }
}
