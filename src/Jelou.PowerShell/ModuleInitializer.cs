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
        private static readonly string DependencyDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;
        private static int installed;

        /// <summary>Installs the resolver on .NET Framework.</summary>
        public void OnImport()
        {
            if (IsNetFramework() && Interlocked.Exchange(ref installed, 1) == 0)
            {
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            }
        }

        /// <summary>Removes the resolver and drops cached HTTP clients.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (Interlocked.Exchange(ref installed, 0) == 1)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
            }

            ModuleState.Reset();
        }

        /// <summary>The file served for a request, or null; separate from the event so its rule can be tested.</summary>
        internal static string? ResolvePath(string directory, AssemblyName requested, Assembly? requestingAssembly)
        {
            // Only requests from our own assemblies: another module asking for Polly.Core gets its own copy.
            var requester = requestingAssembly?.Location;
            if (string.IsNullOrEmpty(requester) || !string.Equals(Path.GetDirectoryName(requester), directory, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var path = Path.Combine(directory, requested.Name + ".dll");
            return File.Exists(path) ? path : null;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var path = ResolvePath(DependencyDirectory, new AssemblyName(args.Name), args.RequestingAssembly);
            return path is null ? null : Assembly.LoadFrom(path);
        }

        private static bool IsNetFramework() =>
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
    }
}
