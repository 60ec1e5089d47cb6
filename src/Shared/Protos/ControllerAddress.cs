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

    public static GrpcChannel OpenChannel(Uri address, ControllerTls tls) =>
        GrpcChannel.ForAddress(BaseAddress(address), new GrpcChannelOptions { HttpHandler = Handler(address, tls) });

    /// <summary>
    /// The controller's REST API at the same address, over HTTP/2 (the gRPC endpoint speaks only that): for the routes
    /// that have no gRPC method (sign-in, users, API keys, audit).
    /// </summary>
    public static HttpClient OpenHttpClient(Uri address, ControllerTls tls) =>
        new(Handler(address, tls))
        {
            BaseAddress = BaseAddress(address),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };

    // A Unix socket is reached by TLS over the socket, to the name every controller certificate carries.
    private static Uri BaseAddress(Uri address) => address.Scheme == "unix" ? new Uri("https://localhost") : address;

    private static SocketsHttpHandler Handler(Uri address, ControllerTls tls)
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
            return handler;
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
        return handler;
    }

    public static string Display(Uri address) => address.Scheme == "unix" ? "unix:" + address.AbsolutePath : address.ToString();
}
