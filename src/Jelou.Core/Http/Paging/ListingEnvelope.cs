using System.Text.Json;

namespace Jelou.Http
{
    /// <summary>
    /// Reads one page of a listing whose shape is only partly documented (issue 15): the campaigns listing's
    /// <c>{pagination{limit,page,total,offset,totalPages}, _metadata, results[]}</c>, a <c>data</c> array (or a
    /// <c>data</c> object holding that envelope, as the G4 success envelope does), or a bare array. An answer without
    /// <c>pagination</c> is the whole listing: one page, so a server that ignores <c>page</c> is never asked again.
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
                return TryRead(document.RootElement, read, 0, out page);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static bool TryRead<T>(JsonElement root, Func<JsonElement, T?> read, int depth, out Page<T>? page)
            where T : class
        {
            page = null;
            JsonElement items;
            if (root.ValueKind == JsonValueKind.Array)
            {
                items = root;
            }
            else if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            else if (ArrayOf(root, "results") is { } results)
            {
                items = results;
            }
            else if (ArrayOf(root, "data") is { } data)
            {
                items = data;
            }
            else if (depth == 0 && root.TryGetProperty("data", out var inner) && inner.ValueKind == JsonValueKind.Object)
            {
                return TryRead(inner, read, depth + 1, out page);
            }
            else
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

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object)
            {
                var number = Count(pagination, "page") is { } n && n > 0 ? (int)n : 1;
                var totalPages = Count(pagination, "totalPages") is { } p ? (int?)p : null;
                page = new Page<T>(list, number, totalPages, Count(pagination, "total"));
            }
            else
            {
                page = new Page<T>(list, 1, 1, list.Count);
            }

            return true;
        }

        private static JsonElement? ArrayOf(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

        private static long? Count(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            // Some APIs send counts as strings; a count is a count either way.
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0 && number <= int.MaxValue)
            {
                return number;
            }

            return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed <= int.MaxValue
                ? parsed
                : null;
        }
    }
}
