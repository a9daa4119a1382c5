using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// A listing read one page at a time with <c>page</c> and <c>limit</c>, answered with the API's paged shape
    /// <c>{pagination{limit, page, total, offset, totalPages}, results[]}</c>. A definition says only its route, its
    /// largest page and how one item of <c>results</c> is read; <see cref="Pager{T}"/> walks the pages.
    /// </summary>
    /// <typeparam name="T">The listed item.</typeparam>
    internal abstract class PagedEndpoint<T> : ApiEndpoint<ReadResult<Page<T>>>
    {
        protected PagedEndpoint(string route, int maxPageSize)
            : this(new RouteTemplate(route), maxPageSize)
        {
        }

        /// <summary>For a definition made per call (its filters): its route is shared, so the client's URI cache is too.</summary>
        protected PagedEndpoint(RouteTemplate route, int maxPageSize)
            : base(HttpMethod.Get, route)
        {
            if (maxPageSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxPageSize), maxPageSize, "A page holds at least one item.");
            }

            MaxPageSize = maxPageSize;
        }

        /// <summary>The largest <c>limit</c> the API accepts.</summary>
        public int MaxPageSize { get; }

        /// <summary>The request for one page: the caller's filters plus <c>page</c> and <c>limit</c>.</summary>
        public abstract ApiRequest PageRequest(int page, int limit);

        public override ReadResult<Page<T>> Complete(in ApiAnswer answer)
        {
            var error = answer.Error ?? (ReportedStatus.Failure(answer.Body) is { } reported ? answer.ReportedFailure(reported) : null);
            Page<T>? page = null;
            if (error is null && !TryRead(answer.Body, out page))
            {
                error = new JelouApiException(JelouErrorKind.Unexpected, $"Jelou API answered {answer.Status} with a body that is not a page of {Route.Template} ({{pagination, results[]}}).", answer.Status);
            }

            return new ReadResult<Page<T>>(error is null ? page : null, answer.Status, answer.Attempts, answer.Duration, error, answer.RetryReasons);
        }

        /// <summary>Reads one item of <c>results</c>.</summary>
        protected abstract T ReadItem(JsonElement item);

        private bool TryRead(byte[]? body, out Page<T>? page)
        {
            page = null;
            if (body is not { Length: > 0 })
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                var items = new List<T>(results.GetArrayLength());
                foreach (var item in results.EnumerateArray())
                {
                    items.Add(ReadItem(item));
                }

                int number = 1;
                int? totalPages = null;
                long? total = null;
                if (root.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object)
                {
                    number = Int(pagination, "page") is { } n ? (int)n : 1;
                    totalPages = Int(pagination, "totalPages") is { } p ? (int)p : null;
                    total = Int(pagination, "total");
                }

                page = new Page<T>(items, number, totalPages, total);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static long? Int(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0 && number <= int.MaxValue ? number : null;
    }
}
