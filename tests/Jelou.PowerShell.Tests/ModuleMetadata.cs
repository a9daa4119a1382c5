using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit.Sdk;

namespace Jelou.PowerShell.Tests;

/// <summary>
/// The built module read as metadata: Jelou.PowerShell.dll and its dependencies, loaded through a
/// <see cref="MetadataLoadContext"/> together with the PowerShellStandard reference assembly, and turned into a
/// model of what PowerShell's command discovery and parameter binder will see. One instance per test class.
/// </summary>
public sealed class ModuleMetadata : IDisposable
{
    public const string Sma = "System.Management.Automation";
    public const string AllParameterSets = "__AllParameterSets";

    private readonly MetadataLoadContext context;

    public ModuleMetadata()
    {
        RepoRoot = FindRepoRoot();
        Configuration = typeof(ModuleMetadata).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";
        ModuleDirectory = Path.Combine(RepoRoot, "src", "Jelou.PowerShell", "bin", Configuration, "netstandard2.0");
        ModulePath = Path.Combine(ModuleDirectory, "Jelou.PowerShell.dll");
        if (!File.Exists(ModulePath))
        {
            throw new FileNotFoundException($"The built module is missing; build src/Jelou.PowerShell in {Configuration} first (dotnet test builds it through the project reference).", ModulePath);
        }

        SmaPath = FindPowerShellStandard();
        ManifestPath = Path.Combine(RepoRoot, "Jelou.psd1");

        // First wins: the module's own dependencies, then the PowerShell reference assembly, then the running
        // runtime for netstandard / System.Runtime and the framework facades.
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Directory.EnumerateFiles(ModuleDirectory, "*.dll")
            .Append(SmaPath)
            .Concat(Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")))
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        context = new MetadataLoadContext(new PathAssemblyResolver(byName.Values), coreAssemblyName: null);
        Module = context.LoadFromAssemblyPath(ModulePath);
        Core = context.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "Jelou.Core.dll"));
        Automation = context.LoadFromAssemblyPath(SmaPath);

        CmdletBase = Automation.GetType(Sma + ".Cmdlet", throwOnError: true)!;
        ApprovedVerbs = ReadApprovedVerbs(Automation);
        CmdletClasses = Module.GetTypes().Where(t => t.IsClass && DerivesFrom(t, CmdletBase.FullName!)).ToList();
        Cmdlets = Module.GetTypes()
            .Where(t => Find(t.GetCustomAttributesData(), Sma + ".CmdletAttribute") is not null)
            .Select(t => new CmdletModel(t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public string RepoRoot { get; }

    /// <summary>Debug or Release: the configuration this test assembly was built in, and so the module's.</summary>
    public string Configuration { get; }

    public string ModuleDirectory { get; }

    public string ModulePath { get; }

    public string SmaPath { get; }

    public string ManifestPath { get; }

    public Assembly Module { get; }

    public Assembly Core { get; }

    public Assembly Automation { get; }

    public Type CmdletBase { get; }

    /// <summary>Every class of the module that derives from Cmdlet (PSCmdlet included), abstract or not.</summary>
    public IReadOnlyList<Type> CmdletClasses { get; }

    /// <summary>Every type of the module that carries [Cmdlet], as PowerShell would export it.</summary>
    public IReadOnlyList<CmdletModel> Cmdlets { get; }

    /// <summary>The approved verbs: the string constants of the Verbs* classes of System.Management.Automation, by verb.</summary>
    public IReadOnlyDictionary<string, string> ApprovedVerbs { get; }

    /// <summary>
    /// Cmdlet names for [MemberData], read from the built module when the tests are discovered, so a new cmdlet is
    /// covered by the tests that select it without editing a list. Empty data fails the theory ("No data found").
    /// </summary>
    public static TheoryData<string> CmdletNames(Func<CmdletModel, bool> where)
    {
        using var module = new ModuleMetadata();
        var data = new TheoryData<string>();
        foreach (var cmdlet in module.Cmdlets.Where(where))
        {
            data.Add(cmdlet.Name);
        }

        return data;
    }

    /// <summary>The send cmdlets: every cmdlet with the verb Send, which share SendCommandBase's parameters.</summary>
    public static bool IsSendCmdlet(CmdletModel cmdlet) => cmdlet.Verb == "Send";

    /// <summary>The names of the send cmdlets (<see cref="IsSendCmdlet"/>) for [MemberData].</summary>
    public static TheoryData<string> SendCmdletNames() => CmdletNames(IsSendCmdlet);

    public CmdletModel Cmdlet(string name) =>
        Cmdlets.FirstOrDefault(c => c.Name == name)
        ?? throw new XunitException($"The module has no cmdlet {name}; it has: {string.Join(", ", Cmdlets.Select(c => c.Name))}.");

    public Type CoreType(string fullName) =>
        Core.GetType(fullName) ?? throw new XunitException($"Jelou.Core has no type {fullName}.");

    public void Dispose() => context.Dispose();

    public static bool DerivesFrom(Type type, string baseFullName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.FullName == baseFullName)
            {
                return true;
            }
        }

        return false;
    }

    public static CustomAttributeData? Find(IEnumerable<CustomAttributeData> attributes, string fullName) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == fullName);

    public static T? Named<T>(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => (T?)a.TypedValue.Value).FirstOrDefault();

    /// <summary>The values of a params-array constructor argument such as [Alias("a", "b")] or [OutputType(typeof(X))].</summary>
    public static IReadOnlyList<object?> ParamsArgument(CustomAttributeData attribute, int index = 0)
    {
        if (attribute.ConstructorArguments.Count <= index)
        {
            return Array.Empty<object?>();
        }

        var value = attribute.ConstructorArguments[index].Value;
        return value is ReadOnlyCollection<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value).ToList()
            : new[] { value };
    }

    /// <summary>A readable type name: string, string[], double?, Guid?, PSCredential.</summary>
    public static string Display(Type type)
    {
        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
        {
            return Display(type.GetGenericArguments()[0]) + "?";
        }

        return type.FullName switch
        {
            "System.String" => "string",
            "System.Object" => "object",
            "System.Int32" => "int",
            "System.Int64" => "long",
            "System.Double" => "double",
            "System.Boolean" => "bool",
            _ => type.Name,
        };
    }

    private static Dictionary<string, string> ReadApprovedVerbs(Assembly automation)
    {
        var verbs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in automation.GetTypes().Where(t => t.IsPublic && t.Namespace == Sma && t.Name.StartsWith("Verbs", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed))
        {
            foreach (var field in group.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType.FullName == "System.String"))
            {
                verbs[(string)field.GetRawConstantValue()!] = group.Name;
            }
        }

        return verbs;
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jelou.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} contains Jelou.sln.");
    }

    internal static string FindPowerShellStandard()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", "System.Management.Automation.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The PowerShellStandard.Library reference assembly is not in the NuGet cache; restore src/Jelou.PowerShell first.", path);
    }
}

/// <summary>One cmdlet as PowerShell sees it: its [Cmdlet] and [OutputType] declarations and its parameters.</summary>
public sealed class CmdletModel
{
    public CmdletModel(Type type)
    {
        Type = type;
        var attributes = type.GetCustomAttributesData();
        var cmdlet = ModuleMetadata.Find(attributes, ModuleMetadata.Sma + ".CmdletAttribute")!;
        Verb = (string)cmdlet.ConstructorArguments[0].Value!;
        Noun = (string)cmdlet.ConstructorArguments[1].Value!;
        SupportsShouldProcess = ModuleMetadata.Named<bool>(cmdlet, "SupportsShouldProcess");
        DefaultParameterSetName = ModuleMetadata.Named<string>(cmdlet, "DefaultParameterSetName");
        OutputTypes = attributes
            .Where(a => a.AttributeType.FullName == ModuleMetadata.Sma + ".OutputTypeAttribute")
            .SelectMany(a => ModuleMetadata.ParamsArgument(a))
            .ToList();

        var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Cast<MemberInfo>()
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance));
        Parameters = members
            .Select(m => (Member: m, Declarations: m.GetCustomAttributesData().Where(a => a.AttributeType.FullName == ModuleMetadata.Sma + ".ParameterAttribute").ToList()))
            .Where(m => m.Declarations.Count > 0)
            .Select(m => new ParameterModel(m.Member, m.Declarations))
            .ToList();

        var named = Parameters.SelectMany(p => p.Declarations).Select(d => d.ParameterSetName).Where(s => s != ModuleMetadata.AllParameterSets).Distinct().ToList();
        ParameterSets = named.Count > 0 ? named : new List<string> { ModuleMetadata.AllParameterSets };
    }

    public Type Type { get; }

    public string Verb { get; }

    public string Noun { get; }

    public string Name => Verb + "-" + Noun;

    public bool SupportsShouldProcess { get; }

    public string? DefaultParameterSetName { get; }

    /// <summary>The [OutputType] entries: Type objects, or strings for the string form.</summary>
    public IReadOnlyList<object?> OutputTypes { get; }

    public IReadOnlyList<ParameterModel> Parameters { get; }

    /// <summary>The parameter sets PowerShell builds: the named ones, or the single implicit set when none is named.</summary>
    public IReadOnlyList<string> ParameterSets { get; }

    public ParameterModel Parameter(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new XunitException($"{Name} has no parameter -{name}; it has: {string.Join(", ", Parameters.Select(p => p.Name))}.");

    public IEnumerable<ParameterModel> InSet(string set) => Parameters.Where(p => p.Declaration(set) is not null);

    public override string ToString() => Name;
}

/// <summary>One [Parameter] declaration: PowerShell allows several on a property, one per parameter set.</summary>
public sealed record ParameterDeclaration(string ParameterSetName, bool Mandatory, int? Position, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName, bool DontShow);

/// <summary>One cmdlet parameter: its .NET type, aliases, attributes and [Parameter] declarations.</summary>
public sealed class ParameterModel
{
    public ParameterModel(MemberInfo member, IEnumerable<CustomAttributeData> declarations)
    {
        Member = member;
        Type = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
        Attributes = member.GetCustomAttributesData().ToList();
        Declarations = declarations.Select(d => new ParameterDeclaration(
            ModuleMetadata.Named<string>(d, "ParameterSetName") ?? ModuleMetadata.AllParameterSets,
            ModuleMetadata.Named<bool>(d, "Mandatory"),
            ModuleMetadata.Named<int?>(d, "Position") is { } position && position != int.MinValue ? position : null,
            ModuleMetadata.Named<bool>(d, "ValueFromPipeline"),
            ModuleMetadata.Named<bool>(d, "ValueFromPipelineByPropertyName"),
            ModuleMetadata.Named<bool>(d, "DontShow"))).ToList();
        Aliases = Attributes
            .Where(a => a.AttributeType.FullName == ModuleMetadata.Sma + ".AliasAttribute")
            .SelectMany(a => ModuleMetadata.ParamsArgument(a))
            .OfType<string>()
            .ToList();
    }

    public MemberInfo Member { get; }

    public string Name => Member.Name;

    public Type Type { get; }

    public IReadOnlyList<CustomAttributeData> Attributes { get; }

    public IReadOnlyList<ParameterDeclaration> Declarations { get; }

    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The name and the aliases: every spelling the binder (and pipeline binding by property name) matches.</summary>
    public IEnumerable<string> Spellings => Aliases.Prepend(Name);

    public bool ValueFromPipeline => Declarations.Any(d => d.ValueFromPipeline);

    public bool ValueFromPipelineByPropertyName => Declarations.Any(d => d.ValueFromPipelineByPropertyName);

    public bool InAllSets => Declarations.Any(d => d.ParameterSetName == ModuleMetadata.AllParameterSets);

    public string TypeName => ModuleMetadata.Display(Type);

    /// <summary>The declaration that applies in a parameter set (an explicit one wins over __AllParameterSets), or null.</summary>
    public ParameterDeclaration? Declaration(string set) =>
        Declarations.FirstOrDefault(d => d.ParameterSetName == set)
        ?? Declarations.FirstOrDefault(d => d.ParameterSetName == ModuleMetadata.AllParameterSets);

    public CustomAttributeData? Attribute(string shortName) => ModuleMetadata.Find(Attributes, ModuleMetadata.Sma + "." + shortName);

    public bool Has(string shortName) => Attribute(shortName) is not null;

    /// <summary>
    /// PowerShell does not delay-bind a script block (-Text { $_.Name }) to a pipeline parameter whose type is
    /// object, ScriptBlock (or derived), or a collection of those: it binds the script block itself instead.
    /// Mirrors CmdletParameterBinderController.IsParameterScriptBlockBindable.
    /// </summary>
    public bool BlocksDelayBind => IsScriptBlockCompatible(Type) || (ElementType(Type) is { } element && IsScriptBlockCompatible(element));

    public override string ToString() => $"-{Name} [{TypeName}]";

    private static bool IsScriptBlockCompatible(Type type) =>
        type.FullName == "System.Object" || type.FullName == ModuleMetadata.Sma + ".ScriptBlock" || ModuleMetadata.DerivesFrom(type, ModuleMetadata.Sma + ".ScriptBlock");

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IList`1");
        return enumerable?.GetGenericArguments()[0];
    }
}
