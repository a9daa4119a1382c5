using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jelou.Messages
{
    /// <summary>
    /// Reads contact cards by hand rather than through the serializer: its errors ("could not be converted to
    /// ContactPhone. Path: $.phones[0]") name .NET types, while a user needs to be told, in words, which shape is
    /// wanted and where.
    /// </summary>
    internal static class ContactReader
    {
        private const string CardExample = "@{ name = 'Ana Pérez'; phones = '+593987654321'; emails = 'ana@example.com' }";
        private const string NameExample = "'Ana Pérez', or @{ formatted_name = 'Ana Pérez'; first_name = 'Ana'; last_name = 'Pérez' }";
        private const string PhoneExample = "'+593987654321', or @{ phone = '+593987654321'; type = 'CELL'; wa_id = '593987654321' }";
        private const string EmailExample = "'ana@example.com', or @{ email = 'ana@example.com'; type = 'WORK' }";
        private const string AddressExample = "@{ street = 'Av. Amazonas N34-12'; city = 'Quito'; country_code = 'EC'; type = 'WORK' }";

        public static Contact Read(JsonNode? node, string path)
        {
            if (node is not JsonObject card)
            {
                throw Shape(path, "must be a contact card: a hashtable with name, phones, emails or addresses, such as " + CardExample + ".");
            }

            var contact = new Contact();
            foreach (var entry in card)
            {
                var where = path + "." + entry.Key;
                switch (entry.Key.ToLowerInvariant())
                {
                    case "name":
                        contact.Name = entry.Value is null ? null : ReadName(entry.Value, where);
                        break;
                    case "phones":
                        contact.Phones = ReadList(entry.Value, where, ReadPhone);
                        break;
                    case "emails":
                        contact.Emails = ReadList(entry.Value, where, ReadEmail);
                        break;
                    case "addresses":
                        contact.Addresses = ReadList(entry.Value, where, ReadAddress);
                        break;
                    default:
                        throw Shape(path, $"has the key '{entry.Key}'; a contact card takes name, phones, emails and addresses, such as {CardExample}.");
                }
            }

            return contact;
        }

        private static ContactName ReadName(JsonNode node, string path)
        {
            if (node is JsonValue)
            {
                return new ContactName { FormattedName = Text(node, path, NameExample) };
            }

            var fields = Fields(node, path, NameExample, "formatted_name", "first_name", "last_name");
            return new ContactName { FormattedName = fields[0], FirstName = fields[1], LastName = fields[2] };
        }

        private static ContactPhone ReadPhone(JsonNode node, string path)
        {
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
            {
                // The way a phone is first written: the number alone. WhatsApp shows the "Message" button only with
                // a wa_id, which is the number's digits.
                var number = Text(node, path, PhoneExample)!.Trim();
                var digits = new string(number.Where(char.IsDigit).ToArray());
                var bare = number.Length > 0 && number.All(c => char.IsDigit(c) || c is ' ' or '-');

                // '+' is added only to a number that starts with its country code; a local number (0…) is left as
                // written, so the E.164 rule reports it instead of a wrong number being invented.
                var phone = bare && digits.Length > 0 && digits[0] != '0' ? "+" + number : number;
                return new ContactPhone { Phone = phone, WaId = digits.Length > 0 ? digits : null };
            }

            var fields = Fields(node, path, PhoneExample, "phone", "type", "wa_id");
            return new ContactPhone { Phone = fields[0], Type = fields[1], WaId = fields[2] };
        }

        private static ContactEmail ReadEmail(JsonNode node, string path)
        {
            if (node is JsonValue)
            {
                return new ContactEmail { Email = Text(node, path, EmailExample) };
            }

            var fields = Fields(node, path, EmailExample, "email", "type");
            return new ContactEmail { Email = fields[0], Type = fields[1] };
        }

        private static ContactAddress ReadAddress(JsonNode node, string path)
        {
            var fields = Fields(node, path, AddressExample, "street", "city", "state", "zip", "country", "country_code", "type");
            return new ContactAddress { Street = fields[0], City = fields[1], State = fields[2], Zip = fields[3], Country = fields[4], CountryCode = fields[5], Type = fields[6] };
        }

        /// <summary>A list, or one entry where the API wants a list (phones = '593…').</summary>
        private static List<T>? ReadList<T>(JsonNode? node, string path, Func<JsonNode, string, T> read)
        {
            if (node is null)
            {
                return null;
            }

            var items = node is JsonArray array ? array.ToList() : new List<JsonNode?> { node };
            var list = new List<T>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is { } item)
                {
                    list.Add(read(item, path + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"));
                }
            }

            return list;
        }

        /// <summary>The named text fields of an object, in the order given; any other key is refused.</summary>
        private static string?[] Fields(JsonNode node, string path, string example, params string[] names)
        {
            if (node is not JsonObject map)
            {
                throw Shape(path, "must be " + example + ".");
            }

            var values = new string?[names.Length];
            foreach (var entry in map)
            {
                var index = Array.FindIndex(names, n => string.Equals(n, entry.Key, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    throw Shape(path, $"has the key '{entry.Key}'; it takes only {string.Join(", ", names.Take(names.Length - 1))} and {names[names.Length - 1]}. Write it as {example}.");
                }

                values[index] = entry.Value is null ? null : Text(entry.Value, path + "." + entry.Key, "text");
            }

            return values;
        }

        private static string? Text(JsonNode node, string path, string example)
        {
            if (node is not JsonValue value)
            {
                throw Shape(path, "must be " + (example == "text" ? "text, not a list or a hashtable" : example) + ".");
            }

            return value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number => value.ToJsonString(),
                _ => throw Shape(path, "must be " + (example == "text" ? "text" : example) + ", not " + value.ToJsonString() + "."),
            };
        }

        private static ArgumentException Shape(string path, string problem) => new(path + " " + problem);
    }
}
