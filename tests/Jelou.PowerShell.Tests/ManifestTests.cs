using System.Reflection;

namespace Jelou.PowerShell.Tests;

/// <summary>Jelou.psd1 against the built assembly: what Import-Module exports, and the Gallery metadata.</summary>
public sealed class ManifestTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    private readonly ModuleManifest manifest = new(module.ManifestPath);

    [Fact]
    public void CmdletsToExport_lists_exactly_the_cmdlets_of_the_assembly()
    {
        var exported = manifest.Array("CmdletsToExport");
        Assert.True(exported is not null, "CmdletsToExport must be an explicit @( ... ) list.");
        Assert.Equal(string.Empty, exported.Unparsed);
        Assert.DoesNotContain(exported.Items, i => i.Contains('*', StringComparison.Ordinal));
        Assert.Equal(exported.Items.Count, exported.Items.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        var inAssembly = module.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(inAssembly);
        Assert.Equal(inAssembly, exported.Items.Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("VariablesToExport")]
    [InlineData("AliasesToExport")]
    public void Unused_export_lists_are_empty_arrays_not_missing(string key)
    {
        // A missing or null entry means '*', which makes PowerShell search the module for commands.
        var list = manifest.Array(key);
        Assert.True(list is not null, $"{key} must be set to @() (not missing, $null or '*').");
        Assert.Empty(list.Items);
        Assert.Equal(string.Empty, list.Unparsed);
    }

    [Fact]
    public void CompatiblePSEditions_has_Core_and_Desktop()
    {
        var editions = manifest.Array("CompatiblePSEditions");
        Assert.NotNull(editions);
        Assert.Equal(string.Empty, editions.Unparsed);
        Assert.Equal(["Core", "Desktop"], editions.Items.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PowerShellVersion_is_5_1()
    {
        Assert.Equal("5.1", manifest.Scalar("PowerShellVersion"));
    }

    [Fact]
    public void RootModule_is_the_cmdlet_assembly_or_a_loader_script_that_imports_it()
    {
        var root = manifest.Scalar("RootModule");
        Assert.NotNull(root);
        var assembly = Path.GetFileName(module.ModulePath);
        if (root.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Equal(assembly, root);
            return;
        }

        // A loader (dependency isolation): it must ship in module/ and import the cmdlet assembly.
        Assert.EndsWith(".psm1", root, StringComparison.OrdinalIgnoreCase);
        var loader = Path.Combine(module.RepoRoot, "module", root);
        Assert.True(File.Exists(loader), $"RootModule {root} is not in module/.");
        Assert.Contains(assembly, File.ReadAllText(loader), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FormatsToProcess_files_exist_in_the_module_folder()
    {
        var formats = manifest.Array("FormatsToProcess");
        Assert.NotNull(formats);
        Assert.Equal(string.Empty, formats.Unparsed);
        foreach (var file in formats.Items)
        {
            Assert.True(File.Exists(Path.Combine(module.RepoRoot, "module", file)), $"FormatsToProcess names {file}, which is not in module/ (the staging copies it from there).");
        }
    }

    [Fact]
    public void PSData_has_edition_tags_and_project_and_license_uris()
    {
        var tags = manifest.Array("Tags");
        Assert.NotNull(tags);
        Assert.Equal(string.Empty, tags.Unparsed);
        Assert.Contains("PSEdition_Core", tags.Items);
        Assert.Contains("PSEdition_Desktop", tags.Items);
        Assert.DoesNotContain(tags.Items, t => t.Any(char.IsWhiteSpace));

        foreach (var key in new[] { "ProjectUri", "LicenseUri" })
        {
            var value = manifest.Scalar(key);
            Assert.True(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"{key} '{value}' is not an absolute https URI.");
        }

        // Tags and URIs count only inside PrivateData.PSData.
        var psData = manifest.Text.IndexOf("PSData", StringComparison.Ordinal);
        Assert.True(psData > manifest.Text.IndexOf("PrivateData", StringComparison.Ordinal) && psData >= 0, "PSData must sit inside PrivateData.");
        Assert.True(manifest.Text.IndexOf("Tags", StringComparison.Ordinal) > psData, "Tags must sit inside PSData.");
        Assert.True(manifest.Text.IndexOf("ProjectUri", StringComparison.Ordinal) > psData, "ProjectUri must sit inside PSData.");
        Assert.True(manifest.Text.IndexOf("LicenseUri", StringComparison.Ordinal) > psData, "LicenseUri must sit inside PSData.");
    }

    [Fact]
    public void ModuleVersion_matches_the_assembly_version()
    {
        var moduleVersion = manifest.Scalar("ModuleVersion");
        Assert.NotNull(moduleVersion);
        Assert.Matches(@"^\d+\.\d+\.\d+$", moduleVersion);

        var version = module.Module.GetName().Version!;
        Assert.Equal(moduleVersion, $"{version.Major}.{version.Minor}.{version.Build}");

        var informational = ModuleMetadata.Find(module.Module.GetCustomAttributesData(), typeof(AssemblyInformationalVersionAttribute).FullName!);
        Assert.NotNull(informational);
        var text = (string)informational.ConstructorArguments[0].Value!;
        Assert.Equal(moduleVersion, text.Split('+', '-')[0]);
    }
}
