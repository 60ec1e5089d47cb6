using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HaCluster.TestSupport;

/// <summary>
/// A loopback TCP port for a server a test starts (a controller, PostgreSQL, an SMTP sink).
/// </summary>
/// <remarks>
/// Not from the kernel's ephemeral range (what bind to port 0 gives): every outgoing connection of the tests running
/// at the same time takes its source port from that range, and one that lands on the port between this call and the
/// server's bind makes the server fail with "address in use". Below the range no connection is ever given a port; a
/// port is handed out once per test process, and checked free when it is.
/// </remarks>
public static class FreePort
{
    private const int Span = 8000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        var (low, high) = Range();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port in {low}..{high - 1}");
    }

    /// <summary>The <see cref="Span"/> ports just below the ephemeral range (32768 on Linux by default).</summary>
    private static (int Low, int High) Range()
    {
        var ephemeralLow = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            ephemeralLow = int.Parse(text[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux: keep the usual bound.
        }

        var high = Math.Clamp(ephemeralLow, 1024 + Span, 65536);
        return (high - Span, high);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
