using System.Text.RegularExpressions;

namespace Jelou.PowerShell.Tests;

/// <summary>What PowerShell itself contributes to every cmdlet, and the conventions the module follows.</summary>
internal static class PowerShellFacts
{
    /// <summary>
    /// The common parameters (CommonParameters, ShouldProcessParameters, TransactionParameters) with their
    /// aliases: PowerShell adds them to every cmdlet, so a cmdlet parameter or alias with one of these spellings
    /// makes the command fail metadata generation ("A parameter with the name ... was defined multiple times").
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> CommonParameters = new Dictionary<string, string[]>
    {
        ["Verbose"] = ["vb"],
        ["Debug"] = ["db"],
        ["ErrorAction"] = ["ea"],
        ["WarningAction"] = ["wa"],
        ["InformationAction"] = ["infa"],
        ["ProgressAction"] = ["proga"],
        ["ErrorVariable"] = ["ev"],
        ["WarningVariable"] = ["wv"],
        ["InformationVariable"] = ["iv"],
        ["OutVariable"] = ["ov"],
        ["OutBuffer"] = ["ob"],
        ["PipelineVariable"] = ["pv"],
        ["WhatIf"] = ["wi"],
        ["Confirm"] = ["cf"],
        ["UseTransaction"] = ["usetx"],
    };

    /// <summary>Verbs whose cmdlets change state and so must support -WhatIf/-Confirm (RD04).</summary>
    public static readonly IReadOnlySet<string> StateChangingVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "Send", "Set", "Remove", "New", "Add", "Clear", "Reset", "Update", "Start", "Stop", "Restart", "Register",
        "Unregister", "Install", "Uninstall", "Publish", "Unpublish", "Rename", "Move", "Copy", "Enable", "Disable",
        "Grant", "Revoke", "Protect", "Unprotect", "Lock", "Unlock", "Write", "Save", "Import", "Initialize", "Invoke",
    };

    public const string CommandsNamespace = "Jelou.PowerShell.Commands";

    public const string NounPrefix = "Jelou";

    public static bool IsSecretLike(string spelling) =>
        spelling.Contains("Secret", StringComparison.OrdinalIgnoreCase) || spelling.Contains("Password", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A tiny reader for the parts of Jelou.psd1 the contract tests check (a hashtable literal, not general PowerShell).</summary>
internal sealed partial class ModuleManifest
{
    public ModuleManifest(string path)
    {
        var text = File.ReadAllText(path);
        text = BlockComment().Replace(text, string.Empty);
        Text = LineComment().Replace(text, string.Empty);
    }

    public string Text { get; }

    /// <summary>The value of <c>Key = 'value'</c>, or null; fails when the key is given more than once.</summary>
    public string? Scalar(string key)
    {
        var matches = Regex.Matches(Text, $@"(?im)^\s*{Regex.Escape(key)}\s*=\s*'([^']*)'");
        Assert.True(matches.Count <= 1, $"{key} is set {matches.Count} times in the manifest.");
        return matches.Count == 1 ? matches[0].Groups[1].Value : null;
    }

    /// <summary>The body of <c>Key = @( ... )</c> (null when absent): quoted items and anything else left over.</summary>
    public ManifestArray? Array(string key)
    {
        var matches = Regex.Matches(Text, $@"(?is)(?:^|[\s;{{])\b{Regex.Escape(key)}\s*=\s*@\(([^)]*)\)");
        Assert.True(matches.Count <= 1, $"{key} is set {matches.Count} times in the manifest.");
        if (matches.Count == 0)
        {
            return null;
        }

        var body = matches[0].Groups[1].Value;
        var items = QuotedItem().Matches(body).Select(m => m.Groups[1].Value).ToList();
        var rest = QuotedItem().Replace(body, string.Empty).Replace(",", string.Empty, StringComparison.Ordinal).Trim();
        return new ManifestArray(items, rest);
    }

    [GeneratedRegex(@"<#.*?#>", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"(?m)^\s*#.*$")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedItem();
}

/// <summary>The quoted strings of a manifest array, and whatever unquoted text it also held (expected empty).</summary>
internal sealed record ManifestArray(IReadOnlyList<string> Items, string Unparsed);

/// <summary>Fails with every collected violation, one per line, untruncated.</summary>
internal static class Problems
{
    public static void AssertNone(IReadOnlyCollection<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
}
