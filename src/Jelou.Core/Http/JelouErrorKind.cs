namespace Jelou.Http
{
    /// <summary>What kind of failure a send met; the cmdlets map each to a PowerShell ErrorCategory.</summary>
    public enum JelouErrorKind
    {
        /// <summary>No error.</summary>
        None = 0,

        /// <summary>The input broke a documented rule; nothing was sent.</summary>
        InvalidInput,

        /// <summary>401: the client id or secret was rejected.</summary>
        Authentication,

        /// <summary>403: this account may not use the bot.</summary>
        PermissionDenied,

        /// <summary>404: the bot or room does not exist for this account.</summary>
        NotFound,

        /// <summary>400 or 422: the API rejected the message.</summary>
        InvalidRequest,

        /// <summary>429: too many requests, and retries did not get through.</summary>
        RateLimited,

        /// <summary>5xx: the API failed.</summary>
        ServerError,

        /// <summary>No answer in time.</summary>
        Timeout,

        /// <summary>The connection could not be made or was lost.</summary>
        Connection,

        /// <summary>The user stopped the command.</summary>
        Cancelled,

        /// <summary>Anything else, such as an unexpected answer.</summary>
        Unexpected,
    }
}
