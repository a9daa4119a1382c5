using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace Jelou.Tests;

/// <summary>
/// Validates request bodies against the OpenAPI reconstruction in shared/jelou-openapi.json with NJsonSchema.
/// A schema is loaded as the named component schema with every component schema under <c>definitions</c>, so that every
/// internal reference resolves against the real component schemas.
/// </summary>
internal static class OpenApiContract
{
    public const string SendMessageRequest = "SendMessageRequest";
    public const string RoomMessageRequest = "RoomMessageRequest";

    private static readonly Lazy<string> OpenApiText = new(() => File.ReadAllText(FindOpenApi()));
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonSchema>>> Schemas = new(StringComparer.Ordinal);

    /// <summary>The OpenAPI file: shared/jelou-openapi.json next to or above the test output, or ../shared beside the repo.</summary>
    public static string OpenApiPath => FindOpenApi();

    /// <summary>The parsed OpenAPI document (a fresh copy each call).</summary>
    public static JsonObject Document() => JsonNode.Parse(OpenApiText.Value)!.AsObject();

    /// <summary>The names of the schemas in SendMessageRequest's oneOf, in order.</summary>
    public static IReadOnlyList<string> SendMessageVariants() => OneOfNames(SendMessageRequest);

    public static Task<JsonSchema> SchemaAsync(string name) =>
        Schemas.GetOrAdd(name, n => new Lazy<Task<JsonSchema>>(() => LoadAsync(n))).Value;

    /// <summary>Every validation error of <paramref name="json"/> against components.schemas.<paramref name="schemaName"/>.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(string schemaName, string json)
    {
        var schema = await SchemaAsync(schemaName);
        return schema.Validate(json).Select(e => e.ToString()).ToList();
    }

    /// <summary>Which oneOf variants of SendMessageRequest accept the body (the contract wants exactly one).</summary>
    public static async Task<IReadOnlyList<string>> MatchingSendMessageVariantsAsync(string json)
    {
        var matches = new List<string>();
        foreach (var variant in SendMessageVariants())
        {
            var schema = await SchemaAsync(variant);
            if (schema.Validate(json).Count == 0)
            {
                matches.Add(variant);
            }
        }

        return matches;
    }

    private static IReadOnlyList<string> OneOfNames(string schemaName) =>
        Document()["components"]!["schemas"]![schemaName]!["oneOf"]!.AsArray()
            .Select(r => r!["$ref"]!.GetValue<string>().Split('/').Last())
            .ToList();

    private static async Task<JsonSchema> LoadAsync(string name)
    {
        var document = Document();
        var components = document["components"] ?? throw new InvalidOperationException("The OpenAPI document has no components.");
        if (components["schemas"]?[name] is null)
        {
            throw new ArgumentException($"components.schemas has no '{name}'.", nameof(name));
        }

        // NJsonSchema does not resolve references that live in an unknown keyword such as "components", nor nested ones
        // behind a root "$ref". So the wrapper is the named schema itself with every component schema under "definitions",
        // and each reference is pointed there; the schemas are otherwise untouched.
        var schemas = JsonNode.Parse(components["schemas"]!.ToJsonString()
            .Replace("\"#/components/schemas/", "\"#/definitions/", StringComparison.Ordinal))!.AsObject();
        var wrapper = schemas[name]!.DeepClone().AsObject();
        wrapper["definitions"] = schemas;
        return await JsonSchema.FromJsonAsync(wrapper.ToJsonString());
    }

    private static string FindOpenApi()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var inside = Path.Combine(dir.FullName, "shared", "jelou-openapi.json");
            if (File.Exists(inside))
            {
                return inside;
            }

            var sibling = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "jelou-openapi.json"));
            if (File.Exists(sibling))
            {
                return sibling;
            }
        }

        throw new FileNotFoundException("shared/jelou-openapi.json was not found above " + AppContext.BaseDirectory + " nor beside any of its parents.");
    }
}
