using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Jelou.Credentials;

namespace Jelou.PowerShell
{
    /// <summary>Tab completion for credential profile names (session and persisted).</summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<CredentialProfile> profiles;
            try
            {
                profiles = CredentialResolver.CreateDefault().List();
            }
            catch (Exception ex) when (ex is JelouCredentialException or IOException or UnauthorizedAccessException)
            {
                // A broken store must not break tab completion; the send reports it properly.
                profiles = CredentialSession.Shared.List();
            }

            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return profiles
                .Select(p => p.Name)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
