using System.Net;
using HaCluster.Agent.Hosting;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Agent.Tests.Fakes;

/// <summary>
/// The agent's edges, all fake — a host with eth0 at 192.0.2.10/24, sockets that record and deliver, scripts that run
/// nothing — on a fake clock, with the real engine thread. Time moves only when a test moves it; <see cref="Advance"/>
/// then waits for the engine to have handled everything due (no sleep).
/// </summary>
internal sealed class FakeHost : IDisposable
{
    public const string Self = "192.0.2.10";
    public const string Peer = "192.0.2.11";
    public static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    public FakeHost()
    {
        Network.Link("lo").Link("eth0").Address("eth0", Self);
        Edges = new AgentEdges(
            new NetworkEdges(Network, Network, Sockets, Time),
            new TrackingEdges(Scripts, Time, Network.IsUp),
            new VrrpEngine(Time))
        { Threads = Threads };
    }

    /// <summary>The scheduling policies applied, in order.</summary>
    public RecordingThreads Threads { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    public FakeNetwork Network { get; } = new();
    public FakeSockets Sockets { get; } = new();
    public FakeScripts Scripts { get; } = new();
    public AgentEdges Edges { get; }

    public static KeepalivedConfig Parse(string text)
    {
        var loaded = KeepalivedConfigLoader.Load([ConfigSource.FromText(text, "test.conf")]);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Errors));
        return loaded.Config;
    }

    /// <summary>One unicast VRRPv2 instance on eth0 from <see cref="Self"/> to <see cref="Peer"/>, holding 192.0.2.100.</summary>
    public static string Instance(string name = "VI_1", int vrid = 27, int priority = 100, string extra = "") => $$"""
        vrrp_instance {{name}} {
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int 1
            unicast_src_ip {{Self}}
            unicast_peer {
                {{Peer}}
            }
            virtual_ipaddress {
                192.0.2.{{vrid + 73}}/32
            }
            {{extra}}
        }

        """;

    /// <summary>Moves the clock, then returns once the engine has handled every deadline that came due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Flush();
    }

    /// <summary>Returns once the engine has handled everything queued so far (a real thread: waited for, not slept on).</summary>
    public void Flush() => Assert.True(Edges.Engine.Flush(TimeSpan.FromSeconds(10)), "the engine did not get through its queue");

    /// <summary>The peer's advert reaches the instance with <paramref name="vrid"/>, then the engine has handled it.</summary>
    public void PeerAdvert(byte priority, int vrid = 27, string from = Peer)
    {
        var vip = IPAddress.Parse($"192.0.2.{vrid + 73}");
        Sockets.Channel(Self).Deliver(IPAddress.Parse(from), new VrrpAdvert(2, (byte)vrid, priority, TimeSpan.FromSeconds(1), [vip]));
        Flush();
    }

    public InstanceSet NewInstanceSet() => new(Edges, NullLoggerFactory.Instance);

    public void Dispose() => Edges.Dispose();
}

/// <summary>The VRRP threads' scheduling, recorded instead of asked of the kernel.</summary>
internal sealed class RecordingThreads : IVrrpThreads
{
    private readonly List<RealtimePolicy> _applied = [];

    public IReadOnlyList<RealtimePolicy> Applied
    {
        get
        {
            lock (_applied)
            {
                return [.. _applied];
            }
        }
    }

    public void Enter()
    {
    }

    public void Leave()
    {
    }

    public void Breathe()
    {
    }

    public void Apply(RealtimePolicy policy)
    {
        lock (_applied)
        {
            _applied.Add(policy);
        }
    }
}
