using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Jelou.Messages;

namespace Jelou.PowerShell
{
    /// <summary>Tab completion for -Type of Send-JelouBotMessage, Send-JelouRoomMessage and Send-JelouTemplate.</summary>
    public sealed class MessageTypeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var types = string.Equals(commandName, "Send-JelouRoomMessage", StringComparison.OrdinalIgnoreCase) ? RoomMessageTypes.All
                : string.Equals(commandName, "Send-JelouTemplate", StringComparison.OrdinalIgnoreCase) ? TemplateTypes.All
                : BotMessageTypes.All;
            return types
                .Where(t => t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(t => new CompletionResult(t, t, CompletionResultType.ParameterValue, t));
        }
    }
}
