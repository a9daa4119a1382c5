using System.Management.Automation;
using Jelou.Http;
using Jelou.Validation;

namespace Jelou.PowerShell
{
    /// <summary>Builds ErrorRecords whose category and id let a script tell failures apart.</summary>
    internal static class ErrorRecords
    {
        public static ErrorCategory CategoryFor(JelouErrorKind kind) => kind switch
        {
            JelouErrorKind.InvalidInput => ErrorCategory.InvalidArgument,
            JelouErrorKind.Authentication => ErrorCategory.AuthenticationError,
            JelouErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            JelouErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            JelouErrorKind.InvalidRequest => ErrorCategory.InvalidArgument,
            JelouErrorKind.RateLimited => ErrorCategory.LimitsExceeded,
            JelouErrorKind.ServerError => ErrorCategory.ResourceUnavailable,
            JelouErrorKind.Timeout => ErrorCategory.OperationTimeout,
            JelouErrorKind.Connection => ErrorCategory.ConnectionError,
            JelouErrorKind.Cancelled => ErrorCategory.OperationStopped,
            _ => ErrorCategory.NotSpecified,
        };

        public static ErrorRecord ForFailure(Exception exception, string errorId, object? target, long? position)
        {
            var category = exception switch
            {
                JelouApiException api => CategoryFor(api.Kind),
                JelouValidationException => ErrorCategory.InvalidArgument,
                ArgumentException => ErrorCategory.InvalidArgument,
                _ => ErrorCategory.NotSpecified,
            };
            var record = new ErrorRecord(exception, errorId, category, target);
            if (position is { } row)
            {
                record.ErrorDetails = new ErrorDetails("Row " + row.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + exception.Message);
            }

            return record;
        }
    }
}
