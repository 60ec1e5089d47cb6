using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HaCluster.TestSupport;

public sealed partial class NetnsLab
{
    public const int ResponderPort = 8080;

    private static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Starts a TCP server on every local address of <paramref name="host"/> (so also on a VIP it later holds)
    /// that answers each connection with the host's name and a newline, then closes. Returns once it listens.</summary>
    public async Task<LabProcess> StartResponderAsync(LabHost host, int port = ResponderPort)
    {
        // -d -d makes socat report "listening on", which tells us the socket is bound.
        var process = Start(host, "socat", ["-d", "-d", $"TCP4-LISTEN:{port},fork,reuseaddr", $"SYSTEM:echo {host.Name}"], $"responder-{host.Name}-{port}");
        if (!await process.WaitForOutputAsync("listening on", TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            throw new InvalidOperationException($"responder on {host} did not start:\n{process.Output}");
        return process;
    }

    /// <summary>Connects from the client to <paramref name="ip"/>:<paramref name="port"/> and returns the answering
    /// host's name, or null when nothing answers within <paramref name="timeout"/> (default 300 ms).</summary>
    public Task<string?> ProbeAsync(IPAddress ip, int port = ResponderPort, TimeSpan? timeout = null) =>
        ProbeAsync(Client, ip, port, timeout);

    /// <summary>Like <see cref="ProbeAsync(IPAddress, int, TimeSpan?)"/> but from <paramref name="from"/>'s namespace.</summary>
    /// <remarks>The socket is created in that namespace on a short-lived thread (setns), so a probe costs no fork.</remarks>
    public async Task<string?> ProbeAsync(LabHost from, IPAddress ip, int port = ResponderPort, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultProbeTimeout);
        using var socket = Native.InNetworkNamespace(from.Namespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, port), cts.Token).ConfigureAwait(false);
            var answer = new StringBuilder();
            var buffer = new byte[256];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false)) > 0)
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var name = answer.ToString().Trim();
            return name.Length > 0 ? name : null;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Probes every ~50 ms until <paramref name="expectedHost"/> answers on <paramref name="ip"/>;
    /// returns how long that took, or null on timeout.</summary>
    public async Task<TimeSpan?> WaitForAnswerAsync(IPAddress ip, string expectedHost, TimeSpan timeout, int port = ResponderPort)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var remaining = timeout - clock.Elapsed;
            var answer = await ProbeAsync(ip, port, remaining < DefaultProbeTimeout ? remaining : DefaultProbeTimeout).ConfigureAwait(false);
            if (answer == expectedHost)
                return clock.Elapsed;
            await Task.Delay(ProbeInterval).ConfigureAwait(false); // waits for the VIP moving between the agents in the namespaces
        }
        return null;
    }

    /// <summary>Starts <c>tcpdump</c> on the host's eth0 writing to <c>{WorkDir}/{name}.pcap</c>; returns once it listens.</summary>
    public async Task<PacketCapture> StartCaptureAsync(LabHost host, string filter = "ip proto 112 or arp", string? name = null)
    {
        name ??= $"capture-{host.Name}";
        var path = Path.Combine(WorkDir, $"{name}.pcap");
        // -Z root: Debian's tcpdump otherwise drops to user tcpdump and cannot write the file;
        // --immediate-mode and -U: every packet reaches the file at once.
        var process = Start(host, "tcpdump", ["-i", host.Interface, "-n", "-U", "--immediate-mode", "-Z", "root", "-w", path, filter], name);
        if (!await process.WaitForOutputAsync("listening on", TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            throw new InvalidOperationException($"tcpdump on {host} did not start:\n{process.Output}");
        return new PacketCapture(process, path);
    }
}
