using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Jelou.FakeApi;

/// <summary>The <c>page</c> and <c>limit</c> of every fake listing, read and refused alike.</summary>
internal static class FakePaging
{
    /// <summary>
    /// Reads <c>page</c> (from 1, default 1) and <c>limit</c> (1 to 50, default 10); returns the 422 the API gives for
    /// anything else, or null when both are usable.
    /// </summary>
    public static (int Status, byte[] Body)? Read(HttpRequest request, out int page, out int limit)
    {
        if (!TryInt(request, "page", 1, out page) || page < 1 || !TryInt(request, "limit", 10, out limit) || limit < 1 || limit > FakeRequestHandler.MaxPageSize)
        {
            limit = 0;
            return (StatusCodes.Status422UnprocessableEntity, JsonBodies.G4Error("E0422", "VALIDATOR_ERROR", "page must be 1 or more and limit 1 to 50", "page debe ser 1 o más y limit de 1 a 50"));
        }

        return null;
    }

    private static bool TryInt(HttpRequest request, string name, int fallback, out int value)
    {
        string text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
