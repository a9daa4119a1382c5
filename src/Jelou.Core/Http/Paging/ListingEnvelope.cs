using System.Globalization;
using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Reads one page of a listing whose shape is only partly documented (issues 14 and 15), for every listing: the
    /// campaigns listing's <c>{pagination{limit,page,total,offset,totalPages}, _metadata, results[]}</c>, a <c>data</c>
    /// array, a <c>data</c> object holding that envelope (the G4 success envelope, its <c>pagination</c> inside or
    /// beside it), or a bare array. Counts may be numbers or strings. An answer without <c>pagination</c> is the whole
    /// listing: one page, so a server that ignores <c>page</c> is never asked again. The items are the caller's to read.
    /// </summary>
    internal static class ListingEnvelope
    {
        /// <summary>
        /// Reads the page; false when the body is not JSON or holds no list where one is looked for. Items
        /// <paramref name="read"/> returns null for (not an object, say) are left out.
        /// </summary>
        public static bool TryRead<T>(byte[]? body, Func<JsonElement, T?> read, out Page<T>? page)
            where T : class
        {
            page = null;
            if (body is not { Length: > 0 })
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                if (!TryFindItems(document.RootElement, out var items, out var pagination))
                {
                    return false;
                }

                var list = new List<T>(items.GetArrayLength());
                foreach (var item in items.EnumerateArray())
                {
                    if (read(item) is { } value)
                    {
                        list.Add(value);
                    }
                }

                if (pagination is not { } where)
                {
                    page = new Page<T>(list, 1, 1, list.Count, paged: false);
                    return true;
                }

                var number = Count(where, "page") is { } n && n > 0 && n <= int.MaxValue ? (int)n : 1;
                var totalPages = Count(where, "totalPages") is { } pages ? (int?)Math.Min(pages, int.MaxValue) : null;
                page = new Page<T>(list, number, totalPages, Count(where, "total"));
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static bool TryFindItems(JsonElement root, out JsonElement items, out JsonElement? pagination)
        {
            items = root;
            pagination = null;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return true;
            }

            pagination = JsonFields.Object(root, "pagination");
            if ((JsonFields.Array(root, "results") ?? JsonFields.Array(root, "data")) is { } found)
            {
                items = found;
                return true;
            }

            // {statusMessage, status, data: {pagination, results[]}}: the G4 success envelope around a listing.
            if (JsonFields.Object(root, "data") is { } data && (JsonFields.Array(data, "results") ?? JsonFields.Array(data, "data")) is { } inner)
            {
                items = inner;
                pagination = JsonFields.Object(data, "pagination") ?? pagination;
                return true;
            }

            return false;
        }

        private static long? Count(JsonElement pagination, string name) =>
            JsonFields.Integer(pagination, name, NumberStyles.None) is { } count && count >= 0 ? count : null;
    }
}
