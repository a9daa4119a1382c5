using System.Globalization;
using System.Net;

namespace Jelou.Http
{
    /// <summary>
    /// A failed call to the Jelou API: HTTP status, Jelou's error code and key, its message and Retry-After.
    /// Built only from redacted text, so it never carries credentials.
    /// </summary>
    public sealed class JelouApiException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public JelouApiException(JelouErrorKind kind, string message, int? statusCode = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Kind = kind;
            StatusCode = statusCode;
        }

        /// <summary>Creates the exception.</summary>
        public JelouApiException()
            : this(JelouErrorKind.Unexpected, "The Jelou API call failed.")
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouApiException(string message)
            : this(JelouErrorKind.Unexpected, message)
        {
        }

        /// <summary>Creates the exception.</summary>
        public JelouApiException(string message, Exception innerException)
            : this(JelouErrorKind.Unexpected, message, null, innerException)
        {
        }

        /// <summary>The kind of failure.</summary>
        public JelouErrorKind Kind { get; }

        /// <summary>HTTP status, when the server answered.</summary>
        public int? StatusCode { get; }

        /// <summary>Jelou's error code (<c>E0422</c>, <c>bot_not_found</c>), when the body had one.</summary>
        public string? ErrorCode { get; init; }

        /// <summary>Jelou's error key (<c>VALIDATOR_ERROR</c>), when the body had one.</summary>
        public string? ErrorKey { get; init; }

        /// <summary>The server's own message, redacted.</summary>
        public string? ApiMessage { get; init; }

        /// <summary>How long the server asked us to wait, when it said.</summary>
        public TimeSpan? RetryAfter { get; init; }

        /// <summary>
        /// True when the request may have reached the server and been acted on (timeout after sending, connection
        /// lost before the answer, 500/502/504): the message may have been delivered.
        /// </summary>
        public bool PossiblyDelivered { get; init; }

        /// <summary>A stable identifier for scripts and ErrorRecords, such as <c>JelouRateLimited</c>.</summary>
        /// <remarks>
        /// Follows from <see cref="Kind"/>, unless an endpoint knows the failure more precisely (JelouTemplateNotFound).
        /// </remarks>
        public string ErrorId
        {
            get => errorId ?? ErrorIdFor(Kind, PossiblyDelivered);
            init => errorId = value;
        }

        private readonly string? errorId;

        /// <summary>True for failures that would fail every further message the same way (bad credentials, wrong bot).</summary>
        public bool IsAccountLevel => Kind is JelouErrorKind.Authentication or JelouErrorKind.PermissionDenied or JelouErrorKind.NotFound;

        /// <summary>The stable identifier for a kind of failure.</summary>
        public static string ErrorIdFor(JelouErrorKind kind, bool possiblyDelivered = false) => possiblyDelivered
            ? "JelouDeliveryUnknown"
            : kind switch
            {
                JelouErrorKind.InvalidInput => "JelouInvalidInput",
                JelouErrorKind.Authentication => "JelouAuthenticationFailed",
                JelouErrorKind.PermissionDenied => "JelouPermissionDenied",
                JelouErrorKind.NotFound => "JelouNotFound",
                JelouErrorKind.InvalidRequest => "JelouInvalidRequest",
                JelouErrorKind.RateLimited => "JelouRateLimited",
                JelouErrorKind.ServerError => "JelouServerError",
                JelouErrorKind.Timeout => "JelouTimeout",
                JelouErrorKind.Connection => "JelouConnectionFailed",
                JelouErrorKind.Cancelled => "JelouCancelled",
                _ => "JelouUnexpectedResponse",
            };

        /// <summary>The kind of failure an HTTP status means.</summary>
        public static JelouErrorKind KindForStatus(int status) => status switch
        {
            401 => JelouErrorKind.Authentication,
            403 => JelouErrorKind.PermissionDenied,
            404 => JelouErrorKind.NotFound,
            400 or 409 or 413 or 415 or 422 => JelouErrorKind.InvalidRequest,
            429 => JelouErrorKind.RateLimited,
            408 => JelouErrorKind.Timeout,
            >= 500 => JelouErrorKind.ServerError,
            _ => JelouErrorKind.Unexpected,
        };

        internal static string Describe(int status) => ((HttpStatusCode)status).ToString() is var name && name != status.ToString(CultureInfo.InvariantCulture)
            ? $"{status} {name}"
            : status.ToString(CultureInfo.InvariantCulture);
    }
}
