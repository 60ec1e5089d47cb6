using System.Net.Sockets;

namespace HaCluster.Controller.Extensions;

/// <summary>
/// Kestrel refuses to listen on a Unix socket path that exists. A socket file left by a controller that was killed
/// is removed at start; one that still answers belongs to a running controller and is left alone (binding then
/// fails with a clear "address already in use").
/// </summary>
internal static partial class UnixSockets
{
    private const string Prefix = "https://unix:";

    public static void RemoveStale(IConfiguration configuration, ILogger logger)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { } url && url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                && url[Prefix.Length..] is var path && File.Exists(path) && !Answers(path))
            {
                File.Delete(path);
                LogStaleRemoved(logger, path);
            }
        }
    }

    private static bool Answers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "removed the stale socket {Path} of an earlier controller")]
    private static partial void LogStaleRemoved(ILogger logger, string path);
}
