using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Jelou.Credentials;
using Jelou.Http;
using Jelou.Templates;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Tab completion for a template name (-TemplateName of Send-JelouTemplate, -Name of Get-JelouTemplate): the bot's
    /// templates, listed with a short timeout, when the command line names the bot (-BotId) and a credential is at hand
    /// (-CredentialName, the session or the environment, or the stored default). Otherwise, or when the listing is slow
    /// or fails, no completion: never an error, never a prompt.
    /// </summary>
    public sealed class TemplateNameCompleter : IArgumentCompleter
    {
        /// <summary>How long completion may wait for the listing, in all.</summary>
        internal static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            IReadOnlyList<JelouTemplate> templates;
            try
            {
                templates = List(fakeBoundParameters, word);
            }
#pragma warning disable CA1031 // Completion runs inside the user's typing: whatever fails, the answer is "no completion".
            catch (Exception)
#pragma warning restore CA1031
            {
                return Array.Empty<CompletionResult>();
            }

            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            return templates
                .GroupBy(t => t.Name, StringComparer.Ordinal)
                .Where(g => pattern.IsMatch(g.Key))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CompletionResult(g.Key, g.Key, CompletionResultType.ParameterValue, Tooltip(g)))
                .ToList();
        }

        private static IReadOnlyList<JelouTemplate> List(IDictionary? bound, string word)
        {
            if (Text(bound, "BotId") is not { } botId)
            {
                return Array.Empty<JelouTemplate>();
            }

            var explicitCredential = bound?["Credential"] is PSCredential given ? new JelouCredential(given.UserName, given.Password) : null;
            var baseUri = bound?["BaseUri"] switch
            {
                Uri uri => uri,
                string text when Uri.TryCreate(text, UriKind.Absolute, out var parsed) => parsed,
                _ => null,
            };

            // A credential not found throws: no completion. The SecretManagement vault is not tried (it may prompt).
            var resolved = CredentialResolver.CreateDefault().Resolve(explicitCredential, Text(bound, "CredentialName"), baseUri);
            var client = ModuleState.GetClient(new JelouClientOptions(resolved.Credential)
            {
                BaseUri = resolved.BaseUri,
                Proxy = ModuleState.Defaults.Proxy,
            });

            var timeout = Timeout;
            var options = new SendRequestOptions { Retry = new RetrySettings { MaximumRetryCount = 0, AttemptTimeout = timeout, TotalTimeout = timeout } };
            using var cancellation = new CancellationTokenSource(timeout);
            var query = GetJelouTemplateCommandQuery(word);
            return Task.Run(() => client.GetTemplatesAsync(botId, query, options: options, cancellationToken: cancellation.Token)).GetAwaiter().GetResult();
        }

        private static string? GetJelouTemplateCommandQuery(string word) => Commands.GetJelouTemplateCommand.ServerQuery(word);

        private static string? Text(IDictionary? bound, string key) =>
            bound?[key] is { } value && LanguagePrimitives.ConvertTo<string>(value) is { Length: > 0 } text ? text : null;

        private static string Tooltip(IEnumerable<JelouTemplate> variants) =>
            string.Join("; ", variants.Select(t => string.Join(" ", new[] { t.Language, t.Status, t.Category, t.ParameterCount is { } n ? n + " param." : null }.Where(s => s is not null))));
    }
}
