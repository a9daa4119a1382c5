namespace Jelou.Http
{
    /// <summary>
    /// What one call to an endpoint carries: the values of its route's placeholders (in order), its query parameters
    /// and its body. A value type, so a send pays no allocation for it.
    /// </summary>
    internal readonly struct ApiRequest
    {
        public ApiRequest(string pathValue, RequestBody? body = null, IReadOnlyList<KeyValuePair<string, string?>>? query = null)
        {
            PathValue = pathValue;
            SecondPathValue = null;
            Body = body;
            Query = query;
        }

        public ApiRequest(string? pathValue, string? secondPathValue, RequestBody? body = null, IReadOnlyList<KeyValuePair<string, string?>>? query = null)
        {
            PathValue = pathValue;
            SecondPathValue = secondPathValue;
            Body = body;
            Query = query;
        }

        /// <summary>A request to a route without placeholders: only query parameters (a listing's filters and page).</summary>
        public static ApiRequest WithQuery(IReadOnlyList<KeyValuePair<string, string?>> query) => new(null, null, null, query);

        /// <summary>The value of the route's first placeholder, such as the bot id.</summary>
        public string? PathValue { get; }

        /// <summary>The value of the route's second placeholder, when it has one.</summary>
        public string? SecondPathValue { get; }

        /// <summary>Query parameters in order; a null value leaves its parameter out.</summary>
        public IReadOnlyList<KeyValuePair<string, string?>>? Query { get; }

        /// <summary>The body, or null for none.</summary>
        public RequestBody? Body { get; }
    }
}
