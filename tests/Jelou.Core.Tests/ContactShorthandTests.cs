using System.Text.Json.Nodes;
using Jelou.Messages;

namespace Jelou.Tests;

/// <summary>
/// Contact cards as a user first writes them (issue 17, item 14): a plain string for a name, a phone or an e-mail,
/// one value where the API wants a list, and a wrong shape explained in words with an example.
/// </summary>
public sealed class ContactShorthandTests
{
    private static Contact Read(string json) => JsonPayload.ToContact(JsonNode.Parse(json), "-Contact[0]");

    private static string Refused(string json) => Assert.Throws<ArgumentException>(() => Read(json)).Message;

    [Fact]
    public void A_plain_string_name_is_the_formatted_name()
    {
        var contact = Read("""{"name":"Ana Pérez"}""");
        Assert.Equal("Ana Pérez", contact.Name?.FormattedName);
    }

    [Theory]
    [InlineData("\"593999000001\"", "+593999000001", "593999000001")]
    [InlineData("\"+593999000001\"", "+593999000001", "593999000001")]
    [InlineData("593999000001", "+593999000001", "593999000001")]
    [InlineData("[\"+593 99 900-0001\"]", "+593 99 900-0001", "593999000001")]
    public void A_plain_phone_becomes_a_phone_entry_with_its_wa_id(string phones, string phone, string waId)
    {
        var contact = Read($$"""{"name":"Ana","phones":{{phones}}}""");
        var entry = Assert.Single(contact.Phones!);
        Assert.Equal(phone, entry.Phone);
        Assert.Equal(waId, entry.WaId);
    }

    [Fact]
    public void A_phone_written_as_a_hashtable_is_sent_as_written()
    {
        var contact = Read("""{"phones":[{"phone":"+593999000001","type":"CELL"},{"phone":"+593999000002","wa_id":"593000"}]}""");
        Assert.Null(contact.Phones![0].WaId);
        Assert.Equal("CELL", contact.Phones[0].Type);
        Assert.Equal("593000", contact.Phones[1].WaId);
    }

    [Fact]
    public void A_local_number_gets_no_plus_so_the_E164_rule_reports_it()
    {
        var entry = Assert.Single(Read("""{"phones":"0999000001"}""").Phones!);
        Assert.Equal("0999000001", entry.Phone);
    }

    [Fact]
    public void Plain_e_mails_and_single_entries_are_lists()
    {
        var contact = Read("""{"name":{"formatted_name":"Ana"},"emails":"ana@example.com","addresses":{"city":"Quito","country_code":"EC"}}""");
        Assert.Equal("ana@example.com", Assert.Single(contact.Emails!).Email);
        Assert.Equal("Quito", Assert.Single(contact.Addresses!).City);
    }

    [Fact]
    public void The_full_form_reads_as_before()
    {
        var contact = Read("""{"name":{"formatted_name":"Juan Pérez","first_name":"Juan","last_name":"Pérez"},"phones":[{"phone":"+593999999999","type":"Mobile","wa_id":"593999999999"}],"emails":[{"email":"juan@example.com","type":"Work"}]}""");
        Assert.Equal("Juan", contact.Name!.FirstName);
        Assert.Equal("Pérez", contact.Name.LastName);
        Assert.Equal("Mobile", contact.Phones![0].Type);
        Assert.Equal("Work", contact.Emails![0].Type);
    }

    [Theory]
    [InlineData("""{"nombre":"Ana"}""", "-Contact[0]", "'nombre'")]
    [InlineData("""{"name":"Ana","phones":{"numero":"5939"}}""", "-Contact[0].phones[0]", "'numero'")]
    [InlineData("""{"name":["Ana","Pérez"]}""", "-Contact[0].name", "formatted_name")]
    [InlineData("""{"name":{"full":"Ana"}}""", "-Contact[0].name", "'full'")]
    [InlineData("""{"phones":[true]}""", "-Contact[0].phones[0]", "phone")]
    [InlineData("""{"emails":[{"mail":"a@b.c"}]}""", "-Contact[0].emails[0]", "'mail'")]
    [InlineData("""{"addresses":["Av. 6"]}""", "-Contact[0].addresses[0]", "street")]
    [InlineData("""["Ana"]""", "-Contact[0]", "name")]
    public void A_wrong_shape_is_explained_in_words_with_an_example(string json, string where, string mentions)
    {
        var message = Refused(json);
        Assert.StartsWith(where, message, StringComparison.Ordinal);
        Assert.Contains(mentions, message, StringComparison.Ordinal);
        Assert.Contains("@{", message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Path: $", message, StringComparison.Ordinal);
    }
}
