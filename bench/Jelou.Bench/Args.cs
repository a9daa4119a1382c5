using System.Globalization;

namespace Jelou.Bench;

/// <summary>A command word followed by <c>--name value</c> pairs.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);

    public Args(string[] args)
    {
        int i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Command = args[0];
            i = 1;
        }

        for (; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                Rest.Add(args[i]);
                continue;
            }

            string name = args[i][2..];
            values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string Command { get; } = "all";

    public List<string> Rest { get; } = [];

    public string Get(string name, string fallback) => values.TryGetValue(name, out string? value) ? value : fallback;

    public long GetLong(string name, long fallback) =>
        values.TryGetValue(name, out string? value) ? long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string name, double fallback) =>
        values.TryGetValue(name, out string? value) ? double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;

    public long[] GetLongs(string name, string fallback) =>
        Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
}
