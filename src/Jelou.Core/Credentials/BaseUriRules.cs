using Jelou.Http;

namespace Jelou.Credentials
{
    /// <summary>The checks a base URI passes before it is kept in a profile or taken from the environment.</summary>
    internal static class BaseUriRules
    {
        /// <summary>Null stays null; anything else must be usable by <see cref="JelouClient"/>.</summary>
        public static Uri? ForProfile(Uri? baseUri, string parameterName)
        {
            if (baseUri is null)
            {
                return null;
            }

            // A URI such as https://id:secret@host would put a secret into listings and messages, so it is refused
            // without being echoed.
            if (baseUri.IsAbsoluteUri && !string.IsNullOrEmpty(baseUri.UserInfo))
            {
                throw new ArgumentException("The base URI must not contain a user name or password; give the client id and secret as the credential instead.", parameterName);
            }

            return JelouClientOptions.ValidateBaseUri(baseUri);
        }

        /// <summary>Parses and checks a base URI read from a variable or a file, naming where it came from on failure.</summary>
        public static Uri Parse(string text, string origin, CredentialErrorReason reason, string? path)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            {
                throw new JelouCredentialException(reason, $"{origin} is not an absolute URI. Use a value such as https://api.jelou.ai.", path);
            }

            try
            {
                return ForProfile(uri, "baseUri")!;
            }
            catch (ArgumentException ex)
            {
                // The ArgumentException text is ours and names only the URI; the parameter suffix is noise here.
                var detail = ex.Message;
                var suffix = detail.IndexOf(" (Parameter", StringComparison.Ordinal);
                if (suffix < 0)
                {
                    suffix = detail.IndexOf("\r\nParameter name", StringComparison.Ordinal);
                }

                throw new JelouCredentialException(reason, $"{origin} cannot be used: {(suffix < 0 ? detail : detail.Substring(0, suffix))}", path);
            }
        }
    }
}
