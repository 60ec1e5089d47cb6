using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// Everything the instances act through — netlink, gratuitous ARP, the VRRP sockets, the script runner, the clock —
/// and the engine thread they share. Composed here and nowhere else: <see cref="System"/> for the real machine,
/// fakes in the unit tests.
/// </summary>
public sealed record AgentEdges(NetworkEdges Net, TrackingEdges Tracking, VrrpEngine Engine) : IDisposable
{
    public INetworkControl Network => Net.Network;

    public TimeProvider Time => Net.Time;

    /// <summary>The scheduling of the VRRP threads (real-time on the real machine; nothing asked in unit tests).</summary>
    public IVrrpThreads Threads { get; init; } = NormalThreads.Instance;

    /// <summary>The real edges: rtnetlink, AF_PACKET, raw protocol-112 sockets, /bin/sh, the system clock.</summary>
    public static AgentEdges System(ILoggerFactory loggers)
    {
        var time = TimeProvider.System;
        var network = new RtNetlink();
        var threads = new RealtimeThreads(loggers.CreateLogger("HaCluster.Agent.Net"));
        // The engine sleeps on the VRRP sockets too, and reads them itself: one real-time thread does all of VRRP.
        var poller = new PollWait();
        var sockets = new SocketHub(loggers.CreateLogger("HaCluster.Agent.Net"), time, threads: threads, poller: poller);
        var net = new NetworkEdges(network, new GarpSender(), sockets, time);
        var tracking = new TrackingEdges(ShellScript.Instance, time, name => network.GetLink(name)?.IsUp ?? false);
        return new AgentEdges(net, tracking, new VrrpEngine(time, poller, threads)) { Threads = threads };
    }

    public void Dispose()
    {
        Engine.Dispose();
        Net.Sockets.Dispose();
        (Net.Garp as IDisposable)?.Dispose();
        (Net.Network as IDisposable)?.Dispose();
        (Threads as IDisposable)?.Dispose();
    }
}
