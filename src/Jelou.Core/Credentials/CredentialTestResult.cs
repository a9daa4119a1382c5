namespace Jelou.Credentials
{
    /// <summary>What Test-JelouCredential found: whether the credential may use a bot, checked without sending anything.</summary>
    public sealed class CredentialTestResult
    {
        /// <summary>Creates a result.</summary>
        public CredentialTestResult(string clientId, string botId, bool valid, int? httpStatus, string? errorId, string? error, Uri baseUri)
        {
            ClientId = clientId;
            BotId = botId;
            Valid = valid;
            HttpStatus = httpStatus;
            ErrorId = errorId;
            Error = error;
            BaseUri = baseUri;
        }

        /// <summary>The client id tested.</summary>
        public string ClientId { get; }

        /// <summary>The bot it was tested against.</summary>
        public string BotId { get; }

        /// <summary>True when the API accepted the credential for the bot.</summary>
        public bool Valid { get; }

        /// <summary>The HTTP status of the check.</summary>
        public int? HttpStatus { get; }

        /// <summary>A stable id for the failure, such as JelouAuthenticationFailed.</summary>
        public string? ErrorId { get; }

        /// <summary>What went wrong.</summary>
        public string? Error { get; }

        /// <summary>The API root the check went to.</summary>
        public Uri BaseUri { get; }
    }
}
