using System.Management.Automation;
using Jelou.Http;
using Jelou.Templates;

namespace Jelou.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists a bot's WhatsApp templates (HSM): name, language, category, status, body and how many parameters each takes.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "JelouTemplate", SupportsPaging = true)]
    [OutputType(typeof(JelouTemplate))]
    public sealed class GetJelouTemplateCommand : JelouApiCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new();

        /// <summary>The bot whose templates to list.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bot_id", "Bot")]
        [ValidateNotNullOrEmpty]
        public string BotId { get; set; } = string.Empty;

        /// <summary>The template name (elementName); wildcards allowed, matched on our side after the server's search.</summary>
        [Parameter(Position = 1)]
        [Alias("TemplateName", "ElementName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        [PSDefaultValue(Help = "None (all)")]
        public string? Name { get; set; }

        /// <summary>Only templates of this status.</summary>
        [Parameter]
        [ValidateSet("APPROVED", "PENDING", "REJECTED", "DELETED", "DISABLED", IgnoreCase = true)]
        [PSDefaultValue(Help = "None (every status)")]
        public string? Status { get; set; }

        /// <summary>Only templates of this category.</summary>
        [Parameter]
        [ValidateSet("UTILITY", "MARKETING", "AUTHENTICATION", IgnoreCase = true)]
        [PSDefaultValue(Help = "None (every category)")]
        public string? Category { get; set; }

        /// <inheritdoc />
        public void Dispose() => cancellation.Dispose();

        /// <summary>Lists the templates, page by page.</summary>
        protected override void ProcessRecord()
        {
            var client = CreateClient();
            var options = new SendRequestOptions { Retry = CreateRetrySettings() };
            var status = Status?.ToUpperInvariant();
            var category = Category?.ToUpperInvariant();
            var pattern = Name is null ? null : WildcardPattern.Get(Name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            var endpoint = new TemplateListEndpoint(BotId, ServerQuery(Name), status, category);

            // The server's search and filters narrow what it sends; the same tests are made here, so a server that
            // ignores a filter, or whose search is looser than a wildcard, still gives only what was asked for.
            bool Wanted(JelouTemplate t) =>
                (pattern is null || pattern.IsMatch(t.Name))
                && (status is null || string.Equals(t.Status, status, StringComparison.OrdinalIgnoreCase))
                && (category is null || string.Equals(t.Category, category, StringComparison.OrdinalIgnoreCase));

            var paging = PagingParameters;
            var skip = paging?.Skip ?? 0;
            ulong? first = paging is null || paging.First == ulong.MaxValue ? null : paging.First;

            // -Skip and -First count the templates written, after the filtering above, so the pager's window is left
            // open except to stop it early: it then never asks for a page past the last template wanted.
            var window = new PageWindow(0, first is { } f && skip <= ulong.MaxValue - f ? skip + f : null);
            var pager = new Pager<JelouTemplate>(client, endpoint, window, options);
            try
            {
                if (paging?.IncludeTotalCount == true)
                {
                    var total = pager.ReadTotalAsync(cancellation.Token).GetAwaiter().GetResult();
                    var exact = pattern is null && ServerQuery(Name) is null && total is not null;
                    WriteObject(exact ? paging.NewTotalCount((ulong)total!.Value, 1.0) : paging.NewTotalCount((ulong)(total ?? 0), 0.0));
                }

                ulong written = 0;
                while ((first is null || written < first) && pager.MoveNextAsync(cancellation.Token).GetAwaiter().GetResult())
                {
                    if (!Wanted(pager.Current))
                    {
                        continue;
                    }

                    if (skip > 0)
                    {
                        skip--;
                        continue;
                    }

                    WriteObject(pager.Current);
                    written++;
                }
            }
            catch (JelouApiException error)
            {
                ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorRecords.CategoryFor(error.Kind), BotId));
            }
        }

        /// <summary>Stops the listing (Ctrl+C).</summary>
        protected override void StopProcessing() => cancellation.Cancel();

        /// <summary>
        /// What to ask the server's search for a -Name: its literal start, up to the first wildcard. The server's search
        /// is a substring or prefix match (not documented which), and the start narrows either way; a pattern that
        /// starts with a wildcard asks for everything.
        /// </summary>
        internal static string? ServerQuery(string? name)
        {
            if (name is null)
            {
                return null;
            }

            var end = name.IndexOfAny(new[] { '*', '?', '[', '`' });
            var literal = end < 0 ? name : name.Substring(0, end);
            return literal.Length == 0 ? null : literal;
        }
    }
}
