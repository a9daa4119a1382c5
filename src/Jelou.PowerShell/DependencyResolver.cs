using System.Reflection;

namespace Jelou.PowerShell
{
    /// <summary>
    /// Windows PowerShell 5.1's loader (no load contexts there): an <see cref="AppDomain.AssemblyResolve"/> handler that
    /// serves a dependency from the module's <c>dependencies</c> folder when, and only when, an assembly in that folder
    /// asks for it. It uses no PowerShell types, so the .NET Framework test lane compiles this same file and runs it under
    /// Mono (tests/Jelou.Core.Tests/FrameworkLane/DependencyResolverTests.cs).
    /// </summary>
    internal sealed class DependencyResolver
    {
        public DependencyResolver(string directory) => Directory = directory;

        /// <summary>The folder served from.</summary>
        public string Directory { get; }

        /// <summary>The file served for a request, or null; separate from the event so its rule can be tested.</summary>
        public static string? ResolvePath(string directory, AssemblyName requested, Assembly? requestingAssembly)
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

        /// <summary>The <see cref="AppDomain.AssemblyResolve"/> handler.</summary>
        public Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var path = ResolvePath(Directory, new AssemblyName(args.Name), args.RequestingAssembly);
            return path is null ? null : Assembly.LoadFrom(path);
        }
    }
}
