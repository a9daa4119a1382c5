namespace Jelou.Http
{
    /// <summary>
    /// Walks a paged listing: page after page until the last, each item handed out as its page arrives, and no page
    /// requested that the caller will not read (after <see cref="PageWindow.First"/> items, or once the caller stops
    /// asking). Whole pages the window skips are never requested.
    /// </summary>
    /// <remarks>
    /// A pull reader rather than <c>IAsyncEnumerable</c>: that interface would make the module ship and load
    /// Microsoft.Bcl.AsyncInterfaces on Windows PowerShell, for a loop that a cmdlet drives synchronously anyway.
    /// </remarks>
    /// <typeparam name="T">The listed item.</typeparam>
    internal sealed class Pager<T>
        where T : class
    {
        private readonly JelouClient client;
        private readonly PagedEndpoint<T> endpoint;
        private readonly SendRequestOptions? options;
        private readonly int limit;
        private ulong left;
        private int page;
        private int skipInPage;
        private IReadOnlyList<T> items = Array.Empty<T>();
        private int next;
        private bool lastPage;
        private bool started;

        public Pager(JelouClient client, PagedEndpoint<T> endpoint, PageWindow window, SendRequestOptions? options = null)
        {
            this.client = client ?? throw new ArgumentNullException(nameof(client));
            this.endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
            this.options = options;
            limit = Math.Min(endpoint.MaxPageSize, Math.Max(1, window.PageSize ?? endpoint.MaxPageSize));
            left = window.First ?? ulong.MaxValue;

            // Start on the page that holds the first wanted item; a skip beyond the pages an int can number finds nothing.
            var startPage = window.Skip / (ulong)limit;
            page = startPage >= int.MaxValue ? int.MaxValue : (int)startPage + 1;
            skipInPage = (int)(window.Skip % (ulong)limit);
        }

        /// <summary>The item <see cref="MoveNextAsync"/> moved to.</summary>
        public T Current { get; private set; } = default!;

        /// <summary>The listing's size as the API gave it with the first page; null before it, or when it did not say.</summary>
        public long? Total { get; private set; }

        /// <summary>How many pages were requested so far.</summary>
        public int Requests { get; private set; }

        /// <summary>
        /// Moves to the next item, requesting the next page only when this one is used up and more are wanted. False at
        /// the end of the listing or of the window. A page that fails throws its <see cref="JelouApiException"/>.
        /// </summary>
        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (left == 0)
                {
                    return false;
                }

                if (next < items.Count)
                {
                    Current = items[next++];
                    left--;
                    return true;
                }

                if (lastPage || page == int.MaxValue && started)
                {
                    return false;
                }

                await ReadPageAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Requests the first page if none was yet, so that <see cref="Total"/> is known (for -IncludeTotalCount) even
        /// when the window wants no item.
        /// </summary>
        public async Task<long?> ReadTotalAsync(CancellationToken cancellationToken = default)
        {
            if (!started)
            {
                await ReadPageAsync(cancellationToken).ConfigureAwait(false);
            }

            return Total;
        }

        private async Task ReadPageAsync(CancellationToken cancellationToken)
        {
            if (started)
            {
                page++;
            }

            var result = await client.SendAsync(endpoint, endpoint.PageRequest(page, limit), options, cancellationToken).ConfigureAwait(false);
            Requests++;
            if (result.Error is { } error)
            {
                throw error;
            }

            var read = result.Value!;
            if (!started)
            {
                started = true;
                Total = read.Total;
            }

            items = read.Items;
            next = Math.Min(skipInPage, items.Count);
            skipInPage = 0;
            lastPage = items.Count < limit || (read.TotalPages is { } pages && page >= pages) || page == int.MaxValue;
        }
    }
}
