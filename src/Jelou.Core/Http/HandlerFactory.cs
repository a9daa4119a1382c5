using System.Net;
using System.Security.Authentication;

namespace Jelou.Http
{
    /// <summary>The handler a client makes for itself: TLS 1.2/1.3, no redirects, no cookies, the proxy of its options.</summary>
    internal static class HandlerFactory
    {
        public static HttpMessageHandler Create(JelouClientOptions options)
        {
            var handler = new HttpClientHandler
            {
                // Set per handler, never on ServicePointManager: Windows PowerShell 5.1 on older .NET Framework
                // defaults would otherwise offer TLS 1.0, and changing the process-wide setting affects other modules.
                SslProtocols = SupportedTls,
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = 256,
                UseCookies = false,
            };
            if (options.Proxy is not null)
            {
                handler.UseProxy = true;
                // UseDefaultCredentials first: its setter resets Credentials on .NET, which would drop -ProxyCredential.
                var proxy = new WebProxy(options.Proxy) { UseDefaultCredentials = options.ProxyUseDefaultCredentials };
                if (!options.ProxyUseDefaultCredentials && options.ProxyCredential is not null)
                {
                    proxy.Credentials = options.ProxyCredential;
                }

                handler.Proxy = proxy;
            }
            else if (options.ProxyUseDefaultCredentials)
            {
                handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
            }
            else if (options.ProxyCredential is not null)
            {
                handler.DefaultProxyCredentials = options.ProxyCredential;
            }

            return handler;
        }

        // TLS 1.3 is 12288; .NET Framework before 4.8 has no such value and may refuse it, so it is added only where
        // the runtime defines it.
        private static SslProtocols SupportedTls { get; } =
            Enum.IsDefined(typeof(SslProtocols), 12288) ? SslProtocols.Tls12 | (SslProtocols)12288 : SslProtocols.Tls12;
    }
}
