using Jelou.Http;
using Jelou.Validation;

namespace Jelou.Templates
{
    /// <summary>Why a batch cannot be sent at all: every row would fail the same way.</summary>
    public enum TemplateFailureReason
    {
        /// <summary>No template of that name (or not in the language asked for).</summary>
        NotFound,

        /// <summary>The template exists but is not APPROVED (PENDING, REJECTED, ...).</summary>
        NotApproved,

        /// <summary>No language was given and the template's languages differ in what a row must give.</summary>
        LanguageAmbiguous,

        /// <summary>The listing answered 403: this credential may not list templates (-SkipTemplateCheck sends unchecked).</summary>
        ListingForbidden,

        /// <summary>The listing failed otherwise (see <see cref="TemplateBatchFailure.Error"/>).</summary>
        ListingFailed,
    }

    /// <summary>
    /// A template that stops the whole batch before its first message: missing, not approved, or not listable. The
    /// cmdlet turns it into a terminating error (<see cref="ToException"/>, <see cref="ErrorId"/>).
    /// </summary>
    public sealed class TemplateBatchFailure
    {
        internal TemplateBatchFailure(TemplateFailureReason reason, string botId, string templateName, string? language, string message)
        {
            Reason = reason;
            BotId = botId;
            TemplateName = templateName;
            Language = language;
            Message = message;
        }

        /// <summary>What is wrong.</summary>
        public TemplateFailureReason Reason { get; }

        /// <summary>The bot.</summary>
        public string BotId { get; }

        /// <summary>The template name the rows asked for.</summary>
        public string TemplateName { get; }

        /// <summary>The language the rows asked for, or null.</summary>
        public string? Language { get; }

        /// <summary>The template's status, for <see cref="TemplateFailureReason.NotApproved"/>.</summary>
        public string? Status { get; internal set; }

        /// <summary>Approved templates of the bot whose names are close to <see cref="TemplateName"/>, closest first.</summary>
        public IReadOnlyList<string> CloseNames { get; internal set; } = Array.Empty<string>();

        /// <summary>The listing's failure, for <see cref="TemplateFailureReason.ListingForbidden"/> and <see cref="TemplateFailureReason.ListingFailed"/>.</summary>
        public JelouApiException? Error { get; internal set; }

        /// <summary>The whole explanation, close names and advice included.</summary>
        public string Message { get; }

        /// <summary>A stable id for the error record: TemplateNotFound, TemplateNotApproved, ...</summary>
        public string ErrorId => Reason switch
        {
            TemplateFailureReason.NotFound => "TemplateNotFound",
            TemplateFailureReason.NotApproved => "TemplateNotApproved",
            TemplateFailureReason.LanguageAmbiguous => "TemplateLanguageAmbiguous",
            TemplateFailureReason.ListingForbidden => "TemplateListingForbidden",
            _ => "TemplateListingFailed",
        };

        /// <summary>The failure as an exception, for an error record.</summary>
        public TemplateCheckException ToException() => new(this);

        /// <inheritdoc />
        public override string ToString() => Message;
    }

    /// <summary>A <see cref="TemplateBatchFailure"/> thrown or recorded as an error.</summary>
    public sealed class TemplateCheckException : Exception
    {
        /// <summary>Creates the exception for a failure.</summary>
        public TemplateCheckException(TemplateBatchFailure failure)
            : base((failure ?? throw new ArgumentNullException(nameof(failure))).Message, failure.Error) => Failure = failure;

        /// <summary>Creates the exception for a failure, with a message that says more (what was sent before it).</summary>
        public TemplateCheckException(TemplateBatchFailure failure, string message)
            : base(message, (failure ?? throw new ArgumentNullException(nameof(failure))).Error) => Failure = failure;

        /// <summary>Creates the exception.</summary>
        public TemplateCheckException()
        {
        }

        /// <summary>Creates the exception with a message.</summary>
        public TemplateCheckException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and cause.</summary>
        public TemplateCheckException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>The failure; null only for an exception made from a bare message.</summary>
        public TemplateBatchFailure? Failure { get; }
    }

    /// <summary>What the pre-flight says about one row.</summary>
    public sealed class TemplateRowCheck
    {
        internal TemplateRowCheck(long row, JelouTemplate? template, TemplateBatchFailure? failure, IReadOnlyList<ValidationProblem> problems, IReadOnlyList<string> warnings)
        {
            Row = row;
            Template = template;
            Failure = failure;
            Problems = problems;
            Warnings = warnings;
        }

        /// <summary>The row's number.</summary>
        public long Row { get; }

        /// <summary>The template the row was checked against; null when <see cref="Failure"/> is set.</summary>
        public JelouTemplate? Template { get; }

        /// <summary>Set when the template stops the whole batch: send nothing, and end with a terminating error.</summary>
        public TemplateBatchFailure? Failure { get; }

        /// <summary>The row's broken rules, each text starting "Row N: ": the row is Skipped, never sent.</summary>
        public IReadOnlyList<ValidationProblem> Problems { get; }

        /// <summary>
        /// Checks that could not be made (the template's placeholder count is unknown, its status is not listed). Given
        /// once per template and language in a batch, with the first row that uses it; write them as warnings.
        /// </summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>True when the row may be sent: no batch failure and no problem.</summary>
        public bool Passed => Failure is null && Problems.Count == 0;
    }
}
