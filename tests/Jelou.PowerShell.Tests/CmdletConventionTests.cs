using System.Reflection;

namespace Jelou.PowerShell.Tests;

/// <summary>
/// Rules every cmdlet of the module must follow, checked on whatever cmdlets the assembly holds, so new cmdlets
/// are covered without new tests. Each test collects every violation and fails with the full list.
/// </summary>
public sealed class CmdletConventionTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    [Fact]
    public void Discovery_finds_at_least_the_cmdlets_the_manifest_exports()
    {
        // The manifest is the list kept by hand anyway; discovery must find each of them, or every convention
        // test below would pass on too few cmdlets.
        var exported = new ModuleManifest(module.ManifestPath).Array("CmdletsToExport")?.Items ?? [];
        Assert.NotEmpty(exported);
        var names = module.Cmdlets.Select(c => c.Name).ToList();
        foreach (var expected in exported)
        {
            Assert.Contains(expected, names);
        }
    }

    [Fact]
    public void Every_concrete_cmdlet_class_carries_Cmdlet_and_every_Cmdlet_type_is_a_public_concrete_cmdlet_class()
    {
        var problems = new List<string>();
        foreach (var type in module.CmdletClasses.Where(t => t.IsPublic && !t.IsAbstract))
        {
            if (module.Cmdlets.All(c => c.Type != type))
            {
                problems.Add($"{type.FullName} derives from Cmdlet but has no [Cmdlet]: PowerShell will not export it.");
            }
        }

        foreach (var cmdlet in module.Cmdlets)
        {
            if (!cmdlet.Type.IsPublic || cmdlet.Type.IsAbstract || !cmdlet.Type.IsClass)
            {
                problems.Add($"{cmdlet.Type.FullName} ({cmdlet}) must be a public, non-abstract class (RC02).");
            }

            if (!module.CmdletClasses.Contains(cmdlet.Type))
            {
                problems.Add($"{cmdlet.Type.FullName} ({cmdlet}) must derive from Cmdlet or PSCmdlet (RC01).");
            }

            if (cmdlet.Type.GetConstructor(Type.EmptyTypes) is not { IsPublic: true })
            {
                problems.Add($"{cmdlet} needs a public parameterless constructor: PowerShell creates it with one.");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Cmdlet_classes_are_named_VerbNounCommand_sealed_and_in_the_Commands_namespace()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            var expected = cmdlet.Verb + cmdlet.Noun + "Command";
            if (cmdlet.Type.Name != expected)
            {
                problems.Add($"{cmdlet} is implemented by {cmdlet.Type.Name}; name it {expected} (AC01).");
            }

            if (cmdlet.Type.Namespace != PowerShellFacts.CommandsNamespace)
            {
                problems.Add($"{cmdlet} lives in {cmdlet.Type.Namespace}; move it to {PowerShellFacts.CommandsNamespace}.");
            }

            if (!cmdlet.Type.IsSealed)
            {
                problems.Add($"{cmdlet.Type.Name} is not sealed.");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Approved_verbs_are_read_from_the_PowerShell_reference_assembly()
    {
        // Guards the test below against a vacuous pass: the Verbs* constants must have been found.
        Assert.True(module.ApprovedVerbs.Count > 90, $"Only {module.ApprovedVerbs.Count} approved verbs were read.");
        Assert.Equal("VerbsCommunications", module.ApprovedVerbs["Send"]);
        Assert.Equal("VerbsCommon", module.ApprovedVerbs["Set"]);
        Assert.Equal("VerbsCommon", module.ApprovedVerbs["Get"]);
        Assert.Equal("VerbsCommon", module.ApprovedVerbs["Remove"]);
        Assert.Equal("VerbsDiagnostic", module.ApprovedVerbs["Test"]);
        Assert.False(module.ApprovedVerbs.ContainsKey("Post"));
    }

    [Fact]
    public void Verbs_are_approved_and_nouns_are_singular_Jelou_prefixed_Pascal_case()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            if (!module.ApprovedVerbs.ContainsKey(cmdlet.Verb))
            {
                problems.Add($"{cmdlet}: '{cmdlet.Verb}' is not an approved verb (RD01); Import-Module warns about it.");
            }

            if (!cmdlet.Noun.StartsWith(PowerShellFacts.NounPrefix, StringComparison.Ordinal) || cmdlet.Noun.Length == PowerShellFacts.NounPrefix.Length)
            {
                problems.Add($"{cmdlet}: the noun must start with '{PowerShellFacts.NounPrefix}' and name something.");
            }

            if (!cmdlet.Noun.All(char.IsAsciiLetterOrDigit) || !char.IsUpper(cmdlet.Noun[0]))
            {
                problems.Add($"{cmdlet}: the noun must be Pascal case letters and digits only (RD02).");
            }

            if (cmdlet.Noun.EndsWith('s') && !new[] { "ss", "us", "is" }.Any(e => cmdlet.Noun.EndsWith(e, StringComparison.Ordinal)))
            {
                problems.Add($"{cmdlet}: the noun looks plural; nouns are singular.");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Every_cmdlet_with_output_declares_OutputType_naming_public_types()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            // A Remove cmdlet without -PassThru writes nothing, so it has no output type to declare.
            var outputsNothing = cmdlet.Verb == "Remove" && cmdlet.Parameters.All(p => p.Name != "PassThru");
            if (cmdlet.OutputTypes.Count == 0 && !outputsNothing)
            {
                problems.Add($"{cmdlet} has no [OutputType] (RD06/RC04).");
            }

            foreach (var output in cmdlet.OutputTypes)
            {
                if (output is not Type type)
                {
                    problems.Add($"{cmdlet}: [OutputType(\"{output}\")] names a type by string; use typeof so it is checked.");
                }
                else if (!(type.IsPublic || type.IsNestedPublic))
                {
                    problems.Add($"{cmdlet}: output type {type.FullName} is not public.");
                }
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void State_changing_cmdlets_support_ShouldProcess()
    {
        var problems = module.Cmdlets
            .Where(c => PowerShellFacts.StateChangingVerbs.Contains(c.Verb) && !c.SupportsShouldProcess)
            .Select(c => $"{c} changes state ({c.Verb}) but its [Cmdlet] lacks SupportsShouldProcess = true (RD04).")
            .ToList();
        Problems.AssertNone(problems);
        Assert.Contains(module.Cmdlets, c => c.Verb == "Send");
    }

    [Fact]
    public void Set_and_Add_cmdlets_have_a_PassThru_switch()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets.Where(c => c.Verb is "Set" or "Add"))
        {
            var passThru = cmdlet.Parameters.FirstOrDefault(p => p.Name == "PassThru");
            if (passThru?.Type.FullName != ModuleMetadata.Sma + ".SwitchParameter")
            {
                problems.Add($"{cmdlet} needs a -PassThru SwitchParameter.");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Cmdlets_override_a_processing_method()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            var overrides = new[] { "BeginProcessing", "ProcessRecord", "EndProcessing" }
                .Select(n => cmdlet.Type.GetMethod(n, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
                .Where(m => m is not null && m.DeclaringType?.Assembly == module.Module)
                .ToList();
            if (overrides.Count == 0)
            {
                problems.Add($"{cmdlet} overrides none of BeginProcessing/ProcessRecord/EndProcessing (RC03).");
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void No_parameter_name_or_alias_collides_with_another_or_with_a_common_parameter()
    {
        var problems = new List<string>();
        var common = PowerShellFacts.CommonParameters
            .SelectMany(kv => kv.Value.Prepend(kv.Key).Select(spelling => (spelling, kv.Key)))
            .ToList();
        foreach (var cmdlet in module.Cmdlets)
        {
            var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in cmdlet.Parameters)
            {
                foreach (var spelling in parameter.Spellings)
                {
                    if (owners.TryGetValue(spelling, out var owner))
                    {
                        problems.Add($"{cmdlet}: '{spelling}' of -{parameter.Name} is already taken by -{owner}.");
                    }
                    else
                    {
                        owners[spelling] = parameter.Name;
                    }

                    foreach (var (commonSpelling, commonName) in common.Where(c => string.Equals(c.spelling, spelling, StringComparison.OrdinalIgnoreCase)))
                    {
                        problems.Add($"{cmdlet}: '{spelling}' of -{parameter.Name} collides with the common parameter -{commonName} ('{commonSpelling}') (RD03).");
                    }
                }
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Parameter_names_and_aliases_are_plain_identifiers()
    {
        var problems = module.Cmdlets
            .SelectMany(c => c.Parameters.SelectMany(p => p.Spellings.Select(s => (c, p, s))))
            .Where(x => x.s.Length == 0 || !x.s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') || char.IsDigit(x.s[0]))
            .Select(x => $"{x.c}: '{x.s}' of -{x.p.Name} has characters PowerShell users cannot type after '-'.")
            .ToList();
        Problems.AssertNone(problems);
    }

    [Fact]
    public void Every_parameter_set_has_a_pipeline_parameter_and_at_most_one_ValueFromPipeline_parameter()
    {
        var problems = new List<string>();
        // A cmdlet without parameters (a plain getter) has nothing to bind, so SC02 does not apply to it.
        foreach (var cmdlet in module.Cmdlets.Where(c => c.Parameters.Count > 0))
        {
            foreach (var set in cmdlet.ParameterSets)
            {
                var declarations = cmdlet.InSet(set).Select(p => (p, d: p.Declaration(set)!)).ToList();
                if (!declarations.Any(x => x.d.ValueFromPipeline || x.d.ValueFromPipelineByPropertyName))
                {
                    problems.Add($"{cmdlet} [{set}]: no parameter takes pipeline input (SC02).");
                }

                var byValue = declarations.Where(x => x.d.ValueFromPipeline).Select(x => x.p.Name).ToList();
                if (byValue.Count > 1)
                {
                    problems.Add($"{cmdlet} [{set}]: several ValueFromPipeline parameters ({string.Join(", ", byValue)}); keep one per set.");
                }
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Parameter_sets_are_well_formed()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            if (cmdlet.ParameterSets.Count > 1 && (cmdlet.DefaultParameterSetName is null || !cmdlet.ParameterSets.Contains(cmdlet.DefaultParameterSetName)))
            {
                problems.Add($"{cmdlet} has sets {string.Join(", ", cmdlet.ParameterSets)} but DefaultParameterSetName '{cmdlet.DefaultParameterSetName}' is not one of them.");
            }

            foreach (var set in cmdlet.ParameterSets)
            {
                var positions = cmdlet.InSet(set)
                    .Select(p => (p.Name, p.Declaration(set)!.Position))
                    .Where(x => x.Position is not null)
                    .GroupBy(x => x.Position)
                    .Where(g => g.Count() > 1);
                foreach (var clash in positions)
                {
                    problems.Add($"{cmdlet} [{set}]: position {clash.Key} is shared by {string.Join(", ", clash.Select(x => x.Name))}.");
                }
            }

            foreach (var parameter in cmdlet.Parameters)
            {
                if (parameter.Declarations.GroupBy(d => d.ParameterSetName).Any(g => g.Count() > 1))
                {
                    problems.Add($"{cmdlet}: -{parameter.Name} is declared twice for the same parameter set.");
                }
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Switches_are_SwitchParameter_not_bool()
    {
        var problems = module.Cmdlets
            .SelectMany(c => c.Parameters.Where(p => p.TypeName is "bool" or "bool?").Select(p => $"{c}: {p} should be a SwitchParameter."))
            .ToList();
        Problems.AssertNone(problems);
    }

    [Fact]
    public void Credentials_are_PSCredential_with_the_Credential_attribute_and_secrets_are_never_plain_strings()
    {
        var problems = new List<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            foreach (var parameter in cmdlet.Parameters)
            {
                if (parameter.Type.FullName == ModuleMetadata.Sma + ".PSCredential" && !parameter.Has("CredentialAttribute"))
                {
                    problems.Add($"{cmdlet}: {parameter} needs [Credential] so a bare user name prompts for the password (AD03).");
                }

                var plain = parameter.Type.FullName == "System.String" || parameter.Type.GetElementType()?.FullName == "System.String";
                if (plain && parameter.Spellings.Any(PowerShellFacts.IsSecretLike))
                {
                    problems.Add($"{cmdlet}: {parameter} ({string.Join(", ", parameter.Spellings)}) takes a secret as a plain string; use SecureString or PSCredential (AC06).");
                }
            }
        }

        Problems.AssertNone(problems);
    }

    [Fact]
    public void Output_types_do_not_expose_secrets_as_plain_strings()
    {
        var problems = new List<string>();
        var seen = new HashSet<Type>();
        var queue = new Queue<(Type Type, string Path)>(module.Cmdlets.SelectMany(c => c.OutputTypes.OfType<Type>().Select(t => (t, t.Name))));
        while (queue.TryDequeue(out var item))
        {
            if (!seen.Add(item.Type))
            {
                continue;
            }

            foreach (var property in item.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var path = item.Path + "." + property.Name;
                if (property.PropertyType.FullName == "System.String" && PowerShellFacts.IsSecretLike(property.Name))
                {
                    problems.Add($"{path} is a plain string holding a secret.");
                }

                if (property.PropertyType.Namespace?.StartsWith("Jelou", StringComparison.Ordinal) == true && property.PropertyType.IsClass)
                {
                    queue.Enqueue((property.PropertyType, path));
                }
            }
        }

        Problems.AssertNone(problems);
        Assert.NotEmpty(seen);
    }
}
