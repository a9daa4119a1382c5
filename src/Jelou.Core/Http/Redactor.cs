using System.Text.RegularExpressions;

namespace Jelou.Http
{
    /// <summary>
    /// Removes secrets from any text that may reach a user: the client secret, the Basic token and any
    /// Authorization header a server echoes back.
    /// </summary>
    internal sealed class Redactor
    {
        internal const string Mask = "***";
        private static readonly Regex AuthorizationPattern = new(@"(?i)(basic|bearer)\s+[A-Za-z0-9+/=._~-]{4,}", RegexOptions.CultureInvariant);
        private readonly string[] secrets;

        public Redactor(params string?[] secrets) =>
            this.secrets = secrets.Where(s => !string.IsNullOrEmpty(s) && s!.Length >= 3).Select(s => s!).OrderByDescending(s => s.Length).ToArray();

        public string Redact(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            foreach (var secret in secrets)
            {
                text = text.Replace(secret, Mask);
            }

            return AuthorizationPattern.Replace(text, m => m.Groups[1].Value + " " + Mask);
        }
    }
}
