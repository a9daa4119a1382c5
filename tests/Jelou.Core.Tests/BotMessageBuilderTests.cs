using System.Text.Json.Nodes;
using Jelou.Messages;
using Jelou.Validation;

namespace Jelou.Tests;

public sealed class BotMessageBuilderTests
{
    private const string User = "593999000001";

    // ---- type inference ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("https://example.com/foto.jpg", "image")]
    [InlineData("https://example.com/foto.JPEG", "image")]
    [InlineData("https://example.com/foto.png?size=large#top", "image")]
    [InlineData("https://example.com/clip.mp4", "video")]
    [InlineData("https://example.com/clip.3gp", "video")]
    [InlineData("https://example.com/factura.pdf", "file")]
    [InlineData("https://example.com/hoja.xlsx", "file")]
    [InlineData("https://example.com/sticker.webp", "sticker")]
    [InlineData("https://example.com/nota.ogg", "audio")]
    [InlineData("https://example.com/nota.mp3", "audio")]
    public void Media_type_is_inferred_from_the_extension(string url, string expectedType)
    {
        var message = Assert.IsType<MediaMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, MediaUrl = url }));
        Assert.Equal(expectedType, message.Type);
        Assert.Equal(url, message.MediaUrl);
        Assert.Equal(expectedType, BotMessageBuilder.InferType(new BotMessageFields { MediaUrl = url }));
    }

    [Theory]
    [InlineData("https://example.com/archivo.xyz")]
    [InlineData("https://example.com/download?id=42")]
    [InlineData("https://example.com/")]
    public void Media_with_an_unknown_extension_is_a_problem_on_type(string url)
    {
        var problems = Problems(new BotMessageFields { UserId = User, MediaUrl = url });
        var problem = Assert.Single(problems);
        Assert.Equal("type", problem.Field);
        Assert.Contains(url, problem.Message, StringComparison.Ordinal);
        Assert.Contains("-Type", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBuild_names_the_user_facing_type_whether_the_row_is_valid_or_not()
    {
        var good = new BotMessageFields { UserId = "593999999999", Text = "Elija", Options = new[] { new ListOption("Norte") } };
        var bad = new BotMessageFields { UserId = "593999999999", Text = "Elija", Options = new[] { new ListOption(new string('x', 25)) } };

        Assert.True(BotMessageBuilder.TryBuild(good, out var message, out _, out var goodType));
        Assert.False(BotMessageBuilder.TryBuild(bad, out var none, out var problems, out var badType));

        // The wire type of an options list is "text"; the report names what the user sent.
        Assert.Equal("text", message.Type);
        Assert.Equal(BotMessageTypes.Options, goodType);
        Assert.Equal(BotMessageTypes.Options, badType);
        Assert.Null(none);
        Assert.Contains(problems, p => p.Field == "options[0].title");
    }

    [Fact]
    public void An_unknown_extension_is_fine_when_the_type_is_given()
    {
        var message = Assert.IsType<MediaMessage>(BotMessageBuilder.Build(new BotMessageFields
        {
            UserId = User,
            Type = "file",
            MediaUrl = "https://example.com/download?id=42",
        }));
        Assert.Equal("file", message.Type);
    }

    [Fact]
    public void Inference_follows_the_content_given()
    {
        Assert.IsType<TextMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Text = "hola" }));
        Assert.IsType<OptionsMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Text = "elige", Options = new[] { new ListOption("a") } }));
        Assert.IsType<QuickReplyMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Text = "¿sí?", QuickReplies = new[] { "Sí" } }));
        Assert.IsType<LocationMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Latitude = 0, Longitude = 0 }));
        Assert.IsType<ContactsMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Contacts = new[] { new Contact { Name = new ContactName { FormattedName = "Ana" } } } }));
        Assert.IsType<CtaUrlMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Title = "T", Text = "B", Caption = "C", Url = "https://a.example", ButtonText = "Ir" }));
    }

    [Fact]
    public void No_content_at_all_is_a_problem_on_type()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User }));
        Assert.Equal("type", problem.Field);
    }

    // ---- explicit types and aliases ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("document", "file")]
    [InlineData("DOCUMENT", "file")]
    [InlineData("file", "file")]
    [InlineData("Image", "image")]
    [InlineData(" video ", "video")]
    [InlineData("audio", "audio")]
    [InlineData("sticker", "sticker")]
    public void Explicit_media_types_and_aliases_map_to_the_wire_type(string given, string wire)
    {
        var message = BotMessageBuilder.Build(new BotMessageFields { UserId = User, Type = given, MediaUrl = "https://example.com/x.bin" });
        Assert.Equal(wire, message.Type);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("options")]
    [InlineData("OPTIONS")]
    public void List_is_an_alias_of_options_and_goes_out_as_type_text(string given)
    {
        var message = Assert.IsType<OptionsMessage>(BotMessageBuilder.Build(new BotMessageFields
        {
            UserId = User,
            Type = given,
            Text = "elige",
            Options = new[] { new ListOption("Uno") },
        }));
        Assert.Equal("text", message.Type);
        Assert.Equal("options", BotMessageBuilder.InferType(new BotMessageFields { Type = given }));
    }

    [Theory]
    [InlineData("quickreply", typeof(QuickReplyMessage))]
    [InlineData("quick_reply", typeof(QuickReplyMessage))]
    [InlineData("locationrequest", typeof(LocationRequestMessage))]
    [InlineData("location_request", typeof(LocationRequestMessage))]
    public void Other_aliases_are_accepted(string given, Type expected)
    {
        var fields = new BotMessageFields { UserId = User, Type = given, Text = "¿Dónde estás?" };
        if (expected == typeof(QuickReplyMessage))
        {
            fields.QuickReplies = new[] { "Aquí" };
        }

        Assert.IsType(expected, BotMessageBuilder.Build(fields));
    }

    [Fact]
    public void An_unknown_type_is_a_problem_listing_the_known_ones()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Type = "buttons", Text = "x" }));
        Assert.Equal("type", problem.Field);
        Assert.Contains("'buttons'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("quick_reply", problem.Message, StringComparison.Ordinal);
    }

    // ---- empty strings are absent ----------------------------------------------------------------------------------

    [Fact]
    public void Empty_and_blank_strings_are_treated_as_absent()
    {
        // A CSV row: every column exists, most are empty.
        var message = BotMessageBuilder.Build(new BotMessageFields
        {
            UserId = " " + User + " ",
            Type = "",
            Text = "",
            Title = "   ",
            Header = "",
            Caption = "",
            MediaUrl = " https://example.com/foto.jpg ",
            FileName = "",
            ButtonText = "",
            Url = "",
            QuickReplies = Array.Empty<string>(),
            Options = Array.Empty<ListOption>(),
            Contacts = Array.Empty<Contact>(),
        });

        var media = Assert.IsType<MediaMessage>(message);
        Assert.Equal("image", media.Type);
        Assert.Equal(User, media.UserId);
        Assert.Equal("https://example.com/foto.jpg", media.MediaUrl);
        Assert.Null(media.Text);
        Assert.Null(media.FileName);
    }

    [Fact]
    public void An_empty_text_with_a_text_type_is_reported_as_missing()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Type = "text", Text = "  " }));
        Assert.Equal("text", problem.Field);
        Assert.Contains("empty", problem.Message, StringComparison.Ordinal);
    }

    // ---- options list limits ------------------------------------------------------------------------------------------

    [Fact]
    public void Option_title_of_24_characters_is_accepted()
    {
        var message = Assert.IsType<OptionsMessage>(BotMessageBuilder.Build(Options(new ListOption(new string('a', 24)))));
        Assert.Equal(24, message.Options[0].Title.Length);
    }

    [Fact]
    public void Option_title_of_25_characters_fails_naming_the_option_the_value_and_the_limit()
    {
        var title = "Opción número veinticinco";
        Assert.Equal(25, title.Length);
        var problem = Assert.Single(Problems(Options(new ListOption(title))));
        Assert.Equal("options[0].title", problem.Field);
        Assert.Contains(title, problem.Message, StringComparison.Ordinal);
        Assert.Contains("25", problem.Message, StringComparison.Ordinal);
        Assert.Contains("24", problem.Message, StringComparison.Ordinal);
        Assert.StartsWith("options[0].title: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_problem_names_the_index_of_the_offending_option()
    {
        var problem = Assert.Single(Problems(Options(new ListOption("ok"), new ListOption("ok 2"), new ListOption(new string('x', 30)))));
        Assert.Equal("options[2].title", problem.Field);
    }

    [Fact]
    public void Option_description_limit_is_72()
    {
        Assert.Empty(Problems(Options(new ListOption("a") { Description = new string('d', 72) })));
        var problem = Assert.Single(Problems(Options(new ListOption("a") { Description = new string('d', 73) })));
        Assert.Equal("options[0].description", problem.Field);
        Assert.Contains("72", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Emoji_count_as_one_character_each_in_titles()
    {
        // 24 emoji are 48 UTF-16 code units but 24 characters for the user.
        var title = string.Concat(Enumerable.Repeat("🎉", 24));
        Assert.Empty(Problems(Options(new ListOption(title))));
        Assert.Single(Problems(Options(new ListOption(title + "🎉"))));
    }

    [Fact]
    public void Ten_options_are_accepted_and_eleven_fail()
    {
        var ten = Enumerable.Range(1, 10).Select(i => new ListOption("Opción " + i)).ToArray();
        Assert.Equal(10, Assert.IsType<OptionsMessage>(BotMessageBuilder.Build(Options(ten))).Options.Count);

        var eleven = Enumerable.Range(1, 11).Select(i => new ListOption("Opción " + i)).ToArray();
        var problem = Assert.Single(Problems(Options(eleven)));
        Assert.Equal("options", problem.Field);
        Assert.Contains("11", problem.Message, StringComparison.Ordinal);
        Assert.Contains("10", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_with_an_empty_title_fails()
    {
        var problem = Assert.Single(Problems(Options(new ListOption("uno"), new ListOption(" "))));
        Assert.Equal("options[1].title", problem.Field);
    }

    [Fact]
    public void Duplicate_option_ids_fail()
    {
        var problem = Assert.Single(Problems(Options(new ListOption("a") { Id = "x" }, new ListOption("b") { Id = "x" })));
        Assert.Equal("options", problem.Field);
        Assert.Contains("'x'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_button_text_limit_is_20_and_title_limit_is_60()
    {
        var fields = Options(new ListOption("a"));
        fields.ButtonText = new string('b', 20);
        fields.Title = new string('t', 60);
        Assert.Empty(Problems(fields));

        fields.ButtonText = new string('b', 21);
        fields.Title = new string('t', 61);
        var problems = Problems(fields);
        Assert.Equal(new[] { "buttonText", "title" }, problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));
    }

    [Fact]
    public void Options_are_built_with_title_and_list_button()
    {
        var fields = Options(new ListOption("Uno") { Id = "1", Description = "primera" });
        fields.Title = "Menú";
        fields.ButtonText = "Ver opciones";
        var message = Assert.IsType<OptionsMessage>(BotMessageBuilder.Build(fields));
        Assert.Equal("Menú", message.Title);
        Assert.Equal("Ver opciones", message.ButtonText!.Text);
        Assert.Equal("text", message.ButtonText.Type);
        Assert.Equal("1", message.Options[0].Id);
    }

    // ---- quick replies ------------------------------------------------------------------------------------------------

    [Fact]
    public void Three_quick_replies_are_accepted_and_four_fail()
    {
        var three = Assert.IsType<QuickReplyMessage>(BotMessageBuilder.Build(QuickReplies("Sí", "No", "Tal vez")));
        Assert.Equal(new[] { "Sí", "No", "Tal vez" }, three.QuickReplies.Select(q => q.Title));

        var problem = Assert.Single(Problems(QuickReplies("Sí", "No", "Tal vez", "Nunca")));
        Assert.Equal("quick_replies", problem.Field);
        Assert.Contains("4", problem.Message, StringComparison.Ordinal);
        Assert.Contains("3", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sí", "Sí")]
    [InlineData("Sí", "sí")]
    public void Duplicate_quick_reply_titles_fail(string first, string second)
    {
        var problem = Assert.Single(Problems(QuickReplies(first, second)));
        Assert.Equal("quick_replies[1].title", problem.Field);
        Assert.Contains(second, problem.Message, StringComparison.Ordinal);
        Assert.Contains("unique", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("👍 Sí")]
    [InlineData("Sí 🎉")]
    [InlineData("Listo ✅")]
    [InlineData("Me gusta ❤️")]
    [InlineData("*Sí*")]
    public void Emoji_or_markdown_in_a_button_title_fails(string title)
    {
        var problem = Assert.Single(Problems(QuickReplies("No", title)));
        Assert.Equal("quick_replies[1].title", problem.Field);
        Assert.Contains(title, problem.Message, StringComparison.Ordinal);
        Assert.Contains("emoji", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Señora Núñez")]
    [InlineData("你好，世界")]
    [InlineData("¿Cómo está?")]
    public void Accents_and_CJK_in_a_button_title_are_not_emoji(string title)
    {
        Assert.Empty(Problems(QuickReplies(title)));
    }

    [Fact]
    public void Quick_reply_title_limit_is_20()
    {
        Assert.Empty(Problems(QuickReplies(new string('a', 20))));
        var problem = Assert.Single(Problems(QuickReplies(new string('a', 21))));
        Assert.Equal("quick_replies[0].title", problem.Field);
        Assert.Contains("20", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_quick_reply_title_fails()
    {
        var problem = Assert.Single(Problems(QuickReplies("Sí", "")));
        Assert.Equal("quick_replies[1].title", problem.Field);
    }

    [Theory]
    [InlineData("Sí\uD83D")]
    [InlineData("\uDE00Sí")]
    [InlineData("a\uDE00\uD83Db")]
    public void A_title_with_a_broken_surrogate_never_makes_the_builder_throw(string title)
    {
        // CSV cells and PowerShell substrings can cut an emoji in half; the builder must answer, not crash.
        var thrown = Record.Exception(() =>
        {
            if (BotMessageBuilder.TryBuild(QuickReplies(title), out var message, out var problems))
            {
                Assert.Empty(problems);
                Assert.NotEmpty(BotMessageSerializer.Serialize(message));
            }
            else
            {
                Assert.Null(message);
                Assert.NotEmpty(problems);
            }
        });
        Assert.Null(thrown);
    }

    // ---- URL button, call button ------------------------------------------------------------------------------------

    [Fact]
    public void Cta_display_text_of_18_is_accepted_and_19_fails()
    {
        var ok = Assert.IsType<CtaUrlMessage>(BotMessageBuilder.Build(Cta(new string('b', 18))));
        Assert.Equal(18, ok.Parameters.DisplayText.Length);
        Assert.Equal("https://apps.jelou.ai/promo", ok.Parameters.Url);

        var problem = Assert.Single(Problems(Cta("Visitar el sitio web")));
        Assert.Equal("buttonText", problem.Field);
        Assert.Contains("Visitar el sitio web", problem.Message, StringComparison.Ordinal);
        Assert.Contains("18", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cta_needs_title_text_caption_url_and_button_text()
    {
        var problems = Problems(new BotMessageFields { UserId = User, Type = "cta_url" });
        Assert.Equal(new[] { "buttonText", "caption", "text", "title", "url" }, problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));
    }

    [Fact]
    public void Cta_url_over_http_fails()
    {
        var fields = Cta("Ir");
        fields.Url = "http://apps.jelou.ai";
        var problem = Assert.Single(Problems(fields));
        Assert.Equal("url", problem.Field);
        Assert.Contains("https", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Voice_call_needs_text_and_button_text()
    {
        var problems = Problems(new BotMessageFields { UserId = User, Type = "voice_call", Header = "Ayuda" });
        Assert.Equal(new[] { "buttonText", "text" }, problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));

        var message = Assert.IsType<VoiceCallMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Type = "voice_call", Header = "Ayuda", Text = "Llámanos", ButtonText = "Llamar" }));
        Assert.Equal("Ayuda", message.Header);
        Assert.Equal("Llamar", message.Parameters.DisplayText);
    }

    // ---- location --------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(90.0001, 0, "latitude")]
    [InlineData(-90.0001, 0, "latitude")]
    [InlineData(0, 180.0001, "longitude")]
    [InlineData(0, -180.5, "longitude")]
    [InlineData(double.NaN, 0, "latitude")]
    [InlineData(0, double.PositiveInfinity, "longitude")]
    public void Coordinates_out_of_range_fail(double latitude, double longitude, string field)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Latitude = latitude, Longitude = longitude }));
        Assert.Equal(field, problem.Field);
        Assert.Contains("between", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latitude_90_0001_names_its_value()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Latitude = 90.0001, Longitude = 10 }));
        Assert.Contains("90.0001", problem.Message, StringComparison.Ordinal);
        Assert.Contains("-90", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    [InlineData(0, -180)]
    [InlineData(-0.2298500, -78.5249500)]
    public void Coordinates_at_the_bounds_are_accepted(double latitude, double longitude)
    {
        var message = Assert.IsType<LocationMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Latitude = latitude, Longitude = longitude }));
        Assert.Equal(latitude, message.Coordinates.Lat);
        Assert.Equal(longitude, message.Coordinates.Long);
    }

    [Fact]
    public void A_location_needs_both_coordinates()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Latitude = 1 }));
        Assert.Equal("longitude", problem.Field);
    }

    // ---- media -------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("image")]
    [InlineData("audio")]
    [InlineData("video")]
    [InlineData("file")]
    [InlineData("sticker")]
    public void Http_media_url_fails_with_a_message_about_https(string type)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Type = type, MediaUrl = "http://example.com/a.jpg" }));
        Assert.Equal("mediaUrl", problem.Field);
        Assert.Contains("http://example.com/a.jpg", problem.Message, StringComparison.Ordinal);
        Assert.Contains("https", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("example.com/a.jpg")]
    [InlineData("ftp://example.com/a.jpg")]
    [InlineData("file:///tmp/a.jpg")]
    public void A_media_url_that_is_not_an_absolute_web_url_fails(string url)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Type = "image", MediaUrl = url }));
        Assert.Equal("mediaUrl", problem.Field);
        Assert.Contains("HTTPS", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_media_type_without_a_url_fails()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Type = "image" }));
        Assert.Equal("mediaUrl", problem.Field);
    }

    [Fact]
    public void File_keeps_its_filename_and_rejects_paths()
    {
        var message = Assert.IsType<MediaMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/f.pdf", FileName = "factura.pdf" }));
        Assert.Equal("factura.pdf", message.FileName);

        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/f.pdf", FileName = "C:\\docs\\factura.pdf" }));
        Assert.Equal("fileName", problem.Field);
    }

    [Fact]
    public void A_caption_column_becomes_the_text_of_an_image()
    {
        var message = Assert.IsType<MediaMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/a.jpg", Caption = "Pie" }));
        Assert.Equal("Pie", message.Text);
    }

    [Fact]
    public void Giving_both_text_and_caption_to_an_image_is_reported()
    {
        var problems = Problems(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/a.jpg", Text = "Texto", Caption = "Pie" });
        Assert.NotEmpty(problems);
        Assert.Contains(problems, p => p.Field is "caption" or "text");
    }

    [Fact]
    public void Image_caption_limit_is_1024()
    {
        Assert.Empty(Problems(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/a.jpg", Text = new string('c', 1024) }));
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, MediaUrl = "https://example.com/a.jpg", Text = new string('c', 1025) }));
        Assert.Equal("text", problem.Field);
    }

    [Fact]
    public void Text_limit_is_4096()
    {
        Assert.Empty(Problems(new BotMessageFields { UserId = User, Text = new string('t', 4096) }));
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Text = new string('t', 4097) }));
        Assert.Equal("text", problem.Field);
        Assert.Contains("4096", problem.Message, StringComparison.Ordinal);
    }

    // ---- userId and unused fields -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_user_id_fails_naming_userId(string? userId)
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = userId, Text = "hola" }));
        Assert.Equal("userId", problem.Field);
        Assert.Contains("empty", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", "mediaUrl")]
    [InlineData("audio", "text")]
    [InlineData("sticker", "caption")]
    [InlineData("image", "fileName")]
    [InlineData("location", "title")]
    [InlineData("quick_reply", "url")]
    public void Fields_the_type_does_not_use_are_reported(string type, string unusedField)
    {
        var fields = new BotMessageFields { UserId = User, Type = type };
        switch (type)
        {
            case "text": fields.Text = "hola"; fields.MediaUrl = "https://example.com/a.jpg"; break;
            case "audio": fields.MediaUrl = "https://example.com/a.ogg"; fields.Text = "escucha"; break;
            case "sticker": fields.MediaUrl = "https://example.com/a.webp"; fields.Caption = "pie"; break;
            case "image": fields.MediaUrl = "https://example.com/a.jpg"; fields.FileName = "a.jpg"; break;
            case "location": fields.Latitude = 1; fields.Longitude = 2; fields.Title = "Oficina"; break;
            case "quick_reply": fields.Text = "?"; fields.QuickReplies = new[] { "Sí" }; fields.Url = "https://a.example"; break;
        }

        var problem = Assert.Single(Problems(fields));
        Assert.Equal(unusedField, problem.Field);
        Assert.Contains("not used by type '" + type + "'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_problems_of_a_row_are_reported_together()
    {
        var problems = Problems(new BotMessageFields
        {
            UserId = "",
            Text = "elige",
            Title = new string('t', 61),
            Options = new[] { new ListOption(new string('a', 25)), new ListOption("ok") { Description = new string('d', 73) } },
            MediaUrl = "https://example.com/a.jpg",
        });

        Assert.Equal(
            new[] { "mediaUrl", "options[0].title", "options[1].description", "title", "userId" },
            problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));

        var ex = Assert.Throws<JelouValidationException>(() => BotMessageBuilder.Build(new BotMessageFields
        {
            UserId = "",
            Text = "elige",
            Title = new string('t', 61),
            Options = new[] { new ListOption(new string('a', 25)), new ListOption("ok") { Description = new string('d', 73) } },
            MediaUrl = "https://example.com/a.jpg",
        }));
        Assert.Equal(5, ex.Problems.Count);
        foreach (var p in ex.Problems)
        {
            Assert.Contains(p.Field + ": ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryBuild_returns_no_message_when_there_are_problems()
    {
        Assert.False(BotMessageBuilder.TryBuild(new BotMessageFields { Text = "hola" }, out var message, out var problems));
        Assert.Null(message);
        Assert.NotEmpty(problems);

        Assert.True(BotMessageBuilder.TryBuild(new BotMessageFields { UserId = User, Text = "hola" }, out message, out problems));
        Assert.Empty(problems);
        Assert.Equal("hola", Assert.IsType<TextMessage>(message).Text);
    }

    // ---- contacts ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Contact_phones_must_be_E164_and_wa_id_digits()
    {
        var problems = Problems(new BotMessageFields
        {
            UserId = User,
            Contacts = new[]
            {
                new Contact { Phones = new List<ContactPhone> { new() { Phone = "0999999999", WaId = "+593999999999" } } },
                new Contact(),
            },
        });
        Assert.Equal(
            new[] { "contacts[0].phones[0].phone", "contacts[0].phones[0].wa_id", "contacts[1]" },
            problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));
    }

    // ---- raw payload ---------------------------------------------------------------------------------------------------

    [Fact]
    public void A_raw_payload_keeps_its_type_and_takes_the_user_id()
    {
        var payload = new JsonObject { ["type"] = "CAROUSEL", ["text"] = "Ofertas", ["parameters"] = new JsonObject { ["cards"] = new JsonArray() } };
        var message = Assert.IsType<RawBotMessage>(BotMessageBuilder.Build(new BotMessageFields { UserId = User, Payload = payload }));
        Assert.Equal("CAROUSEL", message.Type);
        Assert.Equal(User, message.UserId);
        Assert.False(message.Payload.ContainsKey("userId"));
    }

    [Fact]
    public void A_raw_payload_without_a_type_fails()
    {
        var problem = Assert.Single(Problems(new BotMessageFields { UserId = User, Payload = new JsonObject { ["text"] = "x" } }));
        Assert.Equal("payload.type", problem.Field);
    }

    [Fact]
    public void A_raw_payload_cannot_be_combined_with_other_fields_nor_contradict_the_user_id()
    {
        var problems = Problems(new BotMessageFields
        {
            UserId = User,
            Text = "extra",
            Payload = new JsonObject { ["type"] = "CAROUSEL", ["userId"] = "593000000000" },
        });
        Assert.Equal(new[] { "payload.userId", "text" }, problems.Select(p => p.Field).OrderBy(f => f, StringComparer.Ordinal));
    }

    private static IReadOnlyList<ValidationProblem> Problems(BotMessageFields fields)
    {
        var ok = BotMessageBuilder.TryBuild(fields, out var message, out var problems);
        Assert.Equal(ok, problems.Count == 0);
        Assert.Equal(ok, message is not null);
        return problems;
    }

    private static BotMessageFields Options(params ListOption[] options) => new() { UserId = User, Text = "Elige una opción", Options = options };

    private static BotMessageFields QuickReplies(params string[] titles) => new() { UserId = User, Text = "¿Continuamos?", QuickReplies = titles };

    private static BotMessageFields Cta(string buttonText) => new()
    {
        UserId = User,
        Title = "Bienvenido",
        Text = "Visita nuestro sitio",
        Caption = "Jelou",
        Url = "https://apps.jelou.ai/promo",
        ButtonText = buttonText,
    };
}
