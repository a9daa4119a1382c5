namespace Jelou.Validation
{
    /// <summary>One broken rule: which field, and what is wrong with its value.</summary>
    public sealed class ValidationProblem
    {
        /// <summary>Creates a problem.</summary>
        public ValidationProblem(string field, string message)
        {
            Field = field;
            Message = message;
        }

        /// <summary>The field, as the user named it (for example <c>options[3].title</c>).</summary>
        public string Field { get; }

        /// <summary>What is wrong and which rule applies.</summary>
        public string Message { get; }

        /// <inheritdoc />
        public override string ToString() => Field + ": " + Message;
    }

    /// <summary>Thrown when input breaks documented rules; nothing was sent.</summary>
    public sealed class JelouValidationException : Exception
    {
        /// <summary>Creates the exception from one or more problems.</summary>
        public JelouValidationException(IReadOnlyList<ValidationProblem> problems)
            : base(Describe(problems))
        {
            Problems = problems;
        }

        /// <summary>Creates the exception.</summary>
        public JelouValidationException()
            : this(Array.Empty<ValidationProblem>())
        {
        }

        /// <summary>Creates the exception with a message.</summary>
        public JelouValidationException(string message)
            : base(message) => Problems = Array.Empty<ValidationProblem>();

        /// <summary>Creates the exception with a message and cause.</summary>
        public JelouValidationException(string message, Exception innerException)
            : base(message, innerException) => Problems = Array.Empty<ValidationProblem>();

        /// <summary>Every broken rule.</summary>
        public IReadOnlyList<ValidationProblem> Problems { get; }

        // One sentence per problem: a problem's message may use "; " inside, so joining problems the same way would
        // read as ".; " and run them together.
        private static string Describe(IReadOnlyList<ValidationProblem> problems) =>
            string.Join(" ", (problems ?? throw new ArgumentNullException(nameof(problems))).Select(p => Http.ErrorBodyParser.Sentence(p.ToString())));
    }
}
