namespace Jelou.Http
{
    /// <summary>One page of a listing, with what the API said about the whole listing.</summary>
    /// <typeparam name="T">The listed item.</typeparam>
    public sealed class Page<T>
    {
        internal Page(IReadOnlyList<T> items, int number, int? totalPages, long? total, bool paged = true)
        {
            Items = items;
            Number = number;
            TotalPages = totalPages;
            Total = total;
            Paged = paged;
        }

        /// <summary>The items of this page, in the API's order.</summary>
        public IReadOnlyList<T> Items { get; }

        /// <summary>The page number, from 1.</summary>
        public int Number { get; }

        /// <summary>How many pages the listing has, when the API said.</summary>
        public int? TotalPages { get; }

        /// <summary>How many items the listing has, when the API said.</summary>
        public long? Total { get; }

        /// <summary>False when the answer had no <c>pagination</c>: it is the whole listing, one page.</summary>
        internal bool Paged { get; }
    }
}
