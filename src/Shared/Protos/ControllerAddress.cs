using System.Net.Sockets;
using Grpc.Net.Client;
using HaCluster.Shared.Tls;

namespace HaCluster.Contracts;

/// <summary>
/// A controller's gRPC address, as agents and the dashboard give it: <c>https://host:port</c>, or <c>unix:/path/to.sock</c>
/// (a local socket, reachable from any network namespace of the host). Both are TLS: plain <c>http://</c> is refused.
/// </summary>
public static class ControllerAddress
{
    /// <summary>What a refused address is told.</summary>
    public const string Forms = "https://HOST:PORT or unix:/PATH";

    // Find out within seconds that a controller (or the path to it) is gone, not after TCP's minutes.
    private static readonly TimeSpan KeepAlivePing = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static bool TryParse(string text, out Uri uri) => TryParse(text, out uri, out _);

    /// <summary>The address, or why <paramref name="text"/> is none (a plain http:// address says so).</summary>
    public static bool TryParse(string text, out Uri uri, out string problem)
    {
        uri = null!;
        problem = $"'{text}' is not {Forms}";
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

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Host.Length == 0)
        {
            return false;
        }

        if (parsed.Scheme == "http")
        {
            problem = $"'{text}' is plain http: the controller is reached over TLS only ({Forms})";
            return false;
        }

        uri = parsed;
        return parsed.Scheme == "https";
    }

    public static GrpcChannel OpenChannel(Uri address, ControllerTls tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = KeepAlivePing,
            KeepAlivePingTimeout = KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = ConnectTimeout,
            SslOptions = tls.ToSslOptions(),
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
        // TLS over the socket, to the name every controller certificate carries.
        return GrpcChannel.ForAddress("https://localhost", new GrpcChannelOptions { HttpHandler = handler });
    }

    public static string Display(Uri address) => address.Scheme == "unix" ? "unix:" + address.AbsolutePath : address.ToString();
}
