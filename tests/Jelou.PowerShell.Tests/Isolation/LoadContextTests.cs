using System.Reflection;
using System.Runtime.Loader;
using Jelou.LoadContext;

namespace Jelou.PowerShell.Tests.Isolation;

/// <summary>
/// The PowerShell 7 loader's rule, exercised on the built module folder: our dependencies load into the private
/// context from our folder, what the runtime provides is shared, and a second request reuses the same context.
/// </summary>
public sealed class LoadContextTests : IClassFixture<ModuleMetadata>
{
    private readonly string directory;

    public LoadContextTests(ModuleMetadata module) => directory = module.ModuleDirectory;

    [Fact]
    public void The_cmdlet_assembly_and_its_dependencies_load_into_the_private_context_from_the_module_folder()
    {
        var context = JelouLoadContext.ForDirectory(directory);

        Assert.Same(context, AssemblyLoadContext.GetLoadContext(context.ModuleAssembly));
        Assert.NotSame(AssemblyLoadContext.Default, context);
        foreach (var name in new[] { "Jelou.Core", "Polly.Core", "Microsoft.Bcl.TimeProvider" })
        {
            var assembly = context.LoadFromAssemblyName(new AssemblyName(name));
            Assert.Same(context, AssemblyLoadContext.GetLoadContext(assembly));
            Assert.Equal(Path.Combine(directory, name + ".dll"), assembly.Location);
        }
    }

    [Fact]
    public void Assemblies_the_runtime_provides_are_shared_never_loaded_from_our_netstandard_copies()
    {
        var context = JelouLoadContext.ForDirectory(directory);

        // The module folder ships netstandard2.0 copies of these; loading them privately would create a second
        // System.Span or IAsyncEnumerable that no runtime API accepts.
        foreach (var name in new[] { "System.Memory", "System.Buffers", "System.Runtime.CompilerServices.Unsafe", "System.Text.Json" })
        {
            Assert.True(File.Exists(Path.Combine(directory, name + ".dll")), name + " should be in the module folder for Windows PowerShell 5.1");
            Assert.Null(context.ResolvePath(new AssemblyName(name)));
            var assembly = context.LoadFromAssemblyName(new AssemblyName(name));
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(assembly));
        }
    }

    [Fact]
    public void An_assembly_the_module_does_not_ship_is_left_to_the_default_context()
    {
        var context = JelouLoadContext.ForDirectory(directory);

        Assert.Null(context.ResolvePath(new AssemblyName("Not.Shipped.By.Jelou")));
        Assert.Null(context.ResolvePath(new AssemblyName("System.Management.Automation")));
    }

    [Fact]
    public void Importing_again_reuses_the_same_context_and_assembly()
    {
        var first = JelouLoadContext.Initialize(directory);
        var second = JelouLoadContext.Initialize(directory + Path.DirectorySeparatorChar);

        Assert.Same(first, second);
        Assert.Equal("Jelou", AssemblyLoadContext.GetLoadContext(first)!.Name);
    }
}
