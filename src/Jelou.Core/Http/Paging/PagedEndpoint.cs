using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// A listing read one page at a time with <c>page</c> and <c>limit</c>, answered with the API's paged shape
    /// <c>{pagination{limit, page, total, offset, totalPages}, results[]}</c> or another one
    /// <see cref="ListingEnvelope"/> reads. A definition says only its route, its largest page and how one item is
    /// read; <see cref="Pager{T}"/> walks the pages.
    /// </summary>
    /// <typeparam name="T">The listed item.</typeparam>
    internal abstract class PagedEndpoint<T> : ApiEndpoint<ReadResult<Page<T>>>
        where T : class
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
            if (error is null && !ListingEnvelope.TryRead(answer.Body, ReadItem, out page))
            {
                error = new JelouApiException(JelouErrorKind.Unexpected, $"Jelou API answered {answer.Status} with a body that is not a list of {Listed} (results[], data[] or an array).", answer.Status);
            }

            return new ReadResult<Page<T>>(error is null ? page : null, answer.Status, answer.Attempts, answer.Duration, error, answer.RetryReasons);
        }

        /// <summary>What the listing lists, for the error about an answer that is not one ("templates").</summary>
        protected virtual string Listed => Route.Template;

        /// <summary>Reads one item; null leaves it out (one that is not an object says nothing about an item).</summary>
        protected abstract T? ReadItem(JsonElement item);
    }
}
