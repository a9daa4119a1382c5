using System.Reflection;
using System.Text;
using Jelou.PowerShell;

namespace Jelou.Tests.FrameworkLane;

/// <summary>
/// Windows PowerShell 5.1's loader path, as far as Mono can take it: in a fresh AppDomain whose application folder holds
/// none of our dependencies, the module's own resolver (src/Jelou.PowerShell/DependencyResolver.cs, compiled here) serves
/// Jelou.Core's references from a copy of the staged module's dependencies/ folder, and refuses them to any assembly
/// outside that folder. What it cannot show: Import-Module of Jelou.PowerShell.dll in powershell.exe (no Windows
/// PowerShell here), and the event as .NET Framework raises it (Mono gives no RequestingAssembly for a static reference,
/// so the test builds the arguments .NET Framework would pass).
/// </summary>
public sealed class DependencyResolverTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "jelou-loader-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A domain that failed to unload may still map a file; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public void In_a_fresh_domain_our_dependencies_come_from_the_dependencies_folder_and_only_to_our_assemblies()
    {
        string staged = StagedDependencies();
        string dependencies = Path.Combine(root, "Jelou", "dependencies");
        string application = Path.Combine(root, "host");
        Directory.CreateDirectory(dependencies);
        Directory.CreateDirectory(application);
        foreach (string file in Directory.GetFiles(staged, "*.dll"))
        {
            // Jelou.PowerShell.dll needs System.Management.Automation, which only a PowerShell host has.
            if (!Path.GetFileName(file).Equals("Jelou.PowerShell.dll", StringComparison.OrdinalIgnoreCase))
            {
                File.Copy(file, Path.Combine(dependencies, Path.GetFileName(file)));
            }
        }

        // The host folder holds only this test assembly (for the probe type), so nothing else resolves by probing there.
        string probeAssembly = Path.Combine(application, Path.GetFileName(typeof(LoaderProbe).Assembly.Location));
        File.Copy(typeof(LoaderProbe).Assembly.Location, probeAssembly);

        // No binding redirects, as powershell.exe.config has none for our assemblies (the test executable's own config has
        // redirects that a new domain would otherwise pick up).
        string configuration = Path.Combine(application, "host.config");
        File.WriteAllText(configuration, "<?xml version=\"1.0\" encoding=\"utf-8\"?><configuration />");
        var setup = new AppDomainSetup { ApplicationBase = application, ConfigurationFile = configuration };
        AppDomain domain = AppDomain.CreateDomain("jelou-loader-test", null, setup);
        string report;
        try
        {
            var probe = (LoaderProbe)domain.CreateInstanceFromAndUnwrap(probeAssembly, typeof(LoaderProbe).FullName!);
            report = probe.Run(dependencies);
        }
        finally
        {
            // Not AppDomain.Unload: Mono 6.8 then aborts the whole process at exit (an assertion on ThreadAbortException).
            // The domain holds a few assemblies and no threads; it ends with the test run.
            GC.KeepAlive(domain);
        }

        var lines = report.Split('\n').Where(l => l.Length > 0).ToDictionary(l => l.Substring(0, l.IndexOf('=')), l => l.Substring(l.IndexOf('=') + 1));
        Assert.Equal("refused", lines["outsider:Polly.Core"]);
        Assert.Equal("refused", lines["outsider:System.Text.Json"]);
        Assert.DoesNotContain(lines.Keys, k => k.StartsWith("outsider-served:", StringComparison.Ordinal));
        string[] served = lines["served"].Split(',');
        foreach (string name in new[] { "Polly.Core", "System.Text.Json", "System.Threading.RateLimiting" })
        {
            Assert.Contains(name, served);
        }

        foreach (string name in served)
        {
            Assert.Equal(Path.Combine(dependencies, name + ".dll"), lines["location:" + name]);
        }

        // Framework assemblies (mscorlib, System, netstandard) are not ours and are never served from the folder.
        Assert.DoesNotContain("mscorlib", served);
        Assert.DoesNotContain("netstandard", served);
    }

    private static string StagedDependencies()
    {
        string? folder = typeof(DependencyResolverTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "JelouStagedDependencies")?.Value;
        if (folder is null || !File.Exists(Path.Combine(folder, "Jelou.Core.dll")))
        {
            throw new InvalidOperationException("The module is not staged at '" + folder + "': run a Release build of Jelou.sln first.");
        }

        return folder;
    }
}

/// <summary>Runs in the test's AppDomain: installs the resolver as ModuleInitializer does, then asks it as Jelou.Core would.</summary>
public sealed class LoaderProbe : MarshalByRefObject
{
    /// <summary>Returns name=value lines describing what was served, refused and loaded from where.</summary>
    /// <param name="dependencies">The dependencies folder.</param>
    /// <returns>The report.</returns>
    public string Run(string dependencies)
    {
        var resolver = new DependencyResolver(dependencies);
        AppDomain.CurrentDomain.AssemblyResolve += resolver.Resolve;
        var report = new StringBuilder();

        // Through the installed event: a request from outside the folder (this probe, or a caller the runtime does not
        // name) must get nothing from it.
        foreach (string name in new[] { "Polly.Core", "System.Text.Json" })
        {
            string outcome;
            try
            {
                outcome = Assembly.Load(name).Location;
            }
            catch (FileNotFoundException)
            {
                outcome = "refused";
            }

            report.Append("outsider:").Append(name).Append('=').Append(outcome).Append('\n');
        }

        // Our assembly, loaded from the folder as Import-Module loads Jelou.PowerShell.dll on 5.1. .NET Framework raises
        // AssemblyResolve for each of its references with RequestingAssembly set to it; Mono leaves RequestingAssembly null
        // there, so the same event arguments are built here and given to the same handler.
        Assembly core = Assembly.LoadFrom(Path.Combine(dependencies, "Jelou.Core.dll"));
        var served = new List<string>();
        foreach (AssemblyName reference in core.GetReferencedAssemblies())
        {
            Assembly? assembly = resolver.Resolve(null, new ResolveEventArgs(reference.FullName, core));
            if (assembly is not null)
            {
                served.Add(reference.Name!);
                report.Append("location:").Append(reference.Name).Append('=').Append(assembly.Location).Append('\n');
            }

            // The same request from an assembly outside the folder is refused.
            if (resolver.Resolve(null, new ResolveEventArgs(reference.FullName, typeof(LoaderProbe).Assembly)) is not null)
            {
                report.Append("outsider-served:").Append(reference.Name).Append("=yes\n");
            }
        }

        report.Append("served=").Append(string.Join(",", served)).Append('\n');
        return report.ToString();
    }
}
