namespace Jelou.Validation
{
    // One descriptor per message type
    // ---------------------------------
    // A message type is described once, in BotMessageDescriptors.cs (bot messages) or RoomMessageDescriptors.cs (room
    // messages), and a template type in TemplateMessageDescriptors.cs: its name, the other names -Type accepts, the file extensions that infer it, the OpenAPI schema its
    // body must satisfy, and the fields it carries with the wire name, whether each is required and the rule that
    // checks it. The builder takes the unused-field check, the -Type names and the type list (BotMessageTypes.All)
    // from there, and ContractTests compares every descriptor with shared/jelou-openapi.json.
    //
    // To add a message type: add a descriptor (and its BotMessageTypes constant and message class). To add a field:
    // add its property to BotMessageFields, one entry to BotFields (name, -Parameter, how it is normalised, checked
    // for hygiene and described), a FieldRule in each descriptor that carries it, and the cmdlet parameter that reads
    // it (SendJelouBotMessageCommand.ReadFields). A template or campaign builder writes its own descriptors with the
    // same MessageField, FieldRule and RuleChecker.

    /// <summary>One input field: the name problems give it, and whether a row gives it at all.</summary>
    /// <typeparam name="TFields">The flat fields a cmdlet call or a CSV row carries.</typeparam>
    internal class MessageField<TFields>
    {
        private readonly Func<TFields, bool> isGiven;

        public MessageField(string name, Func<TFields, bool> isGiven)
        {
            Name = name;
            this.isGiven = isGiven;
        }

        /// <summary>The field as problems name it, such as <c>quick_replies</c>.</summary>
        public string Name { get; }

        public bool IsGiven(TFields fields) => isGiven(fields);

        public override string ToString() => Name;
    }

    /// <summary>A field as one message type uses it: where it goes in the body, whether it is required, and its rule.</summary>
    internal sealed class FieldRule<TFields>
    {
        private readonly Action<TFields, RuleChecker>? check;

        private FieldRule(MessageField<TFields> field, string wire, bool required, Action<TFields, RuleChecker>? check, int? maxLength = null)
        {
            Field = field;
            Wire = wire;
            Required = required;
            MaxLength = maxLength;
            this.check = check;
        }

        public MessageField<TFields> Field { get; }

        /// <summary>The property path in the JSON body, such as <c>parameters.display_text</c>.</summary>
        public string Wire { get; }

        /// <summary>Whether the type cannot be sent without it; the rule reports it when it is missing.</summary>
        public bool Required { get; }

        /// <summary>The most characters a text or URL rule allows; null for other rules.</summary>
        public int? MaxLength { get; }

        public void Check(TFields fields, RuleChecker checker) => check?.Invoke(fields, checker);

        /// <summary>A text of at most <paramref name="maxLength"/> characters, reported under <paramref name="field"/>'s name.</summary>
        public static FieldRule<TFields> Text(MessageField<TFields> field, Func<TFields, string?> value, string wire, bool required, int maxLength) =>
            new(field, wire, required, required
                ? (f, c) => c.Required(field.Name, value(f), maxLength)
                : (f, c) => c.Optional(field.Name, value(f), maxLength), maxLength);

        /// <summary>A public HTTPS URL; a required one missing is reported with <paramref name="missing"/>.</summary>
        public static FieldRule<TFields> HttpsUrl(MessageField<TFields> field, Func<TFields, string?> value, string wire, bool required, int maxLength, string missing) =>
            new(field, wire, required, (f, c) => c.HttpsUrl(field.Name, value(f), maxLength, required ? missing : null), maxLength);

        /// <summary>
        /// A field with its own rule, which reports it missing when <paramref name="required"/>; <paramref name="maxLength"/>
        /// says the limit the rule applies, when it is a length.
        /// </summary>
        public static FieldRule<TFields> Custom(MessageField<TFields> field, string wire, bool required, Action<TFields, RuleChecker> check, int? maxLength = null) =>
            new(field, wire, required, check, maxLength);

        /// <summary>A field carried as it is, checked by another field's rule (such as a caption column for text).</summary>
        public static FieldRule<TFields> Carried(MessageField<TFields> field, string wire) => new(field, wire, required: false, check: null);
    }

    /// <summary>One message type: its names, its fields with their rules, and how its message is made.</summary>
    /// <typeparam name="TFields">The flat fields a cmdlet call or a CSV row carries.</typeparam>
    /// <typeparam name="TMessage">The message the descriptor builds.</typeparam>
    internal sealed class MessageDescriptor<TFields, TMessage>
    {
        private readonly Func<TFields, TMessage> create;

        // An array, so the loops run per row allocate no enumerator.
        private readonly FieldRule<TFields>[] rules;

        public MessageDescriptor(string type, string wireType, string? schema, IReadOnlyList<string> aliases, IReadOnlyList<string> extensions, IReadOnlyList<FieldRule<TFields>> fields, Func<TFields, TMessage> create)
        {
            Type = type;
            WireType = wireType;
            Schema = schema;
            Aliases = aliases;
            Extensions = extensions;
            rules = fields.ToArray();
            Fields = rules;
            this.create = create;
        }

        /// <summary>The name the user gives with -Type and reports show, such as <c>options</c>.</summary>
        public string Type { get; }

        /// <summary>The <c>type</c> the body carries, such as <c>text</c> for an options list.</summary>
        public string WireType { get; }

        /// <summary>The OpenAPI component schema the body satisfies (shared/jelou-openapi.json).</summary>
        public string? Schema { get; }

        /// <summary>Other names -Type accepts, any case.</summary>
        public IReadOnlyList<string> Aliases { get; }

        /// <summary>File extensions (".jpg") of a media URL that make this the inferred type.</summary>
        public IReadOnlyList<string> Extensions { get; }

        /// <summary>The fields the type carries, in the order their rules run; any other field given is a problem.</summary>
        public IReadOnlyList<FieldRule<TFields>> Fields { get; }

        public bool Carries(MessageField<TFields> field)
        {
            foreach (var rule in rules)
            {
                if (ReferenceEquals(rule.Field, field))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Runs every field's rule, in order.</summary>
        public void Check(TFields fields, RuleChecker checker)
        {
            foreach (var rule in rules)
            {
                rule.Check(fields, checker);
            }
        }

        /// <summary>The message, from fields that passed <see cref="Check"/>.</summary>
        public TMessage Create(TFields fields) => create(fields);

        public override string ToString() => Type;
    }

    /// <summary>The descriptors of one endpoint, found by name (type or alias) or by a media URL's extension.</summary>
    internal sealed class MessageCatalog<TFields, TMessage>
    {
        private readonly Dictionary<string, MessageDescriptor<TFields, TMessage>> byName = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, MessageDescriptor<TFields, TMessage>> byExtension = new(StringComparer.OrdinalIgnoreCase);

        public MessageCatalog(params MessageDescriptor<TFields, TMessage>[] descriptors)
        {
            All = descriptors;
            foreach (var descriptor in descriptors)
            {
                // Add, not the indexer: two types claiming one name or extension is a mistake to see at once.
                byName.Add(descriptor.Type, descriptor);
                foreach (var alias in descriptor.Aliases)
                {
                    byName.Add(alias, descriptor);
                }

                foreach (var extension in descriptor.Extensions)
                {
                    byExtension.Add(extension, descriptor);
                }
            }

            Names = All.Select(d => d.Type).ToArray();
        }

        /// <summary>Every descriptor, in the order help lists the types.</summary>
        public IReadOnlyList<MessageDescriptor<TFields, TMessage>> All { get; }

        /// <summary>Every type name, in the order help lists them.</summary>
        public IReadOnlyList<string> Names { get; }

        public MessageDescriptor<TFields, TMessage>? Find(string name) => byName.TryGetValue(name, out var d) ? d : null;

        public MessageDescriptor<TFields, TMessage>? ForUrl(string url) =>
            RuleChecker.Extension(url) is { } extension && byExtension.TryGetValue(extension, out var d) ? d : null;
    }
}
