using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace Jelou.Credentials
{
    /// <summary>
    /// A Jelou client id and client secret. The secret stays in a <see cref="SecureString"/>; it is turned into
    /// the Basic header only when a client is built, and never appears in <see cref="ToString"/>.
    /// </summary>
    public sealed class JelouCredential
    {
        private readonly SecureString secret;

        /// <summary>Creates a credential; the secret is copied and made read-only.</summary>
        public JelouCredential(string clientId, SecureString clientSecret)
        {
            if (string.IsNullOrWhiteSpace(clientId))
            {
                throw new ArgumentException("The client id is empty.", nameof(clientId));
            }

            if (clientSecret is null || clientSecret.Length == 0)
            {
                throw new ArgumentException("The client secret is empty.", nameof(clientSecret));
            }

            ClientId = clientId;
            secret = clientSecret.Copy();
            secret.MakeReadOnly();
        }

        /// <summary>The client id (not secret).</summary>
        public string ClientId { get; }

        /// <summary>A copy of the secret.</summary>
        public SecureString ClientSecret => secret.Copy();

        /// <summary>Creates a credential from a plain secret, for environment variables and stores.</summary>
        public static JelouCredential FromPlainText(string clientId, string clientSecret)
        {
            using var secure = new SecureString();
            foreach (var c in clientSecret ?? string.Empty)
            {
                secure.AppendChar(c);
            }

            return new JelouCredential(clientId, secure);
        }

        /// <summary>The value of the Authorization header: Basic base64(UTF-8 "clientId:clientSecret").</summary>
        internal string ToBasicParameter()
        {
            var plain = RevealSecret();
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + plain));
        }

        /// <summary>The plain secret, for the few places that must have it (the header, the stores, redaction).</summary>
        internal string RevealSecret()
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }

        /// <summary>Never shows the secret.</summary>
        public override string ToString() => "JelouCredential(ClientId=" + ClientId + ")";
    }
}
