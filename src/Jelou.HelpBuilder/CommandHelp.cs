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

        /// <summary>The parameter sets in the order the syntax shows them; "(All)" alone when there are no named sets.</summary>
        public IReadOnlyList<string> ParameterSets { get; set; } = Array.Empty<string>();

        public List<ParameterHelp> Parameters { get; } = new();

        public List<ExampleHelp> Examples { get; } = new();

        public List<TypeHelp> Inputs { get; } = new();

        public List<TypeHelp> Outputs { get; } = new();

        public IReadOnlyList<Block> Notes { get; set; } = Array.Empty<Block>();

        public List<LinkHelp> RelatedLinks { get; } = new();

        /// <summary>The parameters a syntax line shows for a set (hidden ones left out), positional ones first by position, then the others as documented.</summary>
        public IEnumerable<ParameterHelp> InSet(string set) => Parameters
            .Where(p => p.IsInSet(set) && !p.DontShow)
            .OrderBy(p => p.Position ?? int.MaxValue)
            .ThenBy(p => p.IsCommonRiskParameter ? 1 : 0);
    }

    /// <summary>One parameter: its description and the metadata of its yaml block.</summary>
    internal sealed class ParameterHelp
    {
        public const string AllSets = "(All)";

        public required string Name { get; init; }

        public required int Line { get; init; }

        public IReadOnlyList<Block> Description { get; set; } = Array.Empty<Block>();

        public string Type { get; set; } = string.Empty;

        public IReadOnlyList<string> ParameterSets { get; set; } = new[] { AllSets };

        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> AcceptedValues { get; set; } = Array.Empty<string>();

        public bool Required { get; set; }

        /// <summary>The position, or null for a named parameter.</summary>
        public int? Position { get; set; }

        public string DefaultValue { get; set; } = "None";

        /// <summary>"False", "True (ByValue)", "True (ByPropertyName)" or "True (ByValue, ByPropertyName)".</summary>
        public string PipelineInput { get; set; } = "False";

        public bool Globbing { get; set; }

        /// <summary>
        /// A DontShow parameter, such as the pipeline's InputObject: described, so Get-Help -Parameter answers, but
        /// left out of the syntax as PowerShell leaves it out of tab completion.
        /// </summary>
        public bool DontShow { get; set; }

        public bool IsSwitch => string.Equals(Type, "SwitchParameter", StringComparison.OrdinalIgnoreCase);

        public bool IsArray => Type.EndsWith("[]", StringComparison.Ordinal);

        /// <summary>-WhatIf and -Confirm go last in a syntax line, as PowerShell shows them.</summary>
        public bool IsCommonRiskParameter => Name is "WhatIf" or "Confirm";

        public bool IsInSet(string set) => ParameterSets.Contains(AllSets) || ParameterSets.Contains(set);
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
