using System.Reflection;
using System.Runtime.Loader;

namespace Jelou.LoadContext
{
    /// <summary>
    /// Loads Jelou.PowerShell, Jelou.Core and their dependencies from the module's <c>dependencies</c> folder into
    /// a load context of their own. Assemblies the runtime itself provides (System.Memory, System.Text.Json on
    /// PowerShell 7, ...) are left to the default context: loading our netstandard copies of those would create a
    /// second, incompatible System.Span or IAsyncEnumerable.
    /// </summary>
    public sealed class JelouLoadContext : AssemblyLoadContext
    {
        private const string ModuleAssemblyName = "Jelou.PowerShell";
        private static readonly object Gate = new();
        private static readonly Dictionary<string, JelouLoadContext> Instances = new(StringComparer.Ordinal);
        private static readonly Lazy<HashSet<string>> PlatformAssemblies = new(ReadPlatformAssemblies);
        private readonly string dependencyDirectory;

        private JelouLoadContext(string dependencyDirectory)
            : base("Jelou", isCollectible: false)
        {
            this.dependencyDirectory = dependencyDirectory;
            ModuleAssembly = LoadFromAssemblyPath(Path.Combine(dependencyDirectory, ModuleAssemblyName + ".dll"));
        }

        /// <summary>The cmdlet assembly, loaded in this context.</summary>
        public Assembly ModuleAssembly { get; }

        /// <summary>
        /// Returns the cmdlet assembly loaded from <paramref name="dependencyDirectory"/>, creating the context once per
        /// folder: importing, removing and importing the module again in one session reuses it.
        /// </summary>
        public static Assembly Initialize(string dependencyDirectory) => ForDirectory(dependencyDirectory).ModuleAssembly;

        /// <summary>The context for a dependency folder (created on first use).</summary>
        public static JelouLoadContext ForDirectory(string dependencyDirectory)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dependencyDirectory ?? throw new ArgumentNullException(nameof(dependencyDirectory))));
            lock (Gate)
            {
                if (!Instances.TryGetValue(full, out var context))
                {
                    context = new JelouLoadContext(full);
                    Instances[full] = context;
                }

                return context;
            }
        }

        /// <summary>
        /// The file this context serves for an assembly name, or null when the runtime provides it or the module
        /// does not ship it. Public so tests can check the rule without loading anything.
        /// </summary>
        public string? ResolvePath(AssemblyName assemblyName)
        {
            ArgumentNullException.ThrowIfNull(assemblyName);
            var name = assemblyName.Name;
            if (string.IsNullOrEmpty(name) || PlatformAssemblies.Value.Contains(name))
            {
                return null;
            }

            var path = Path.Combine(dependencyDirectory, name + ".dll");
            return File.Exists(path) ? path : null;
        }

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = ResolvePath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        private static HashSet<string> ReadPlatformAssemblies()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            {
                foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    names.Add(Path.GetFileNameWithoutExtension(path));
                }
            }

            return names;
        }
    }
}
