using System.Management.Automation;
using Jelou.Credentials;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the Jelou credential profiles of this session and of the current user: name, client id, scope and store, never the secret.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "JelouCredential")]
    [OutputType(typeof(CredentialInfo))]
    public sealed class GetJelouCredentialCommand : PSCmdlet
    {
        /// <summary>Profile names to show; wildcards allowed. All when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [Alias("Profile", "CredentialName")]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        [PSDefaultValue(Help = "None (all)")]
        public string[]? Name { get; set; }

        /// <summary>Only profiles of this scope.</summary>
        [Parameter]
        [PSDefaultValue(Help = "None (both)")]
        public CredentialScope? Scope { get; set; }

        /// <summary>Writes the matching profiles.</summary>
        protected override void ProcessRecord()
        {
            IReadOnlyList<CredentialProfile> profiles;
            try
            {
                profiles = CredentialResolver.CreateDefault().List();
            }
            catch (JelouCredentialException ex)
            {
                // The session profiles are still worth showing when the persisted store is unusable.
                WriteError(new ErrorRecord(ex, ex.ErrorId, CredentialResolution.CategoryFor(ex.Reason), ex.Path));
                profiles = CredentialSession.Shared.List();
            }

            var patterns = (Name ?? new[] { "*" }).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (var profile in profiles)
            {
                if ((Scope is null || profile.Scope == Scope) && patterns.Any(p => p.IsMatch(profile.Name)))
                {
                    WriteObject(CredentialInfo.From(profile));
                }
            }

            foreach (var name in Name ?? Array.Empty<string>())
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name) && !profiles.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No Jelou credential profile named '{name}'."), "JelouCredentialNotFound", ErrorCategory.ObjectNotFound, name));
                }
            }
        }
    }
}
