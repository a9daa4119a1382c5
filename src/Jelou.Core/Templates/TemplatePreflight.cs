using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Jelou.Http;
using Jelou.Validation;

namespace Jelou.Templates
{
    /// <summary>
    /// Lists a bot's templates whose elementName matches <paramref name="query"/> (null for all of them), every page.
    /// A failure throws its <see cref="JelouApiException"/>.
    /// </summary>
    /// <param name="botId">The bot.</param>
    /// <param name="query">The server's search on elementName, or null.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The templates listed.</returns>
    public delegate Task<IReadOnlyList<JelouTemplate>> TemplateSource(string botId, string? query, CancellationToken cancellationToken);

    /// <summary>
    /// The template pre-flight of a batch (issue 14): before the first request, each row is checked against its
    /// template, so a wrong parameter count or an empty value is found before any message fails.
    /// </summary>
    /// <remarks>
    /// <para>Use one instance per batch (one cmdlet invocation): it lists each (bot, template name) once, with
    /// GET /v1/bots/{botId}/templates?query=name, and keeps the answer for every later row, failures included, so a 403 is
    /// not asked again per row. Safe to call from several threads.</para>
    /// <para>For each row, <see cref="CheckAsync"/> gives a <see cref="TemplateRowCheck"/>:</para>
    /// <list type="bullet">
    /// <item><see cref="TemplateRowCheck.Failure"/> set: the template is missing, not APPROVED, or the listing failed.
    /// Nothing of the batch may be sent; end with a terminating error from
    /// <see cref="TemplateBatchFailure.ToException"/> and <see cref="TemplateBatchFailure.ErrorId"/> (its message names
    /// approved templates with close names, or suggests -SkipTemplateCheck after a 403).</item>
    /// <item><see cref="TemplateRowCheck.Problems"/> not empty: the row breaks a rule (parameter count, empty value, media
    /// URL, authentication limits); report it Skipped with those texts and do not send it.</item>
    /// <item><see cref="TemplateRowCheck.Warnings"/>: checks that could not be made, given once per template; write them.</item>
    /// </list>
    /// <para><see cref="CheckRow"/> applies the row rules alone, to a template already in hand.</para>
    /// </remarks>
    public sealed class TemplatePreflight
    {
        private static readonly Regex UrlLike = new(@"https?://|www\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly TemplateSource source;
        private readonly object gate = new();
        private readonly Dictionary<(string Bot, string? Query), Task<IReadOnlyList<JelouTemplate>>> listings = new();
        private readonly Dictionary<(string Bot, string Name, string Language), Resolution> resolutions = new();
        private int listingCount;

        /// <summary>A pre-flight that lists templates through <paramref name="client"/>.</summary>
        /// <param name="client">The client of the batch.</param>
        /// <param name="options">The batch's request options (retries, timeouts), or null for the client's.</param>
        public TemplatePreflight(JelouClient client, SendRequestOptions? options = null)
        {
            if (client is null)
            {
                throw new ArgumentNullException(nameof(client));
            }

            source = (bot, query, ct) => client.GetTemplatesAsync(bot, query, options: options, cancellationToken: ct);
        }

        /// <summary>A pre-flight that lists templates through <paramref name="source"/>.</summary>
        public TemplatePreflight(TemplateSource source) => this.source = source ?? throw new ArgumentNullException(nameof(source));

        /// <summary>How many listings were requested so far (each walks all its pages).</summary>
        public int Listings => Volatile.Read(ref listingCount);

        /// <summary>Checks one row against its template, listing the template first if this batch has not yet.</summary>
        public async Task<TemplateRowCheck> CheckAsync(TemplateRow row, CancellationToken cancellationToken = default)
        {
            if (row is null)
            {
                throw new ArgumentNullException(nameof(row));
            }

            var key = (row.BotId, row.TemplateName, LanguageKey(row.Language));
            Resolution? resolution;
            bool first = false;
            lock (gate)
            {
                resolutions.TryGetValue(key, out resolution);
            }

            if (resolution is null)
            {
                var resolved = await ResolveAsync(row.BotId, row.TemplateName, row.Language, cancellationToken).ConfigureAwait(false);
                lock (gate)
                {
                    // Two rows resolving at once: the first stored wins, and only its row carries the warnings.
                    if (!resolutions.TryGetValue(key, out resolution))
                    {
                        resolutions[key] = resolution = resolved;
                        first = true;
                    }
                }
            }

            var warnings = first ? resolution.Warnings : Array.Empty<string>();
            if (resolution.Failure is { } failure)
            {
                return new TemplateRowCheck(row.Row, null, failure, Array.Empty<ValidationProblem>(), warnings);
            }

            return new TemplateRowCheck(row.Row, resolution.Template, null, CheckRow(row, resolution.Template!), warnings);
        }

        /// <summary>
        /// The row rules, against a template already found and approved: the body parameter count equals the template's
        /// placeholders (when known); no value is empty or only whitespace; a media template has an HTTPS media URL; an
        /// authentication template carries no URL, emoji or media. Each text starts "Row N: ".
        /// </summary>
        public static IReadOnlyList<ValidationProblem> CheckRow(TemplateRow row, JelouTemplate template)
        {
            if (row is null)
            {
                throw new ArgumentNullException(nameof(row));
            }

            if (template is null)
            {
                throw new ArgumentNullException(nameof(template));
            }

            var problems = new List<ValidationProblem>();
            var at = "Row " + row.Row.ToString(CultureInfo.InvariantCulture) + ": ";
            var name = template.Name;
            if (template.ParameterCount is { } expected && row.Parameters.Count != expected)
            {
                var given = row.Parameters.Count == 0 ? "none" : row.Parameters.Count.ToString(CultureInfo.InvariantCulture);
                problems.Add(new ValidationProblem("Parameter", $"{at}template '{name}' has {DescribeParameters(expected)}; the row gives {given}."));
            }

            for (var i = 0; i < row.Parameters.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(row.Parameters[i]))
                {
                    problems.Add(new ValidationProblem("Parameter", $"{at}parameter {Placeholder(i + 1)} of template '{name}' is empty; WhatsApp rejects an empty value."));
                }
            }

            for (var i = 0; i < row.HeaderParameters.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(row.HeaderParameters[i]))
                {
                    problems.Add(new ValidationProblem("HeaderParameter", $"{at}header parameter {(i + 1).ToString(CultureInfo.InvariantCulture)} of template '{name}' is empty; WhatsApp rejects an empty value."));
                }
            }

            if (template.IsMedia)
            {
                var header = template.HeaderType!;
                var urls = new RuleChecker();
                urls.HttpsUrl("MediaUrl", string.IsNullOrWhiteSpace(row.MediaUrl) ? null : row.MediaUrl!.Trim(), Limits.MediaUrlLength, $"is empty; template '{name}' has {Article(header)} {header} header, so the row needs its media URL (a public HTTPS URL).");
                foreach (var problem in urls.Problems)
                {
                    problems.Add(new ValidationProblem(problem.Field, at + problem.Field + " " + problem.Message));
                }

                if (row.Type is { Length: > 0 } type && !string.Equals(type.Trim(), header, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(new ValidationProblem("Type", $"{at}template '{name}' has {Article(header)} {header} header; the row's type is '{type}'."));
                }
            }

            if (template.IsAuthentication)
            {
                CheckAuthentication(at, name, "parameter ", row.Parameters, i => Placeholder(i + 1), "Parameter", problems);
                CheckAuthentication(at, name, "header parameter ", row.HeaderParameters, i => (i + 1).ToString(CultureInfo.InvariantCulture), "HeaderParameter", problems);
                if (!string.IsNullOrWhiteSpace(row.MediaUrl))
                {
                    problems.Add(new ValidationProblem("MediaUrl", $"{at}template '{name}' is an authentication template; it may not carry media, and the row gives a media URL."));
                }
                else if (row.Type is { Length: > 0 } type && !string.Equals(type.Trim(), "text", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(new ValidationProblem("Type", $"{at}template '{name}' is an authentication template; it may not carry media, and the row's type is '{type}'."));
                }
            }

            return problems;
        }

        /// <summary>
        /// The names among <paramref name="candidates"/> close to <paramref name="name"/>: an edit distance (ignoring case)
        /// of at most a third of the name's length (at least 2), or one name containing the other; closest first.
        /// </summary>
        public static IReadOnlyList<string> CloseNames(string name, IEnumerable<string> candidates, int max = 5)
        {
            if (name is null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            if (candidates is null)
            {
                throw new ArgumentNullException(nameof(candidates));
            }

            var wanted = name.ToUpperInvariant();
            var limit = Math.Max(2, wanted.Length / 3);
            return candidates
                .Where(c => !string.IsNullOrEmpty(c) && !string.Equals(c, name, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Select(c => (Name: c, Upper: c.ToUpperInvariant()))
                .Select(c => (c.Name, Distance: EditDistance(wanted, c.Upper), Contains: c.Upper.Contains(wanted) || (wanted.Length >= 4 && wanted.Contains(c.Upper))))
                .Where(c => c.Distance <= limit || c.Contains)
                .OrderBy(c => c.Distance)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .Take(max)
                .Select(c => c.Name)
                .ToList();
        }

        /// <summary>"2 parameters ({{1}}, {{2}})", "1 parameter ({{1}})", "no parameters".</summary>
        internal static string DescribeParameters(int count)
        {
            if (count == 0)
            {
                return "no parameters";
            }

            var list = string.Join(", ", Enumerable.Range(1, count).Select(Placeholder));
            return count == 1 ? "1 parameter (" + list + ")" : count.ToString(CultureInfo.InvariantCulture) + " parameters (" + list + ")";
        }

        internal static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }

        private static void CheckAuthentication(string at, string name, string what, IReadOnlyList<string?> values, Func<int, string> label, string field, List<ValidationProblem> problems)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is not { Length: > 0 } value)
                {
                    continue;
                }

                var found = UrlLike.IsMatch(value) ? "a URL" : RuleChecker.ContainsEmoji(value) ? "an emoji" : null;
                if (found is not null)
                {
                    problems.Add(new ValidationProblem(field, $"{at}{what}{label(i)} of template '{name}' contains {found}; authentication templates may not contain URLs, emojis or media."));
                }
            }
        }

        private static string Placeholder(int number) => "{{" + number.ToString(CultureInfo.InvariantCulture) + "}}";

        private static string Article(string word) => "AEIOU".IndexOf(char.ToUpperInvariant(word[0])) >= 0 ? "an" : "a";

        private static string LanguageKey(string? language) => string.IsNullOrWhiteSpace(language) ? string.Empty : language!.Trim().Replace('-', '_').ToUpperInvariant();

        private static string Languages(IEnumerable<JelouTemplate> templates) =>
            string.Join(", ", templates.Select(t => t.Language ?? "(no language)").Distinct(StringComparer.OrdinalIgnoreCase));

        private async Task<Resolution> ResolveAsync(string botId, string name, string? language, CancellationToken cancellationToken)
        {
            IReadOnlyList<JelouTemplate> listed;
            try
            {
                listed = await ListAsync(botId, name, cancellationToken).ConfigureAwait(false);
            }
            catch (JelouApiException error)
            {
                return Resolution.Failed(ListingFailure(botId, name, language, error));
            }

            var named = listed.Where(t => string.Equals(t.Name, name, StringComparison.Ordinal)).ToList();
            if (named.Count == 0)
            {
                var close = await CloseApprovedAsync(botId, name, cancellationToken).ConfigureAwait(false);
                return Resolution.Failed(new TemplateBatchFailure(TemplateFailureReason.NotFound, botId, name, language,
                    $"Template '{name}' does not exist for bot '{botId}'. {CloseText(close)}") { CloseNames = close });
            }

            List<JelouTemplate> candidates;
            var languageKey = LanguageKey(language);
            if (languageKey.Length > 0)
            {
                candidates = named.Where(t => LanguageKey(t.Language) == languageKey).ToList();
                if (candidates.Count == 0)
                {
                    return Resolution.Failed(new TemplateBatchFailure(TemplateFailureReason.NotFound, botId, name, language,
                        $"Template '{name}' of bot '{botId}' exists in {Languages(named)} but not in '{language}'. Give one of those languages."));
                }
            }
            else
            {
                candidates = named;
            }

            var approved = candidates.Where(t => t.IsApproved || t.Status is null).ToList();
            if (approved.Count == 0)
            {
                var template = candidates[0];
                var close = await CloseApprovedAsync(botId, name, cancellationToken).ConfigureAwait(false);
                return Resolution.Failed(new TemplateBatchFailure(TemplateFailureReason.NotApproved, botId, name, language,
                    $"Template '{name}'{(template.Language is null ? string.Empty : " (" + template.Language + ")")} of bot '{botId}' is {template.Status}; only APPROVED templates can be sent. {CloseText(close)}")
                {
                    Status = template.Status,
                    CloseNames = close,
                });
            }

            // Without a language the API picks one; that is safe to check only when every approved variant asks the same of a row.
            if (approved.Count > 1 && approved.Select(t => (t.ParameterCount, t.HeaderType, t.IsAuthentication)).Distinct().Count() > 1)
            {
                return Resolution.Failed(new TemplateBatchFailure(TemplateFailureReason.LanguageAmbiguous, botId, name, language,
                    $"Template '{name}' of bot '{botId}' exists in {Languages(approved)}, with different parameters or headers; give the language to send."));
            }

            var chosen = approved[0];
            var warnings = new List<string>();
            var label = "Template '" + name + "'" + (chosen.Language is null ? string.Empty : " (" + chosen.Language + ")");
            if (chosen.Status is null)
            {
                warnings.Add(label + ": the listing does not give its status, so it was not checked to be APPROVED.");
            }

            if (chosen.ParameterCount is null)
            {
                warnings.Add(label + ": the listing gives no placeholder count and its text does not settle one, so the rows' parameter counts are not checked.");
            }

            return new Resolution(chosen, null, warnings);
        }

        private Task<IReadOnlyList<JelouTemplate>> ListAsync(string botId, string? query, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                if (!listings.TryGetValue((botId, query), out var listing))
                {
                    listingCount++;
                    listing = source(botId, query, cancellationToken);
                    listings[(botId, query)] = listing;
                }

                return listing;
            }
        }

        private async Task<IReadOnlyList<string>> CloseApprovedAsync(string botId, string name, CancellationToken cancellationToken)
        {
            // The name's own listing holds only names the server matched; a typo needs the whole list to find its neighbours.
            try
            {
                var all = await ListAsync(botId, null, cancellationToken).ConfigureAwait(false);
                return CloseNames(name, all.Where(t => t.IsApproved).Select(t => t.Name));
            }
            catch (JelouApiException)
            {
                return Array.Empty<string>();
            }
        }

        private static string CloseText(IReadOnlyList<string> close) => close.Count == 0
            ? "No approved template of the bot has a close name (Get-JelouTemplate lists them)."
            : "Approved templates with close names: " + string.Join(", ", close) + ".";

        private static TemplateBatchFailure ListingFailure(string botId, string name, string? language, JelouApiException error)
        {
            if (error.StatusCode == 403 || error.Kind == JelouErrorKind.PermissionDenied)
            {
                return new TemplateBatchFailure(TemplateFailureReason.ListingForbidden, botId, name, language,
                    $"Jelou API answered 403 to the template listing of bot '{botId}', needed to check template '{name}' before sending: this credential may not list templates. If it may still send them, add -SkipTemplateCheck to send without the check.")
                {
                    Error = error,
                };
            }

            var text = new StringBuilder("Could not list the templates of bot '").Append(botId).Append("' to check template '").Append(name).Append("': ")
                .Append(ErrorBodyParser.Sentence(error.Message));
            return new TemplateBatchFailure(TemplateFailureReason.ListingFailed, botId, name, language, text.ToString()) { Error = error };
        }

        private sealed class Resolution
        {
            public Resolution(JelouTemplate? template, TemplateBatchFailure? failure, IReadOnlyList<string> warnings)
            {
                Template = template;
                Failure = failure;
                Warnings = warnings;
            }

            public JelouTemplate? Template { get; }

            public TemplateBatchFailure? Failure { get; }

            public IReadOnlyList<string> Warnings { get; }

            public static Resolution Failed(TemplateBatchFailure failure) => new(null, failure, Array.Empty<string>());
        }
    }
}
