using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;

namespace Jelou.Http
{
    /// <summary>
    /// Decides whether a transport failure happened before the request left this machine (safe to retry) or
    /// after (the server may have acted on it).
    /// </summary>
    internal static class FailureClassifier
    {
        // HttpRequestException.HttpRequestError exists from .NET 8 (PowerShell 7.4+); netstandard2.0 cannot name it,
        // so it is read by reflection when the runtime has it. Values: NameResolutionError=1, ConnectionError=2,
        // SecureConnectionError=3, ExtendedConnectNotSupported=5, VersionNegotiationError=6,
        // UserAuthenticationError=7, ProxyTunnelError=8.
        private static readonly PropertyInfo? HttpRequestErrorProperty = typeof(HttpRequestException).GetProperty("HttpRequestError");
        private static readonly HashSet<int> PreSendErrors = new() { 1, 2, 3, 5, 6, 7, 8 };

        public static bool FailedBeforeSending(Exception exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is HttpRequestException && HttpRequestErrorProperty?.GetValue(e) is Enum error)
                {
                    var value = Convert.ToInt32(error, System.Globalization.CultureInfo.InvariantCulture);
                    if (value != 0)
                    {
                        return PreSendErrors.Contains(value);
                    }
                }

                if (e is SocketException socket)
                {
                    return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                        or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData or SocketError.AddressNotAvailable;
                }

                if (e is AuthenticationException)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
