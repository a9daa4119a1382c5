using System.Text.Json.Serialization;

namespace Jelou.Messages
{
    /// <summary>A WhatsApp contact card. Every field is optional, as the API documents.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class Contact
    {
        /// <summary>The contact's name.</summary>
        [JsonPropertyName("name")]
        public ContactName? Name { get; set; }

        /// <summary>Phone numbers, E.164 (<c>+593…</c>).</summary>
        [JsonPropertyName("phones")]
        public IList<ContactPhone>? Phones { get; set; }

        /// <summary>E-mail addresses.</summary>
        [JsonPropertyName("emails")]
        public IList<ContactEmail>? Emails { get; set; }

        /// <summary>Postal addresses.</summary>
        [JsonPropertyName("addresses")]
        public IList<ContactAddress>? Addresses { get; set; }
    }

    /// <summary>A contact's name.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class ContactName
    {
        /// <summary>Full name as shown.</summary>
        [JsonPropertyName("formatted_name")]
        public string? FormattedName { get; set; }

        /// <summary>Given name.</summary>
        [JsonPropertyName("first_name")]
        public string? FirstName { get; set; }

        /// <summary>Family name.</summary>
        [JsonPropertyName("last_name")]
        public string? LastName { get; set; }
    }

    /// <summary>A contact's phone.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class ContactPhone
    {
        /// <summary>E.164 number, with '+'.</summary>
        [JsonPropertyName("phone")]
        public string? Phone { get; set; }

        /// <summary>Kind, such as Mobile or Work.</summary>
        [JsonPropertyName("type")]
        public string? Type { get; set; }

        /// <summary>WhatsApp id: the number without '+'.</summary>
        [JsonPropertyName("wa_id")]
        public string? WaId { get; set; }
    }

    /// <summary>A contact's e-mail.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class ContactEmail
    {
        /// <summary>The address.</summary>
        [JsonPropertyName("email")]
        public string? Email { get; set; }

        /// <summary>Kind, such as Work.</summary>
        [JsonPropertyName("type")]
        public string? Type { get; set; }
    }

    /// <summary>A contact's postal address.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class ContactAddress
    {
        /// <summary>Street.</summary>
        [JsonPropertyName("street")]
        public string? Street { get; set; }

        /// <summary>City.</summary>
        [JsonPropertyName("city")]
        public string? City { get; set; }

        /// <summary>State or province.</summary>
        [JsonPropertyName("state")]
        public string? State { get; set; }

        /// <summary>Postal code.</summary>
        [JsonPropertyName("zip")]
        public string? Zip { get; set; }

        /// <summary>Country name.</summary>
        [JsonPropertyName("country")]
        public string? Country { get; set; }

        /// <summary>ISO country code.</summary>
        [JsonPropertyName("country_code")]
        public string? CountryCode { get; set; }

        /// <summary>Kind, such as Home or Work.</summary>
        [JsonPropertyName("type")]
        public string? Type { get; set; }
    }
}
