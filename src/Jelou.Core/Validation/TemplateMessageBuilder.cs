using System.Text.RegularExpressions;
using Jelou.Messages;
using TemplateDescriptor = Jelou.Validation.MessageDescriptor<Jelou.Messages.TemplateMessageFields, Jelou.Messages.TemplateMessage>;

namespace Jelou.Validation
{
    /// <summary>
    /// Checks one template send (one row) against every rule the HSM endpoint documents and builds its body. All
    /// problems of a row are reported together. What needs the template itself (how many parameters it has, whether
    /// it is approved) is the pre-flight's, not this builder's.
    /// </summary>
    public static class TemplateMessageBuilder
    {
        // Meta's limit on a template name; a longer one is a pasted cell, not a name.
        private const int NameLength = 512;

        private const int CampaignIdLength = 256;

        // es, en, pt_BR, es-419, zh_Hant_TW: a language, then region or script parts.
        private static readonly Regex LanguagePattern = new("^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$", RegexOptions.CultureInvariant);

        // System.String[], System.Object[], System.Collections.Generic.List`1[System.String], ...
        private static readonly Regex TypeNamePattern = new(@"^System\.[A-Za-z0-9_.`]+(\[\]|\[[A-Za-z0-9_.`, ]+\])$", RegexOptions.CultureInvariant);

        /// <summary>Builds the body, or throws with every problem found.</summary>
        /// <exception cref="JelouValidationException">The fields break one or more rules.</exception>
        public static TemplateMessage Build(TemplateMessageFields fields) =>
            TryBuild(fields, out var message, out var problems, out _) ? message : throw new JelouValidationException(problems);

        /// <summary>
        /// Builds the body, or returns false with every problem found; <paramref name="type"/> is the template type the
        /// fields describe, also when they break a rule, so a report can name it.
        /// </summary>
        public static bool TryBuild(TemplateMessageFields fields, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TemplateMessage? message, out IReadOnlyList<ValidationProblem> problems, out string? type)
        {
            if (fields is null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var check = new RuleChecker();
            var f = Normalize(fields);
            if (f.UserId is null)
            {
                check.Add("userId", "is empty; every template needs the recipient (the phone number with country code, no '+').");
            }
            else
            {
                f.UserId = check.Recipient("userId", f.UserId);
            }

            if (f.TemplateName is null)
            {
                check.Add("templateName", "is empty; give the approved template's name (its elementName) with -TemplateName or a templateName column.");
            }
            else
            {
                check.Text("templateName", f.TemplateName);
                check.Optional("templateName", f.TemplateName, NameLength);
                if (f.TemplateName.Any(char.IsWhiteSpace))
                {
                    check.Add("templateName", $"'{RuleChecker.Preview(f.TemplateName)}' contains spaces; a template's name (elementName) is lowercase letters, digits and underscores, such as recordatorio_pago.");
                }
            }

            if (f.Language is not null)
            {
                check.Text("language", f.Language);
                if (!LanguagePattern.IsMatch(f.Language))
                {
                    check.Add("language", $"'{RuleChecker.Preview(f.Language)}' is not a language code; give the template's language as WhatsApp names it, such as es, en or pt_BR.");
                }
            }

            Values("parameters", f.Parameters, check, f.TemplateName, body: true);
            Values("headerParameters", f.HeaderParameters, check, f.TemplateName, body: false);
            Values("buttonParameters", f.ButtonParameters, check, f.TemplateName, body: false);
            check.Text("mediaUrl", f.MediaUrl);
            check.Text("fileName", f.FileName);
            check.Text("campaignId", f.CampaignId);
            check.Optional("campaignId", f.CampaignId, CampaignIdLength);

            var descriptor = Resolve(f, check);
            type = descriptor?.Type;
            if (descriptor is not null)
            {
                foreach (var field in TemplateMessageDescriptors.MediaFields)
                {
                    if (field.IsGiven(f) && !descriptor.Carries(field))
                    {
                        check.Add(field.Name, descriptor == TemplateMessageDescriptors.Text
                            ? $"is not used by a text template; give -Type {(field == TemplateMessageDescriptors.FileName ? "document" : "image, document or video")} for a template with a media header."
                            : $"is not used by a template of type {descriptor.Type}; only a document has a file name.");
                    }
                }

                descriptor.Check(f, check);
            }

            problems = check.Problems;
            message = problems.Count == 0 && descriptor is not null ? descriptor.Create(f) : null;
            return message is not null;
        }

        // Blank means absent, as for every other cmdlet: a CSV cell cannot be null. Values of a list are kept as given, so
        // an empty one is reported by its position rather than silently closing up the numbering of the rest.
        private static TemplateMessageFields Normalize(TemplateMessageFields fields)
        {
            var f = fields.Clone();
            f.UserId = Trimmed(f.UserId);
            f.TemplateName = Trimmed(f.TemplateName);
            f.Language = Trimmed(f.Language);
            f.Type = Trimmed(f.Type);
            f.MediaUrl = Trimmed(f.MediaUrl);
            f.FileName = Trimmed(f.FileName);
            f.CampaignId = Trimmed(f.CampaignId);
            return f;
        }

        private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        private static void Values(string field, IReadOnlyList<string?>? values, RuleChecker check, string? templateName, bool body)
        {
            if (values is null)
            {
                return;
            }

            for (var i = 0; i < values.Count; i++)
            {
                var value = values[i];
                var name = $"{field}[{i}]";
                if (string.IsNullOrWhiteSpace(value))
                {
                    // WhatsApp refuses a template with an empty variable; the message names the placeholder a user wrote, and
                    // the template, as the pre-flight's rules do.
                    var of = templateName is null ? string.Empty : " of template '" + templateName + "'";
                    check.Add(name, body
                        ? $"is empty; the value for {{{{{i + 1}}}}}{of} must have text, or WhatsApp refuses the template."
                        : $"is empty; every value{of} must have text, or WhatsApp refuses the template.");
                }
                else if (TypeNamePattern.IsMatch(value))
                {
                    // What Export-Csv writes for a list: sending it would put "System.String[]" in front of a customer.
                    check.Add(name, $"is '{RuleChecker.Preview(value!)}', the name PowerShell writes for a list, not a value: the list was lost when it was written to CSV. Send-JelouTemplate's own results keep theirs (as JSON text); for other objects, write the values to columns param1..paramN, or keep them with Export-Clixml.");
                }
                else
                {
                    check.Text(name, value);
                }
            }
        }

        private static TemplateDescriptor? Resolve(TemplateMessageFields f, RuleChecker check)
        {
            var catalog = TemplateMessageDescriptors.Catalog;
            if (f.Type is not null)
            {
                if (catalog.Find(f.Type) is { } named)
                {
                    return named;
                }

                check.Add("type", $"'{RuleChecker.Preview(f.Type)}' is not a template type; use {string.Join(", ", TemplateTypes.All)}.");
                return null;
            }

            if (f.MediaUrl is null)
            {
                return TemplateMessageDescriptors.Text;
            }

            if (catalog.ForUrl(f.MediaUrl) is { } media)
            {
                return media;
            }

            check.Add("type", $"cannot tell the header's media type from '{RuleChecker.Preview(f.MediaUrl)}'; give -Type image, document or video.");
            return null;
        }
    }
}
