using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>One started vrrp_instance: its runner and network edge, its tracking, its notify scripts.</summary>
public sealed class RunningInstance : IDisposable
{
    private readonly InstanceTracking _tracking;
    private readonly NotifyDispatcher _notify;

    private RunningInstance(VrrpInstanceConfig config, string fingerprint, InstanceRunner runner, InstanceTracking tracking, NotifyDispatcher notify)
    {
        (Config, Fingerprint, Runner, _tracking, _notify) = (config, fingerprint, runner, tracking, notify);
    }

    public VrrpInstanceConfig Config { get; private set; }
    public string Fingerprint { get; private set; }
    public InstanceRunner Runner { get; }

    /// <summary>Opens the instance's sockets and starts it; null (and logged by the caller) when its interface is unusable.</summary>
    public static RunningInstance Start(
        KeepalivedConfig whole, VrrpInstanceConfig config, IPAddress source, LinkInfo link, AgentEdges edges, TrackerSet trackers, ILoggerFactory loggers,
        Action<InstanceRunner, TransitionRecord> onTransition)
    {
        var logger = loggers.CreateLogger("HaCluster.Agent.Vrrp");
        var counters = new InstanceCounters();
        var io = new InstanceIo(config, source, link, edges.Network, edges.Garp, edges.Sockets, counters, logger);
        var tracking = new InstanceTracking(whole, config, trackers);
        var settings = AgentService.SettingsFor(config, source) with { Priority = tracking.EffectivePriority };
        Warmup.Run(settings, AdvertPolicy.From(config, source));
        var runner = new InstanceRunner(config.Name, config.Interface, config.VirtualRouterId, settings, io, counters, logger, edges.Engine) { BasePriority = config.Priority };
        var notify = new NotifyDispatcher("INSTANCE", config.Name, config.Notify, NotifyDispatcher.DefaultTimeout, loggers.CreateLogger("HaCluster.Agent.Notify"));
        runner.Transitioned += (_, t) => notify.Enqueue(t.To, t.Priority);
        runner.Transitioned += onTransition;
        // The current tracking first, then every change, all before Startup in the engine's queue: the instance enters
        // the election knowing its tracking (straight to FAULT if it fails), or waits for a weight-0 script's first result.
        tracking.Subscribe((priority, faulted, pending) => runner.Post(new VrrpEvent.TrackingChanged(priority, faulted, pending)));
        io.StartReceiving(runner.Post);
        runner.Start(link.IsUp);

        return new RunningInstance(config, ConfigDiff.Fingerprint(whole, config), runner, tracking, notify);
    }

    /// <summary>
    /// Whether <paramref name="changed"/> differs from the running config only in its priority and initial state
    /// (which only matters at start); then it is applied in place — no restart, no release, and a transition only if
    /// the election says so. A controller moving <c>state MASTER</c> to the new highest priority lands here too.
    /// </summary>
    public bool TryReconfigureInPlace(KeepalivedConfig config, VrrpInstanceConfig changed)
    {
        if (ConfigDiff.Fingerprint(config, changed with { Priority = Config.Priority, InitialState = Config.InitialState }) != Fingerprint)
        {
            return false;
        }

        Runner.SetBasePriority(changed.Priority);
        _tracking.SetBasePriority(changed.Priority);
        (Config, Fingerprint) = (changed, ConfigDiff.Fingerprint(config, changed));
        return true;
    }

    /// <summary>Releases like keepalived (priority 0, VIPs removed), then lets notify_stop run.</summary>
    public void Dispose()
    {
        _tracking.Dispose();
        Runner.Dispose();
        _notify.Dispose();
    }
}

/// <summary>What every instance shares: the OS edges and the engine thread.</summary>
public sealed record AgentEdges(RtNetlink Network, GarpSender Garp, SocketHub Sockets, VrrpEngine Engine) : IDisposable
{
    public void Dispose()
    {
        Engine.Dispose();
        Sockets.Dispose();
        Garp.Dispose();
        Network.Dispose();
    }
}
