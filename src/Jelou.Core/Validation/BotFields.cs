using System.Globalization;
using Jelou.Messages;

namespace Jelou.Validation
{
    /// <summary>
    /// One field of <see cref="BotMessageFields"/>: its names, how an empty CSV cell is read, which strings are checked
    /// for hygiene, and how a report shows it. Everything the builder and the cmdlet do field by field comes from here.
    /// </summary>
    internal sealed class BotField : MessageField<BotMessageFields>
    {
        private readonly Action<BotMessageFields, BotMessageFields> normalize;
        private readonly Action<BotMessageFields, BotMessageFields> copy;
        private readonly Action<BotMessageFields, RuleChecker>? hygiene;
        private readonly Func<BotMessageFields, string?> describe;

        private BotField(string name, string parameter, string label, bool content, Func<BotMessageFields, bool> isGiven, Action<BotMessageFields, BotMessageFields> normalize, Action<BotMessageFields, BotMessageFields> copy, Action<BotMessageFields, RuleChecker>? hygiene, Func<BotMessageFields, string?> describe)
            : base(name, isGiven)
        {
            Parameter = parameter;
            Label = label;
            Content = content;
            this.normalize = normalize;
            this.copy = copy;
            this.hygiene = hygiene;
            this.describe = describe;
        }

        /// <summary>The parameter of Send-JelouBotMessage that gives it.</summary>
        public string Parameter { get; }

        /// <summary>The name a report shows, such as <c>quickReplies</c>.</summary>
        public string Label { get; }

        /// <summary>Content of the message, as opposed to the recipient, the type and a raw payload: a type may or may not carry it.</summary>
        public bool Content { get; }

        /// <summary>Copies the field as the rules read it: an empty cell or an empty list means "not given".</summary>
        public void Normalize(BotMessageFields from, BotMessageFields to) => normalize(from, to);

        public void Copy(BotMessageFields from, BotMessageFields to) => copy(from, to);

        /// <summary>Every string of the field that would reach the customer.</summary>
        public void CheckText(BotMessageFields fields, RuleChecker checker) => hygiene?.Invoke(fields, checker);

        /// <summary>The value as a report shows it, or null when not given.</summary>
        public string? Describe(BotMessageFields fields) => describe(fields);

        internal static BotField String(string name, string parameter, Func<BotMessageFields, string?> get, Action<BotMessageFields, string?> set, bool trim = false, bool content = true, bool hygiene = true) =>
            new(
                name,
                parameter,
                name,
                content,
                f => get(f) is not null,
                (from, to) =>
                {
                    var value = get(from);
                    set(to, string.IsNullOrWhiteSpace(value) ? null : trim ? value!.Trim() : value);
                },
                (from, to) => set(to, get(from)),
                hygiene ? (f, c) => c.Text(name, get(f)) : null,
                f => string.IsNullOrEmpty(get(f)) ? null : "'" + get(f) + "'");

        internal static BotField Number(string name, Func<BotMessageFields, double?> get, Action<BotMessageFields, double?> set) =>
            new(
                name,
                char.ToUpperInvariant(name[0]) + name.Substring(1),
                name,
                content: true,
                f => get(f) is not null,
                (from, to) => set(to, get(from)),
                (from, to) => set(to, get(from)),
                null,
                f => get(f)?.ToString(CultureInfo.InvariantCulture) is { } v ? "'" + v + "'" : null);

        internal static BotField List<T>(string name, string parameter, string label, Func<BotMessageFields, IReadOnlyList<T>?> get, Action<BotMessageFields, IReadOnlyList<T>?> set, Action<IReadOnlyList<T>, RuleChecker> hygiene, Func<IReadOnlyList<T>, string> describe) =>
            new(
                name,
                parameter,
                label,
                content: true,
                f => get(f) is not null,
                (from, to) => set(to, get(from) is { Count: > 0 } list ? list : null),
                (from, to) => set(to, get(from)),
                (f, c) =>
                {
                    if (get(f) is { } list)
                    {
                        hygiene(list, c);
                    }
                },
                f => get(f) is { Count: > 0 } list ? describe(list) : null);

        internal static BotField Payload() =>
            new(
                "payload",
                nameof(BotMessageFields.Payload),
                "payload",
                content: false,
                f => f.Payload is not null,
                (from, to) => to.Payload = from.Payload,
                (from, to) => to.Payload = from.Payload,
                (f, c) =>
                {
                    if (f.Payload is not null)
                    {
                        // The payload's recipient is checked with the rules for ids (BotMessageBuilder.BuildRaw).
                        c.Tree("payload", f.Payload, skip: "userId");
                    }
                },
                f => f.Payload?.ToJsonString());
    }

    /// <summary>Every field of <see cref="BotMessageFields"/>, in the order problems and reports list them.</summary>
    internal static class BotFields
    {
        // The recipient is checked with the rules for ids, not for text (BotMessageBuilder).
        public static readonly BotField UserId = BotField.String("userId", nameof(BotMessageFields.UserId), f => f.UserId, (f, v) => f.UserId = v, trim: true, content: false, hygiene: false);
        public static readonly BotField Type = BotField.String("type", nameof(BotMessageFields.Type), f => f.Type, (f, v) => f.Type = v, trim: true, content: false);
        public static readonly BotField Text = BotField.String("text", nameof(BotMessageFields.Text), f => f.Text, (f, v) => f.Text = v);
        public static readonly BotField Title = BotField.String("title", nameof(BotMessageFields.Title), f => f.Title, (f, v) => f.Title = v);
        public static readonly BotField Header = BotField.String("header", nameof(BotMessageFields.Header), f => f.Header, (f, v) => f.Header = v);
        public static readonly BotField Caption = BotField.String("caption", nameof(BotMessageFields.Caption), f => f.Caption, (f, v) => f.Caption = v);
        public static readonly BotField MediaUrl = BotField.String("mediaUrl", nameof(BotMessageFields.MediaUrl), f => f.MediaUrl, (f, v) => f.MediaUrl = v, trim: true);
        public static readonly BotField FileName = BotField.String("fileName", nameof(BotMessageFields.FileName), f => f.FileName, (f, v) => f.FileName = v);
        public static readonly BotField Latitude = BotField.Number("latitude", f => f.Latitude, (f, v) => f.Latitude = v);
        public static readonly BotField Longitude = BotField.Number("longitude", f => f.Longitude, (f, v) => f.Longitude = v);
        public static readonly BotField ButtonText = BotField.String("buttonText", nameof(BotMessageFields.ButtonText), f => f.ButtonText, (f, v) => f.ButtonText = v);
        public static readonly BotField Url = BotField.String("url", nameof(BotMessageFields.Url), f => f.Url, (f, v) => f.Url = v, trim: true);

        public static readonly BotField QuickReplies = BotField.List<string>(
            "quick_replies",
            "QuickReply",
            "quickReplies",
            f => f.QuickReplies,
            (f, v) => f.QuickReplies = v,
            (list, c) =>
            {
                for (var i = 0; i < list.Count; i++)
                {
                    c.Text($"quick_replies[{i}].title", list[i]);
                }
            },
            list => string.Join(",", list.Select(q => "'" + q + "'")));

        public static readonly BotField Options = BotField.List<ListOption>(
            "options",
            "Option",
            "options",
            f => f.Options,
            (f, v) => f.Options = v,
            (list, c) =>
            {
                for (var i = 0; i < list.Count; i++)
                {
                    var option = list[i];
                    c.Text($"options[{i}].id", option?.Id);
                    c.Text($"options[{i}].title", option?.Title);
                    c.Text($"options[{i}].description", option?.Description);
                }
            },
            list => string.Join(",", list.Select(o => "'" + o.Title + "'")));

        public static readonly BotField Contacts = BotField.List<Contact>(
            "contacts",
            "Contact",
            "contacts",
            f => f.Contacts,
            (f, v) => f.Contacts = v,
            (list, c) =>
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } contact)
                    {
                        c.Tree($"contacts[{i}]", System.Text.Json.JsonSerializer.SerializeToNode(contact, JelouJsonContext.Default.Contact));
                    }
                }
            },
            list => list.Count.ToString(CultureInfo.InvariantCulture));

        public static readonly BotField Payload = BotField.Payload();

        /// <summary>Every field. The order is the order of problems (hygiene, then unused fields) and of a report.</summary>
        public static IReadOnlyList<BotField> All => AllFields;

        /// <summary>The content fields: each type carries some of them, and giving another is a problem.</summary>
        public static IReadOnlyList<BotField> ContentFields => Contents;

        // Arrays, so the loops run per row allocate no enumerator.
        private static readonly BotField[] AllFields =
        {
            UserId, Type, Text, Title, Header, Caption, MediaUrl, FileName, Latitude, Longitude, ButtonText, Url, QuickReplies, Options, Contacts, Payload,
        };

        private static readonly BotField[] Contents = AllFields.Where(f => f.Content).ToArray();

        /// <summary>Every string of every field that would reach the customer.</summary>
        public static void CheckText(BotMessageFields fields, RuleChecker checker)
        {
            foreach (var field in AllFields)
            {
                field.CheckText(fields, checker);
            }
        }

        /// <summary>The fields as the rules read them: CSV cells are empty strings, not nulls, and an empty cell means "not given".</summary>
        public static BotMessageFields Normalize(BotMessageFields fields)
        {
            var normalized = new BotMessageFields();
            foreach (var field in AllFields)
            {
                field.Normalize(fields, normalized);
            }

            return normalized;
        }

        /// <summary>
        /// The fields of a message being sent again: <paramref name="given"/>'s where <paramref name="fromCommandLine"/>
        /// says the parameter was given, <paramref name="sent"/>'s otherwise.
        /// </summary>
        public static BotMessageFields Merge(BotMessageFields given, BotMessageFields sent, Func<string, bool> fromCommandLine)
        {
            var merged = new BotMessageFields();
            foreach (var field in AllFields)
            {
                field.Copy(fromCommandLine(field.Parameter) ? given : sent, merged);
            }

            return merged;
        }

        /// <summary>The fields that are given, such as <c>text='¿Confirma?'; quickReplies='Sí','No'</c>.</summary>
        public static string Describe(BotMessageFields fields)
        {
            var parts = new List<string>();
            foreach (var field in AllFields)
            {
                if (field.Describe(fields) is { } value)
                {
                    parts.Add(field.Label + "=" + value);
                }
            }

            return string.Join("; ", parts);
        }
    }
}

