namespace Jelou.HelpBuilder
{
    /// <summary>One cmdlet's help as read from its markdown file.</summary>
    internal sealed class CommandHelp
    {
        public required string Name { get; init; }

        public required string SourcePath { get; init; }

        public string Verb => Name[..Name.IndexOf('-', StringComparison.Ordinal)];

        public string Noun => Name[(Name.IndexOf('-', StringComparison.Ordinal) + 1)..];

        public IReadOnlyList<Block> Synopsis { get; set; } = Array.Empty<Block>();

        public IReadOnlyList<Block> Description { get; set; } = Array.Empty<Block>();

        public List<ParameterHelp> Parameters { get; } = new();

        public List<ExampleHelp> Examples { get; } = new();

        public List<TypeHelp> Inputs { get; } = new();

        public List<TypeHelp> Outputs { get; } = new();

        public IReadOnlyList<Block> Notes { get; set; } = Array.Empty<Block>();

        public List<LinkHelp> RelatedLinks { get; } = new();

        /// <summary>The files named under 'shared parameters:' in the front matter, relative to the help folder.</summary>
        public IReadOnlyList<string> SharedParameterFiles { get; set; } = Array.Empty<string>();

        /// <summary>The cmdlet as the assembly declares it; set once the help is matched with it.</summary>
        public CmdletMetadata? Metadata { get; set; }

        /// <summary>The parameter sets, the default first.</summary>
        public IReadOnlyList<string> ParameterSets => Metadata?.ParameterSets ?? Array.Empty<string>();

        /// <summary>
        /// The parameters a syntax line shows for a set, each with its declaration there (hidden ones left out):
        /// positional ones first by position, then the others as documented, -WhatIf and -Confirm last.
        /// </summary>
        public IEnumerable<(ParameterHelp Parameter, SetDeclaration Declaration)> InSet(string set) => Parameters
            .Select(p => (Parameter: p, Declaration: p.Metadata.In(set)))
            .Where(p => p.Declaration is not null && !p.Parameter.Metadata.DontShow)
            .Select(p => (p.Parameter, p.Declaration!))
            .OrderBy(p => p.Item2.Position ?? int.MaxValue)
            .ThenBy(p => p.Parameter.Metadata.IsCommonRiskParameter ? 1 : 0);
    }

    /// <summary>One parameter: the description its help file gives, and the metadata the assembly declares.</summary>
    internal sealed class ParameterHelp
    {
        public required string Name { get; init; }

        /// <summary>The file that describes it: the cmdlet's own, or a shared parameters file.</summary>
        public required string SourcePath { get; init; }

        public required int Line { get; init; }

        public IReadOnlyList<Block> Description { get; set; } = Array.Empty<Block>();

        /// <summary>Set when the help is matched with the cmdlet; a parameter the cmdlet lacks is an error before writing.</summary>
        public ParameterMetadata Metadata { get; set; } = null!;
    }

    /// <summary>One example: a title, the PowerShell code and the explanation.</summary>
    internal sealed class ExampleHelp
    {
        public required string Title { get; init; }

        public required string Code { get; init; }

        public required IReadOnlyList<Block> Remarks { get; init; }
    }

    /// <summary>An input or output type and what it means.</summary>
    internal sealed class TypeHelp
    {
        public required string TypeName { get; init; }

        public required IReadOnlyList<Block> Description { get; init; }
    }

    /// <summary>A related link: a topic name, a URL, or both.</summary>
    internal sealed class LinkHelp
    {
        public required string Text { get; init; }

        public string Uri { get; init; } = string.Empty;
    }
}
