using System.Management.Automation;
using Jelou.Credentials;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Microsoft.PowerShell.SecretManagement as a soft dependency: called through PowerShell by module-qualified
    /// command names, never referenced as an assembly, so the module loads and works without it.
    /// </summary>
    internal static class SecretVault
    {
        public static string SecretName(string profile) => "Jelou-" + profile;

        public static bool IsAvailable(PSCmdlet cmdlet) =>
            cmdlet.InvokeCommand.InvokeScript("[bool](Get-Command -Name Microsoft.PowerShell.SecretManagement\\Get-Secret -ErrorAction Ignore)").Any(r => LanguagePrimitives.IsTrue(r));

        public static void Save(PSCmdlet cmdlet, string vault, string profile, PSCredential credential)
        {
            RequireModule(cmdlet);
            cmdlet.InvokeCommand.InvokeScript(
                "param($n, $s, $v) Microsoft.PowerShell.SecretManagement\\Set-Secret -Name $n -Secret $s -Vault $v -ErrorAction Stop",
                false,
                System.Management.Automation.Runspaces.PipelineResultTypes.None,
                null,
                SecretName(profile),
                credential,
                vault);
        }

        public static bool Remove(PSCmdlet cmdlet, string vault, string profile)
        {
            RequireModule(cmdlet);
            var removed = cmdlet.InvokeCommand.InvokeScript(
                "param($n, $v) if (Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Name $n -Vault $v -ErrorAction Ignore) { Microsoft.PowerShell.SecretManagement\\Remove-Secret -Name $n -Vault $v -ErrorAction Stop; $true } else { $false }",
                false,
                System.Management.Automation.Runspaces.PipelineResultTypes.None,
                null,
                SecretName(profile),
                vault);
            return removed.Any(r => LanguagePrimitives.IsTrue(r));
        }

        /// <summary>Looks in every registered vault (the default first), when SecretManagement is installed.</summary>
        public static JelouCredential? TryGet(PSCmdlet cmdlet, string profile)
        {
            if (!IsAvailable(cmdlet))
            {
                return null;
            }

            var found = cmdlet.InvokeCommand.InvokeScript(
                "param($n) Microsoft.PowerShell.SecretManagement\\Get-Secret -Name $n -ErrorAction Ignore",
                false,
                System.Management.Automation.Runspaces.PipelineResultTypes.None,
                null,
                SecretName(profile));
            return found.Select(r => r?.BaseObject).OfType<PSCredential>().Select(c => new JelouCredential(c.UserName, c.Password)).FirstOrDefault();
        }

        private static void RequireModule(PSCmdlet cmdlet)
        {
            if (!IsAvailable(cmdlet))
            {
                throw new JelouCredentialException(
                    CredentialErrorReason.StoreUnavailable,
                    "-Vault needs the Microsoft.PowerShell.SecretManagement module, which is not installed. Install it (Install-PSResource Microsoft.PowerShell.SecretManagement, plus a vault such as Microsoft.PowerShell.SecretStore and Register-SecretVault), or use -Scope CurrentUser.");
            }
        }
    }
}
