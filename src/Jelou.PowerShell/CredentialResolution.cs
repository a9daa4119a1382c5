using System.Management.Automation;
using Jelou.Credentials;
using Jelou.Http;

namespace Jelou.PowerShell
{
    /// <summary>Finds the credential for a send: explicit, then session profile, then environment variables.</summary>
    internal static class CredentialResolution
    {
        public const string DefaultProfile = CredentialProfile.DefaultName;

        public static Resolved Resolve(PSCmdlet cmdlet, PSCredential? explicitCredential, string? profileName, Uri? baseUri)
        {
            try
            {
                return ResolveCore(explicitCredential, profileName, baseUri);
            }
            catch (ArgumentException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "JelouInvalidBaseUri", ErrorCategory.InvalidArgument, baseUri));
                throw;
            }
            catch (InvalidOperationException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "JelouCredentialNotFound", ErrorCategory.AuthenticationError, profileName));
                throw;
            }
        }

        private static Resolved ResolveCore(PSCredential? explicitCredential, string? profileName, Uri? baseUri)
        {
            var environmentBase = Environment.GetEnvironmentVariable("JELOU_BASE_URI");
            if (explicitCredential is not null)
            {
                return new Resolved(new JelouCredential(explicitCredential.UserName, explicitCredential.Password), Base(baseUri, null), "-Credential");
            }

            var name = profileName ?? DefaultProfile;
            if (CredentialSession.Shared.TryGet(name, out var profile))
            {
                return new Resolved(profile.Credential, Base(baseUri, profile.BaseUri), $"session profile '{name}'");
            }

            var id = Environment.GetEnvironmentVariable("JELOU_CLIENT_ID");
            var secret = Environment.GetEnvironmentVariable("JELOU_CLIENT_SECRET");
            if (profileName is null && !string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(secret))
            {
                return new Resolved(JelouCredential.FromPlainText(id!, secret!), Base(baseUri, string.IsNullOrEmpty(environmentBase) ? null : new Uri(environmentBase)), "environment variables JELOU_CLIENT_ID/JELOU_CLIENT_SECRET");
            }

            throw new InvalidOperationException(profileName is null
                ? "No Jelou credential is set. Run Set-JelouCredential -Credential (Get-Credential) (user name = client id, password = client secret), pass -Credential, or set the environment variables JELOU_CLIENT_ID and JELOU_CLIENT_SECRET."
                : $"No Jelou credential profile named '{profileName}'. Run Set-JelouCredential -Name {profileName} -Credential (Get-Credential).");
        }

        private static Uri Base(Uri? explicitUri, Uri? profileUri) => JelouClientOptions.ValidateBaseUri(explicitUri ?? profileUri ?? JelouClientOptions.DefaultBaseUri);

        internal sealed class Resolved
        {
            public Resolved(JelouCredential credential, Uri baseUri, string source)
            {
                Credential = credential;
                BaseUri = baseUri;
                Source = source;
            }

            public JelouCredential Credential { get; }

            public Uri BaseUri { get; }

            public string Source { get; }
        }
    }
}
