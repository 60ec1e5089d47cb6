using System.Net.Sockets;
using Grpc.Net.Client;

namespace HaCluster.Contracts;

/// <summary>
/// A controller's gRPC address, as agents and the dashboard give it: <c>http://host:port</c> (HTTP/2 without TLS), <c>https://host:port</c>, or
/// <c>unix:/path/to.sock</c> (a local socket, reachable from any network namespace of the host).
/// </summary>
public static class ControllerAddress
{
    // Find out within seconds that a controller (or the path to it) is gone, not after TCP's minutes.
    private static readonly TimeSpan KeepAlivePing = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static bool TryParse(string text, out Uri uri)
    {
        uri = null!;
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = text["unix:".Length..].TrimStart('/');
            if (path.Length == 0)
            {
                return false;
            }

            uri = new Uri("unix:/" + path);
            return true;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out uri!) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;
    }

    public static GrpcChannel OpenChannel(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = KeepAlivePing,
            KeepAlivePingTimeout = KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = ConnectTimeout,
        };
        if (address.Scheme != "unix")
        {
            return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
        }

        var socketPath = address.AbsolutePath;
        handler.ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
    }

    public static string Display(Uri address) => address.Scheme == "unix" ? "unix:" + address.AbsolutePath : address.ToString();
}
