using System.Management.Automation;
using System.Reflection;

namespace Jelou.PowerShell
{
    /// <summary>
    /// On Windows PowerShell 5.1 (no load contexts), serves our own dependencies from the module's
    /// <c>dependencies</c> folder when one of our assemblies asks for them, and nothing else. On PowerShell 7
    /// the private load context (Jelou.LoadContext) does this job, so the handler is not installed there.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly DependencyResolver Resolver = new(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty);
        private static int installed;

        /// <summary>Installs the resolver on .NET Framework.</summary>
        public void OnImport()
        {
            if (IsNetFramework() && Interlocked.Exchange(ref installed, 1) == 0)
            {
                AppDomain.CurrentDomain.AssemblyResolve += Resolver.Resolve;
            }
        }

        /// <summary>Removes the resolver and drops cached HTTP clients.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (Interlocked.Exchange(ref installed, 0) == 1)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= Resolver.Resolve;
            }

            ModuleState.Reset();
        }

        private static bool IsNetFramework() =>
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
    }
}
