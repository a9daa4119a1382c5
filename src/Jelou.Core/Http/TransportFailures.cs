using System.Text;

namespace Jelou.Http
{
    /// <summary>
    /// Turns how a call ended into a <see cref="JelouApiException"/> when it did not end with a 2xx: an error body, a
    /// timeout, a lost connection, a stop. The endpoint supplies its words (<see cref="ApiEndpoint.Text"/>) and its
    /// hints; the transport knows whether any attempt may have reached the server.
    /// </summary>
    internal static class TransportFailures
    {
        /// <summary>The failure an error status means, or null for a 2xx.</summary>
        public static JelouApiException? FromStatus(int status, byte[]? bytes, HttpResponseMessage response, RequestAttempts state, Redactor redactor, SendRequestOptions? options)
        {
            if (status >= 200 && status < 300)
            {
                return null;
            }

            var endpoint = state.Endpoint;
            var failure = ErrorBodyParser.Parse(status, bytes is null ? null : Encoding.UTF8.GetString(bytes), response.Headers.RetryAfter, redactor, DateTimeOffset.UtcNow, options, endpoint);
            if (!endpoint.IsSafe && state.PossiblyDelivered && !failure.PossiblyDelivered)
            {
                // An earlier attempt (retried under -RetryPossiblyDelivered) may have got through.
                failure = new JelouApiException(failure.Kind, failure.Message + endpoint.Text.EarlierAttemptMayHaveDelivered, status)
                {
                    ErrorCode = failure.ErrorCode,
                    ErrorKey = failure.ErrorKey,
                    ApiMessage = failure.ApiMessage,
                    RetryAfter = failure.RetryAfter,
                    PossiblyDelivered = true,
                };
            }

            return failure;
        }

        /// <summary>The failure of a call that got no answer: stopped, timed out, or no connection.</summary>
        public static JelouApiException FromException(Exception? exception, RequestAttempts state, string host, Redactor redactor, CancellationToken cancellationToken)
        {
            var text = state.Endpoint.Text;

            // A safe request changes nothing, so whether it reached the server does not matter to anyone.
            var maybe = !state.Endpoint.IsSafe && state.PossiblyDelivered;
            var fate = maybe
                ? text.MayHaveDelivered
                : state.Attempts == 0 ? text.NothingSent : text.NotDelivered;
            if (cancellationToken.IsCancellationRequested && exception is OperationCanceledException)
            {
                return new JelouApiException(JelouErrorKind.Cancelled, text.Stopped + fate, null, exception) { PossiblyDelivered = maybe };
            }

            switch (exception)
            {
                case AttemptTimeoutException attempt:
                    return new JelouApiException(JelouErrorKind.Timeout, $"No answer from {host} within {ErrorBodyParser.Seconds(attempt.Timeout)} (-TimeoutSec)." + fate + (maybe ? " Raise -TimeoutSec if the API is slow." : string.Empty), null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
                case ConnectTimeoutException connect:
                    return new JelouApiException(JelouErrorKind.Connection, $"Could not connect to {host} within {ErrorBodyParser.Seconds(connect.Timeout)} (-TimeoutSec)." + (maybe ? fate : text.NotSent), null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
                case TotalTimeoutException total:
                    return new JelouApiException(JelouErrorKind.Timeout, $"Gave up after {ErrorBodyParser.Seconds(total.Timeout)}, {text.Budget} ({state.Attempts} attempt(s))." + fate, null, exception)
                    {
                        PossiblyDelivered = maybe,
                    };
            }

            var before = exception is not null && FailedBeforeSending(exception);
            var detail = redactor.Redact(Innermost(exception)?.Message ?? "unknown error");
            return new JelouApiException(JelouErrorKind.Connection, before
                ? $"Could not connect to {host}: {detail}." + (maybe ? fate : text.NotSent)
                : $"The connection to {host} failed after the request was sent: {detail}." + fate, null, exception)
            {
                PossiblyDelivered = maybe,
            };
        }

        public static bool FailedBeforeSending(Exception exception) =>
            exception is RequestNotSentException || FailureClassifier.FailedBeforeSending(exception);

        public static Exception? Innermost(Exception? e)
        {
            while (e?.InnerException is not null)
            {
                e = e.InnerException;
            }

            return e;
        }
    }
}
