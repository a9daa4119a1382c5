using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Jelou.Http;

namespace Jelou.PowerShell
{
    /// <summary>
    /// What the module keeps for the process: one long-lived HTTP client per connection configuration, so a
    /// runbook that calls Send-JelouBotMessage in a loop reuses connections instead of exhausting ports.
    /// </summary>
    internal static class ModuleState
    {
        private static readonly ConcurrentDictionary<string, Lazy<JelouClient>> Clients = new(StringComparer.Ordinal);
        private static RequestDefaults defaults = RequestDefaults.Initial;

        /// <summary>Session-wide defaults set by Set-JelouRequestContext.</summary>
        public static RequestDefaults Defaults
        {
            get => Volatile.Read(ref defaults);
            set => Volatile.Write(ref defaults, value ?? RequestDefaults.Initial);
        }

        public static JelouClient GetClient(JelouClientOptions options)
        {
            var key = ClientKey(options);
            return Clients.GetOrAdd(key, _ => new Lazy<JelouClient>(() => new JelouClient(options))).Value;
        }

        /// <summary>Drops every cached client (on module removal, and when a credential changes).</summary>
        public static void Reset()
        {
            foreach (var client in Clients.Values.Where(c => c.IsValueCreated))
            {
                client.Value.Dispose();
            }

            Clients.Clear();
        }

        private static string ClientKey(JelouClientOptions options)
        {
            // The secret is part of what makes a connection distinct, but only its hash is kept as a key.
            using var sha = SHA256.Create();
            var secretHash = Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(options.Credential.RevealSecret())));
            return string.Join(
                "|",
                options.BaseUri.AbsoluteUri,
                options.Credential.ClientId,
                secretHash,
                options.Proxy?.AbsoluteUri ?? "-",
                options.ProxyCredential?.UserName ?? "-",
                options.ProxyCredential is null ? "-" : Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(options.ProxyCredential.Password ?? string.Empty))),
                options.ProxyUseDefaultCredentials ? "1" : "0",
                options.UserAgentComment ?? "-");
        }
    }
}
