using System.Collections.ObjectModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Jelou.HelpBuilder
{
    /// <summary>
    /// The cmdlets of the built module as PowerShell's parameter binder will see them, read as metadata through a
    /// <see cref="MetadataLoadContext"/> (the module targets netstandard2.0 and the PowerShell reference assembly,
    /// neither of which can run here). Everything is copied out as strings, so the context is closed on return.
    /// </summary>
    internal static class CommandMetadataReader
    {
        private const string Sma = "System.Management.Automation";

        /// <summary>
        /// Reads every type with [Cmdlet] in <paramref name="assemblyPath"/>. Types resolve from the assembly's folder
        /// (its dependencies), then <paramref name="references"/> (System.Management.Automation), then this runtime.
        /// </summary>
        public static IReadOnlyList<CmdletMetadata> Read(string assemblyPath, IEnumerable<string> references)
        {
            var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var path in Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "*.dll")
                .Concat(references)
                .Concat(Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")))
            {
                byName.TryAdd(Path.GetFileName(path), path);
            }

            using var context = new MetadataLoadContext(new PathAssemblyResolver(byName.Values));
            var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
            return assembly.GetTypes()
                .Where(t => t.IsClass && !t.IsAbstract && Find(t.GetCustomAttributesData(), "CmdletAttribute") is not null)
                .Select(ReadCmdlet)
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
        }

        private static CmdletMetadata ReadCmdlet(Type type)
        {
            var cmdlet = Find(type.GetCustomAttributesData(), "CmdletAttribute")!;
            var name = (string)cmdlet.ConstructorArguments[0].Value! + "-" + (string)cmdlet.ConstructorArguments[1].Value!;
            var supportsShouldProcess = Named<bool>(cmdlet, "SupportsShouldProcess");
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Cast<MemberInfo>()
                .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance))
                .Select(m => (Member: m, Declarations: m.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + ".ParameterAttribute").ToList()))
                .Where(m => m.Declarations.Count > 0)
                .Select(m => ReadParameter(m.Member, m.Declarations))
                .ToList();
            if (supportsShouldProcess)
            {
                // Not properties of the class: PowerShell adds them to a cmdlet that supports ShouldProcess.
                parameters.Add(RiskParameter("WhatIf", "wi"));
                parameters.Add(RiskParameter("Confirm", "cf"));
            }

            if (Named<bool>(cmdlet, "SupportsPaging"))
            {
                // Likewise added by PowerShell to a cmdlet that supports paging (PagingParameters).
                parameters.Add(PagingParameter("IncludeTotalCount", "SwitchParameter", "False"));
                parameters.Add(PagingParameter("Skip", "UInt64", "0"));
                parameters.Add(PagingParameter("First", "UInt64", "None (all)"));
            }

            return new CmdletMetadata(name, supportsShouldProcess, Named<string>(cmdlet, "DefaultParameterSetName"), parameters);
        }

        private static ParameterMetadata ReadParameter(MemberInfo member, List<CustomAttributeData> declarations)
        {
            var type = member is PropertyInfo property ? property.PropertyType : ((FieldInfo)member).FieldType;
            var attributes = member.GetCustomAttributesData();
            var sets = declarations.Select(d => new SetDeclaration(
                Named<string>(d, "ParameterSetName") ?? ParameterMetadata.AllSets,
                Named<bool>(d, "Mandatory"),
                Named<int?>(d, "Position") is { } position && position != int.MinValue ? position : null,
                Named<bool>(d, "ValueFromPipeline"),
                Named<bool>(d, "ValueFromPipelineByPropertyName"))).ToList();
            var typeName = Display(type);
            var isSwitch = type.FullName == Sma + ".SwitchParameter";
            var defaultValue = Find(attributes, "PSDefaultValueAttribute") is { } psDefault
                ? Named<string>(psDefault, "Help") ?? Convert.ToString(Named<object>(psDefault, "Value"), CultureInfo.InvariantCulture)
                : null;
            return new ParameterMetadata(member.Name, typeName, sets)
            {
                IsSwitch = isSwitch,
                IsArray = type.IsArray,
                Aliases = attributes.Where(a => a.AttributeType.FullName == Sma + ".AliasAttribute").SelectMany(a => Strings(a)).ToList(),
                AcceptedValues = AcceptedValues(type, attributes),
                Globbing = Find(attributes, "SupportsWildcardsAttribute") is not null,
                DontShow = declarations.Any(d => Named<bool>(d, "DontShow")),
                DefaultValue = defaultValue is { Length: > 0 } ? defaultValue : isSwitch ? "False" : "None",
            };
        }

        private static ParameterMetadata PagingParameter(string name, string type, string defaultValue) =>
            new(name, type, new[] { new SetDeclaration(ParameterMetadata.AllSets, false, null, false, false) })
            {
                IsSwitch = type == "SwitchParameter",
                DefaultValue = defaultValue,
            };

        private static ParameterMetadata RiskParameter(string name, string alias) =>
            new(name, "SwitchParameter", new[] { new SetDeclaration(ParameterMetadata.AllSets, false, null, false, false) })
            {
                IsSwitch = true,
                Aliases = new[] { alias },
                DefaultValue = "False",
            };

        /// <summary>The names of an enum (or enum array, or nullable enum) type, or the values of [ValidateSet].</summary>
        private static IReadOnlyList<string> AcceptedValues(Type type, IList<CustomAttributeData> attributes)
        {
            if (Find(attributes, "ValidateSetAttribute") is { } set)
            {
                return Strings(set).ToList();
            }

            var element = type.IsArray ? type.GetElementType()! : type;
            element = Nullable(element) ?? element;
            return element.IsEnum
                ? element.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList()
                : Array.Empty<string>();
        }

        /// <summary>How Get-Help names a parameter type: String, String[], Int32, Double (for double?), SwitchParameter.</summary>
        private static string Display(Type type)
        {
            if (type.IsArray)
            {
                return Display(type.GetElementType()!) + "[]";
            }

            return Nullable(type)?.Name ?? type.Name;
        }

        private static Type? Nullable(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : null;

        private static CustomAttributeData? Find(IEnumerable<CustomAttributeData> attributes, string shortName) =>
            attributes.FirstOrDefault(a => a.AttributeType.FullName == Sma + "." + shortName);

        private static T? Named<T>(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => (T?)a.TypedValue.Value).FirstOrDefault();

        /// <summary>The strings of a params constructor argument, such as [Alias("a", "b")].</summary>
        private static IEnumerable<string> Strings(CustomAttributeData attribute) =>
            attribute.ConstructorArguments
                .SelectMany(a => a.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { a.Value })
                .OfType<string>();
    }

    /// <summary>One cmdlet: its name, whether it supports ShouldProcess, its default set and its parameters.</summary>
    internal sealed class CmdletMetadata
    {
        public CmdletMetadata(string name, bool supportsShouldProcess, string? defaultParameterSetName, IReadOnlyList<ParameterMetadata> parameters)
        {
            Name = name;
            SupportsShouldProcess = supportsShouldProcess;
            Parameters = parameters;

            // The default set first, then the others in the order the parameters declare them; one implicit set when
            // none is named, as PowerShell builds them.
            var named = parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != ParameterMetadata.AllSets).Distinct(StringComparer.Ordinal).ToList();
            ParameterSets = named.Count == 0
                ? new[] { ParameterMetadata.AllSets }
                : named.OrderBy(s => string.Equals(s, defaultParameterSetName, StringComparison.Ordinal) ? 0 : 1).ToList();
        }

        public string Name { get; }

        public bool SupportsShouldProcess { get; }

        public IReadOnlyList<ParameterMetadata> Parameters { get; }

        public IReadOnlyList<string> ParameterSets { get; }

        public ParameterMetadata? Parameter(string name) =>
            Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One [Parameter] declaration: a property may have one per parameter set.</summary>
    internal sealed record SetDeclaration(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName)
    {
        /// <summary>"False", "True (ByValue)", "True (ByPropertyName)" or "True (ByValue, ByPropertyName)", as MAML writes it.</summary>
        public string PipelineInput => ParameterMetadata.PipelineText(ByValue, ByPropertyName);
    }

    /// <summary>One parameter as the binder sees it, with the texts MAML writes for it.</summary>
    internal sealed class ParameterMetadata
    {
        public const string AllSets = "__AllParameterSets";

        public ParameterMetadata(string name, string typeName, IReadOnlyList<SetDeclaration> sets)
        {
            Name = name;
            TypeName = typeName;
            Sets = sets;
        }

        public string Name { get; }

        public string TypeName { get; }

        public IReadOnlyList<SetDeclaration> Sets { get; }

        public bool IsSwitch { get; init; }

        public bool IsArray { get; init; }

        public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();

        /// <summary>Enum names or [ValidateSet] values, shown in the syntax instead of the type.</summary>
        public IReadOnlyList<string> AcceptedValues { get; init; } = Array.Empty<string>();

        /// <summary>[SupportsWildcards].</summary>
        public bool Globbing { get; init; }

        /// <summary>A DontShow parameter, such as the pipeline's InputObject: described, but left out of the syntax.</summary>
        public bool DontShow { get; init; }

        /// <summary>[PSDefaultValue(Help = ...)] (or its Value); otherwise False for a switch and None for the rest.</summary>
        public string DefaultValue { get; init; } = "None";

        /// <summary>Mandatory in at least one set.</summary>
        public bool Required => Sets.Any(s => s.Mandatory);

        /// <summary>The first position it is given, or null for a named parameter.</summary>
        public int? Position => Sets.Select(s => s.Position).FirstOrDefault(p => p is not null);

        public string PipelineInput => PipelineText(Sets.Any(s => s.ByValue), Sets.Any(s => s.ByPropertyName));

        /// <summary>-WhatIf and -Confirm go last in a syntax line, as PowerShell shows them.</summary>
        public bool IsCommonRiskParameter => Name is "WhatIf" or "Confirm";

        /// <summary>The declaration that applies in a set (its own wins over the one for all sets), or null when it is not in the set.</summary>
        public SetDeclaration? In(string set) =>
            Sets.FirstOrDefault(s => s.Set == set) ?? Sets.FirstOrDefault(s => s.Set == AllSets);

        internal static string PipelineText(bool byValue, bool byPropertyName) => (byValue, byPropertyName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
    }
}
