using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jelou.FakeApi;
using Jelou.Http;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

/// <summary>
/// Every message the builders make, sent through a real <see cref="JelouClient"/> to the fake server, must satisfy the
/// OpenAPI contract exactly as the server received it.
/// </summary>
public sealed class ContractTests : IClassFixture<FakeServerFixture>
{
    private const string Spanish = "¿Cómo está, señora Núñez?";
    private const string Emoji = "🎉👍🏽";
    private const string Chinese = "你好，世界";
    private const string Mixed = Spanish + " " + Emoji + " " + Chinese;

    private readonly FakeServerFixture fixture;

    public ContractTests(FakeServerFixture fixture) => this.fixture = fixture;

    public static TheoryData<string> BotCases => new(BotCaseTable.Keys);

    private static readonly Dictionary<string, (Func<BotMessageFields> Fields, string Variant)> BotCaseTable = new(StringComparer.Ordinal)
    {
        ["text"] = (() => new() { UserId = "593999000001", Text = Mixed }, "TextMessage"),
        ["text explicit type"] = (() => new() { UserId = "593999000001", Type = "text", Text = "Hola" }, "TextMessage"),
        ["options list"] = (() => new()
        {
            UserId = "593999000002",
            Text = "Por favor selecciona una opción",
            Title = "Elige una opción",
            ButtonText = "Ver opciones",
            Options = new[]
            {
                new ListOption("Opción 1") { Id = "option_1", Description = "Esta es la primera opción" },
                new ListOption("你好") { Description = Emoji },
                new ListOption("Tres"),
            },
        }, "OptionsMessage"),
        ["options list minimal"] = (() => new() { UserId = "593999000002", Type = "list", Text = "Elige", Options = new[] { new ListOption("Uno") } }, "OptionsMessage"),
        ["quick_reply"] = (() => new()
        {
            UserId = "593999000003",
            Text = "¿Te gustaría continuar?",
            Title = "Pregunta",
            QuickReplies = new[] { "Sí", "No", "Tal vez" },
        }, "QuickReplyMessage"),
        ["quick_reply one button"] = (() => new() { UserId = "593999000003", Text = "¿Seguir?", QuickReplies = new[] { "你好" } }, "QuickReplyMessage"),
        ["image"] = (() => new() { UserId = "593999000004", MediaUrl = "https://example.com/imagen.jpg", Text = "Mira esta imagen " + Emoji }, "ImageMessage"),
        ["image caption column"] = (() => new() { UserId = "593999000004", MediaUrl = "https://example.com/foto.PNG?v=2", Caption = "Pie de foto" }, "ImageMessage"),
        ["audio"] = (() => new() { UserId = "593999000005", MediaUrl = "https://example.com/nota.ogg" }, "AudioMessage"),
        ["video"] = (() => new() { UserId = "593999000006", MediaUrl = "https://example.com/video.mp4", Text = "Mira este video" }, "VideoMessage"),
        ["file with filename"] = (() => new()
        {
            UserId = "593999000007",
            MediaUrl = "https://example.com/documento.pdf",
            Text = "Por favor revisa este documento",
            FileName = "factura-señora-Núñez.pdf",
        }, "FileMessage"),
        ["document alias"] = (() => new() { UserId = "593999000007", Type = "document", MediaUrl = "https://example.com/download?id=42", FileName = "informe.docx" }, "FileMessage"),
        ["sticker"] = (() => new() { UserId = "593999000008", MediaUrl = "https://example.com/sticker.webp" }, "StickerMessage"),
        ["location"] = (() => new() { UserId = "593999000009", Latitude = 40.7128, Longitude = -74.0060 }, "LocationMessage"),
        ["location at the bounds"] = (() => new() { UserId = "593999000009", Latitude = -90, Longitude = 180 }, "LocationMessage"),
        ["location_request"] = (() => new() { UserId = "593999000010", Type = "location_request", Text = "Por favor comparte tu ubicación" }, "LocationRequestMessage"),
        ["contacts"] = (() => new()
        {
            UserId = "593999000011",
            Contacts = new[]
            {
                new Contact
                {
                    Name = new ContactName { FormattedName = "Juan Pérez", FirstName = "Juan", LastName = "Pérez" },
                    Phones = new List<ContactPhone> { new() { Phone = "+593999999999", Type = "Mobile", WaId = "593999999999" } },
                    Emails = new List<ContactEmail> { new() { Email = "juan@example.com", Type = "Work" } },
                    Addresses = new List<ContactAddress>
                    {
                        new() { Street = "Av. Amazonas", City = "Quito", State = "Pichincha", Zip = "170135", Country = "Ecuador", CountryCode = "EC", Type = "Work" },
                    },
                },
                new Contact { Name = new ContactName { FormattedName = "王小明" } },
            },
        }, "ContactsMessage"),
        ["cta_url"] = (() => new()
        {
            UserId = "593999000012",
            Title = "Bienvenido",
            Text = "Visita nuestro sitio web",
            Caption = "Jelou",
            Url = "https://apps.jelou.ai",
            ButtonText = "Visitar sitio web",
        }, "CtaUrlMessage"),
        ["voice_call"] = (() => new()
        {
            UserId = "593999000013",
            Type = "voice_call",
            Header = "¿Necesitas ayuda?",
            Text = "Haz clic para hablar con un agente",
            ButtonText = "Llamar soporte",
        }, "VoiceCallMessage"),
        ["voice_call without header"] = (() => new() { UserId = "593999000013", Type = "voicecall", Text = "Llámanos", ButtonText = "Llamar" }, "VoiceCallMessage"),
        ["carousel raw payload"] = (() => new() { UserId = "593999000014", Payload = CarouselExample(withUserId: false) }, "CarouselMessage"),
        ["carousel payload with its own userId"] = (() => new() { Payload = CarouselExample(withUserId: true) }, "CarouselMessage"),
    };

    [Theory]
    [MemberData(nameof(BotCases))]
    public async Task Every_bot_message_type_reaches_the_server_as_exactly_one_documented_variant(string name)
    {
        var (fields, variant) = BotCaseTable[name];
        var message = BotMessageBuilder.Build(fields());
        var body = await SendAndCaptureAsync(message);

        Assert.Empty(await OpenApiContract.ValidateAsync(OpenApiContract.SendMessageRequest, body));
        Assert.Equal(new[] { variant }, await OpenApiContract.MatchingSendMessageVariantsAsync(body));
    }

    [Fact]
    public async Task Carousel_payload_is_sent_unchanged_apart_from_the_recipient()
    {
        var payload = CarouselExample(withUserId: false);
        var message = BotMessageBuilder.Build(new BotMessageFields { UserId = "593999000099", Payload = payload });
        var body = JsonNode.Parse(await SendAndCaptureAsync(message))!.AsObject();

        Assert.Equal("593999000099", body["userId"]!.GetValue<string>());
        body.Remove("userId");
        Assert.True(JsonNode.DeepEquals(payload, body), body.ToJsonString());

        // The caller's object is reused for many rows, so building must not add userId to it.
        Assert.False(payload.ContainsKey("userId"));
    }

    public static TheoryData<string> RoomCases => new(RoomCaseTable.Keys);

    private static readonly Dictionary<string, (string SenderId, RoomMessageFields[] Messages, string[] WireTypes)> RoomCaseTable = new(StringComparer.Ordinal)
    {
        ["one TEXT"] = ("3c90c3cc-0d44-4b50-8888-8dd25736052a", new[] { new RoomMessageFields { Text = "Hola 👋, " + Mixed } }, new[] { "TEXT" }),
        ["IMAGE inferred with caption"] = ("bot-socket-1", new[] { new RoomMessageFields { MediaUrl = "https://example.com/a.jpeg", Text = "Pie" } }, new[] { "IMAGE" }),
        ["VIDEO explicit lowercase"] = ("bot-socket-1", new[] { new RoomMessageFields { Type = "video", MediaUrl = "https://example.com/v.mp4" } }, new[] { "VIDEO" }),
        ["DOCUMENT from file alias"] = ("bot-socket-1", new[] { new RoomMessageFields { Type = "file", MediaUrl = "https://example.com/d.pdf" } }, new[] { "DOCUMENT" }),
        ["several messages"] = ("operator-7", new[]
        {
            new RoomMessageFields { Type = "text", Text = Spanish },
            new RoomMessageFields { MediaUrl = "https://example.com/foto.png", Text = Chinese },
            new RoomMessageFields { MediaUrl = "https://example.com/clip.mp4" },
            new RoomMessageFields { Type = "DOCUMENT", MediaUrl = "https://example.com/contrato.pdf", Text = "Contrato", Id = Guid.Parse("5f1c2a9e-7b3d-4c2e-9a51-0d2b8e6f4a11") },
            new RoomMessageFields { Text = Emoji },
        }, new[] { "TEXT", "IMAGE", "VIDEO", "DOCUMENT", "TEXT" }),
    };

    [Theory]
    [MemberData(nameof(RoomCases))]
    public async Task Every_room_message_reaches_the_server_as_a_valid_RoomMessageRequest(string name)
    {
        var (senderId, messages, wireTypes) = RoomCaseTable[name];
        Assert.True(RoomMessageBuilder.TryBuild(senderId, messages, out var request, out var problems), string.Join("; ", problems));

        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendRoomMessageAsync("G:bot-1:ref-9", request, CoreTestSupport.NoRetry);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal("room", entry.Endpoint);
        Assert.Equal("G:bot-1:ref-9", entry.RoomId);

        Assert.Empty(await OpenApiContract.ValidateAsync(OpenApiContract.RoomMessageRequest, entry.Body));
        var sent = JsonNode.Parse(entry.Body)!["messages"]!.AsArray();
        Assert.Equal(wireTypes, sent.Select(m => m!["type"]!.GetValue<string>()).ToArray());
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.True(Guid.TryParse(sent[i]!["id"]!.GetValue<string>(), out var id), "every room message carries a uuid id");
            if (messages[i].Id is { } given)
            {
                Assert.Equal(given, id);
            }

            Assert.Equal(messages[i].Text, sent[i]!["text"]?.GetValue<string>());
        }

        Assert.Equal(messages.Length, sent.Select(m => m!["id"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Non_ASCII_text_round_trips_exactly_through_a_bot_message()
    {
        var message = BotMessageBuilder.Build(new BotMessageFields
        {
            UserId = "593999000001",
            Text = Mixed,
            Title = Spanish.Substring(0, 20),
            Options = new[] { new ListOption(Chinese) { Description = Emoji }, new ListOption("Señora Núñez") },
        });
        var body = await SendAndCaptureAsync(message);

        Assert.DoesNotContain('\uFFFD', body);
        var json = JsonNode.Parse(body)!;
        AssertSameText(Mixed, json["text"]!.GetValue<string>());
        AssertSameText(Spanish.Substring(0, 20), json["title"]!.GetValue<string>());
        AssertSameText(Chinese, json["options"]![0]!["title"]!.GetValue<string>());
        AssertSameText(Emoji, json["options"]![0]!["description"]!.GetValue<string>());
        AssertSameText("Señora Núñez", json["options"]![1]!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Spanish)]
    [InlineData(Emoji)]
    [InlineData(Chinese)]
    [InlineData(Mixed)]
    public async Task Non_ASCII_text_round_trips_exactly_in_text_and_room_messages(string text)
    {
        var body = await SendAndCaptureAsync(BotMessageBuilder.Build(new BotMessageFields { UserId = "593999000001", Text = text }));
        AssertSameText(text, JsonNode.Parse(body)!["text"]!.GetValue<string>());

        Assert.True(RoomMessageBuilder.TryBuild("sender-1", new[] { new RoomMessageFields { Text = text } }, out var request, out _));
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        Assert.True((await client.SendRoomMessageAsync("room-1", request)).Succeeded);
        var roomBody = Assert.Single(server.Ledger.Entries).Body;
        AssertSameText(text, JsonNode.Parse(roomBody)!["messages"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void The_contract_file_is_found_and_lists_the_documented_variants()
    {
        Assert.True(File.Exists(OpenApiContract.OpenApiPath));
        var variants = OpenApiContract.SendMessageVariants();
        Assert.Contains("TextMessage", variants);
        Assert.Contains("CarouselMessage", variants);
        Assert.Contains("VoiceCallMessage", variants);
        Assert.True(variants.Count >= 14, string.Join(", ", variants));
    }

    [Fact]
    public async Task Every_documented_example_is_accepted_by_exactly_one_variant()
    {
        // Positive control: if the validator (or the wrapper trick) were broken, the documented examples would fail.
        var schemas = OpenApiContract.Document()["components"]!["schemas"]!.AsObject();
        var checkedExamples = 0;
        foreach (var variant in OpenApiContract.SendMessageVariants())
        {
            foreach (var example in schemas[variant]!["examples"]?.AsArray() ?? new JsonArray())
            {
                var json = example!.ToJsonString();
                Assert.Empty(await OpenApiContract.ValidateAsync(OpenApiContract.SendMessageRequest, json));
                Assert.Equal(new[] { variant }, await OpenApiContract.MatchingSendMessageVariantsAsync(json));
                checkedExamples++;
            }
        }

        Assert.True(checkedExamples >= 14, $"only {checkedExamples} examples were checked");
        foreach (var example in schemas[OpenApiContract.RoomMessageRequest]!["examples"]!.AsArray())
        {
            Assert.Empty(await OpenApiContract.ValidateAsync(OpenApiContract.RoomMessageRequest, example!.ToJsonString()));
        }
    }

    [Theory]
    [InlineData("text with an undocumented property", """{"type":"text","text":"Hola","userId":"U1","extra":true}""")]
    [InlineData("text without userId", """{"type":"text","text":"Hola"}""")]
    [InlineData("unknown type", """{"type":"buttons","text":"Hola","userId":"U1"}""")]
    [InlineData("quick_reply with 4 buttons", """{"type":"quick_reply","text":"?","userId":"U1","quick_replies":[{"title":"a"},{"title":"b"},{"title":"c"},{"title":"d"}]}""")]
    [InlineData("quick_reply with duplicate buttons", """{"type":"quick_reply","text":"?","userId":"U1","quick_replies":[{"title":"Sí"},{"title":"Sí"}]}""")]
    [InlineData("quick_reply title of 21 characters", """{"type":"quick_reply","text":"?","userId":"U1","quick_replies":[{"title":"123456789012345678901"}]}""")]
    [InlineData("option title of 25 characters", """{"type":"text","text":"?","userId":"U1","options":[{"title":"1234567890123456789012345"}]}""")]
    [InlineData("options list with 11 options", """{"type":"text","text":"?","userId":"U1","options":[{"title":"1"},{"title":"2"},{"title":"3"},{"title":"4"},{"title":"5"},{"title":"6"},{"title":"7"},{"title":"8"},{"title":"9"},{"title":"10"},{"title":"11"}]}""")]
    [InlineData("image over plain http", """{"type":"image","mediaUrl":"http://example.com/a.jpg","userId":"U1"}""")]
    [InlineData("audio with a caption", """{"type":"audio","mediaUrl":"https://example.com/a.ogg","text":"hola","userId":"U1"}""")]
    [InlineData("location with lng instead of long", """{"type":"location","coordinates":{"lat":1.5,"lng":2.5},"userId":"U1"}""")]
    [InlineData("location with string coordinates", """{"type":"location","coordinates":{"lat":"1.5","long":"2.5"},"userId":"U1"}""")]
    [InlineData("cta_url without caption", """{"type":"cta_url","title":"T","text":"B","userId":"U1","parameters":{"url":"https://a.example","display_text":"Go"}}""")]
    [InlineData("voice_call without parameters", """{"type":"voice_call","text":"B","userId":"U1"}""")]
    public async Task The_validator_rejects_bodies_that_break_the_contract(string why, string json)
    {
        var errors = await OpenApiContract.ValidateAsync(OpenApiContract.SendMessageRequest, json);
        Assert.True(errors.Count > 0, why + " was accepted");
        Assert.Empty(await OpenApiContract.MatchingSendMessageVariantsAsync(json));
    }

    [Theory]
    [InlineData("no senderId", """{"messages":[{"id":"5f1c2a9e-7b3d-4c2e-9a51-0d2b8e6f4a11","type":"TEXT","text":"x"}]}""")]
    [InlineData("message without id", """{"senderId":"s","messages":[{"type":"TEXT","text":"x"}]}""")]
    [InlineData("id that is not a uuid", """{"senderId":"s","messages":[{"id":"42","type":"TEXT","text":"x"}]}""")]
    [InlineData("unknown room type", """{"senderId":"s","messages":[{"id":"5f1c2a9e-7b3d-4c2e-9a51-0d2b8e6f4a11","type":"STICKER","mediaUrl":"https://a.example/x.webp"}]}""")]
    [InlineData("IMAGE without mediaUrl", """{"senderId":"s","messages":[{"id":"5f1c2a9e-7b3d-4c2e-9a51-0d2b8e6f4a11","type":"IMAGE","text":"x"}]}""")]
    [InlineData("undocumented top-level property", """{"senderId":"s","roomId":"r","messages":[{"id":"5f1c2a9e-7b3d-4c2e-9a51-0d2b8e6f4a11","type":"TEXT","text":"x"}]}""")]
    public async Task The_validator_rejects_room_bodies_that_break_the_contract(string why, string json)
    {
        var errors = await OpenApiContract.ValidateAsync(OpenApiContract.RoomMessageRequest, json);
        Assert.True(errors.Count > 0, why + " was accepted");
    }

    // ---- the type descriptors against the schemas ------------------------------------------------------------------
    // Each message type is one descriptor (src/Jelou.Core/Validation/*Descriptors.cs); these facts keep its names and
    // fields in step with shared/jelou-openapi.json, so a new type or field that disagrees with the contract fails here.

    // Variants with no descriptor: -Payload sends them as they are (jelou-api.md §2.3 C1, §2.15, §2.16, §2.17).
    private static readonly string[] PayloadOnlyVariants = { "OptionsMessageLegacy", "FlowMessage", "CarouselMessage", "TemplateMessageLegacy" };

    // Where the module requires more than the schema does, and why; any other difference in required fields fails.
    private static readonly Dictionary<string, string> StricterThanTheSchema = new(StringComparer.Ordinal)
    {
        ["quick_reply text"] = "jelou-api.md §2.4 does not mark it required, but every example has it",
    };

    public static TheoryData<string> BotDescriptorTypes => new(BotMessageDescriptors.Catalog.Names);

    public static TheoryData<string> RoomDescriptorTypes => new(RoomMessageDescriptors.Catalog.Names);

    [Theory]
    [MemberData(nameof(BotDescriptorTypes))]
    public void Every_bot_descriptor_carries_exactly_the_fields_of_its_schema(string type)
    {
        var descriptor = BotMessageDescriptors.Catalog.Find(type)!;
        Assert.Equal(type, descriptor.Type);
        Assert.Equal(new[] { descriptor.WireType }, TypeEnum(descriptor.Schema!));
        AssertCarriesTheSchema(type, descriptor.Schema!, descriptor.Fields.Select(r => (r.Wire, r.Required, r.MaxLength)), "type", "userId", "botId");
    }

    [Theory]
    [MemberData(nameof(RoomDescriptorTypes))]
    public void Every_room_descriptor_carries_exactly_the_fields_of_its_schema(string type)
    {
        var descriptor = RoomMessageDescriptors.Catalog.Find(type)!;
        Assert.Contains(descriptor.WireType, TypeEnum(descriptor.Schema!));
        AssertCarriesTheSchema(type, descriptor.Schema!, descriptor.Fields.Select(r => (r.Wire, r.Required, r.MaxLength)), "id", "type");
    }

    [Fact]
    public void Every_send_message_variant_has_one_descriptor_or_goes_as_a_raw_payload()
    {
        var modelled = BotMessageDescriptors.Catalog.All.Select(d => d.Schema!).ToList();
        Assert.Equal(modelled.Count, modelled.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            OpenApiContract.SendMessageVariants().OrderBy(v => v, StringComparer.Ordinal),
            modelled.Concat(PayloadOnlyVariants).OrderBy(v => v, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_bot_type_name_alias_and_extension_leads_to_its_own_descriptor()
    {
        var catalog = BotMessageDescriptors.Catalog;
        Assert.Equal(catalog.Names, BotMessageTypes.All);
        var wireTypes = OpenApiContract.SendMessageVariants().SelectMany(v => TypeEnum(v)).ToList();
        foreach (var descriptor in catalog.All)
        {
            foreach (var name in descriptor.Aliases.Append(descriptor.Type))
            {
                Assert.Same(descriptor, catalog.Find(name));
                Assert.Same(descriptor, catalog.Find(name.ToUpperInvariant()));

                // A name that is the wire type of a variant (flow, template, CAROUSEL...) must not send another one.
                Assert.True(!wireTypes.Contains(name, StringComparer.OrdinalIgnoreCase) || string.Equals(name, descriptor.WireType, StringComparison.OrdinalIgnoreCase), $"-Type {name} sends type {descriptor.WireType}");
            }

            foreach (var extension in descriptor.Extensions)
            {
                Assert.Same(descriptor, catalog.ForUrl("https://example.com/media/file" + extension.ToUpperInvariant() + "?v=1"));
            }

            // The wire type given as -Type leads to a type that sends it: "text" is plain text, and the options list
            // goes out as type text too (jelou-api.md §9 C2).
            Assert.Equal(descriptor.WireType, catalog.Find(descriptor.WireType)!.WireType);
        }
    }

    [Fact]
    public void Every_documented_room_type_leads_to_the_descriptor_of_its_schema()
    {
        var catalog = RoomMessageDescriptors.Catalog;
        Assert.Equal(catalog.Names, RoomMessageTypes.All);
        var items = OpenApiContract.Document()["components"]!["schemas"]![OpenApiContract.RoomMessageRequest]!["properties"]!["messages"]!["items"]!["oneOf"]!.AsArray()
            .Select(r => r!["$ref"]!.GetValue<string>().Split('/').Last())
            .ToList();
        Assert.Equal(items.OrderBy(i => i, StringComparer.Ordinal), catalog.All.Select(d => d.Schema!).Distinct(StringComparer.Ordinal).OrderBy(i => i, StringComparer.Ordinal));

        // Both spellings the docs use (uppercase TEXT, lowercase text; jelou-api.md §9 C4) are accepted, and sent uppercase.
        foreach (var schema in items)
        {
            foreach (var documented in TypeEnum(schema))
            {
                var descriptor = catalog.Find(documented);
                Assert.True(descriptor is not null, $"the room type '{documented}' of {schema} is not accepted");
                Assert.Equal(schema, descriptor!.Schema);
                Assert.Equal(documented.ToUpperInvariant(), descriptor.WireType);
            }
        }
    }

    private static IReadOnlyList<string> TypeEnum(string schema) =>
        OpenApiContract.Document()["components"]!["schemas"]![schema]!["properties"]!["type"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

    // The fields a descriptor carries are the schema's properties (apart from the ones every body has), each at a path
    // the schema has, required exactly where the schema requires it, with the schema's length limit where it gives one.
    private static void AssertCarriesTheSchema(string type, string schemaName, IEnumerable<(string Wire, bool Required, int? MaxLength)> rules, params string[] common)
    {
        var schema = OpenApiContract.Document()["components"]!["schemas"]![schemaName]!.AsObject();
        var rows = rules.ToList();
        Assert.Equal(
            schema["properties"]!.AsObject().Select(p => p.Key).Except(common, StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal),
            rows.Select(r => r.Wire.Split('.')[0]).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal));

        foreach (var (wire, required, maxLength) in rows)
        {
            JsonNode node = schema;
            var requiredThere = true;
            foreach (var segment in wire.Split('.'))
            {
                var property = node["properties"]?[segment];
                Assert.True(property is not null, $"{type}: {schemaName} has no '{wire}'");
                requiredThere &= node["required"]?.AsArray().Any(r => r!.GetValue<string>() == segment) == true;
                node = property!;
            }

            if (StricterThanTheSchema.ContainsKey(type + " " + wire))
            {
                Assert.True(required && !requiredThere, $"{type}: '{wire}' is listed as stricter than {schemaName}, but is not");
            }
            else
            {
                Assert.True(required == requiredThere, $"{type}: '{wire}' is {(required ? "required" : "optional")} here but {(requiredThere ? "required" : "optional")} in {schemaName}");
            }

            var documented = node["maxLength"] ?? node["x-jelou-builder-limit"]?["maxLength"];
            if (documented is not null && maxLength is not null)
            {
                Assert.True(documented.GetValue<int>() == maxLength, $"{type}: '{wire}' allows {maxLength} characters but {schemaName} says {documented}");
            }
        }
    }

    private async Task<string> SendAndCaptureAsync(BotMessage message)
    {
        var server = fixture.Fresh();
        using var client = CoreTestSupport.ClientFor(server);
        var outcome = await client.SendBotMessageAsync(CoreTestSupport.BotId, message, CoreTestSupport.NoRetry);
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var entry = Assert.Single(server.Ledger.Entries);
        Assert.Equal(outcome.MessageId, entry.MessageId);
        Assert.Equal("bot", entry.Endpoint);
        Assert.Equal(CoreTestSupport.BotId, entry.BotId);
        Assert.Equal(message.UserId, entry.UserId);
        return entry.Body;
    }

    private static void AssertSameText(string expected, string actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
    }

    private static JsonObject CarouselExample(bool withUserId)
    {
        var example = OpenApiContract.Document()["components"]!["schemas"]!["CarouselMessage"]!["examples"]![0]!.DeepClone().AsObject();
        if (!withUserId)
        {
            example.Remove("userId");
        }

        return example;
    }
}
