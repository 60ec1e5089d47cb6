using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>One started vrrp_instance: its runner and network edge, its tracking, its notify scripts.</summary>
public sealed class RunningInstance
{
    private readonly InstanceTracking _tracking;
    private readonly NotifyDispatcher _notify;
    private readonly InstanceIo _io;
    private readonly HandoffGuard _guard;
    private readonly IPAddress _source;

    private RunningInstance(InstanceDefinition definition, InstanceRunner runner, InstanceTracking tracking, NotifyDispatcher notify, InstanceIo io, HandoffGuard guard, IPAddress source)
    {
        (Definition, Runner, _tracking, _notify, _io, _guard, _source) = (definition, runner, tracking, notify, io, guard, source);
    }

    /// <summary>What the instance runs: its block and what it depends on (tracked definitions, sync group).</summary>
    public InstanceDefinition Definition { get; private set; }

    public InstanceRunner Runner { get; }

    /// <summary>Opens the instance's socket and starts it.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The socket cannot be opened (the caller reports the instance unusable).</exception>
    public static RunningInstance Start(
        KeepalivedConfig whole, VrrpInstanceConfig config, IPAddress source, LinkInfo link, AgentEdges edges, TrackerSet trackers, ILoggerFactory loggers,
        Action<InstanceRunner, TransitionRecord> onTransition)
    {
        var logger = loggers.CreateLogger("HaCluster.Agent.Vrrp");
        var counters = new InstanceCounters(edges.Time);
        var io = new InstanceIo(config, source, link, edges.Net, counters, logger);
        var tracking = new InstanceTracking(whole, config, trackers, config.Handoff.Maintenance != MaintenanceMode.None);
        var settings = AgentService.SettingsFor(config, source) with { Priority = tracking.EffectivePriority };
        Warmup.Run(settings, AdvertPolicy.From(config, source));
        var runner = new InstanceRunner(config.Name, config.Interface, config.VirtualRouterId, settings, io, counters, logger, edges.Engine) { BasePriority = config.Priority };
        var notify = new NotifyDispatcher("INSTANCE", config.Name, config.Notify, NotifyDispatcher.DefaultTimeout, edges.Tracking.Scripts, loggers.CreateLogger("HaCluster.Agent.Notify"));
        runner.Explain = () => tracking.Breakdown;
        runner.Transitioned += (_, t) => notify.Enqueue(t.To, t.Priority);
        runner.Transitioned += onTransition;
        // The current tracking first, then every change, all before Startup in the engine's queue: the instance enters
        // the election knowing its tracking (straight to FAULT if it fails), or waits for a weight-0 script's first result.
        tracking.Subscribe((priority, faulted, pending) => runner.Post(new VrrpEvent.TrackingChanged(priority, faulted, pending)));
        io.StartReceiving(runner.Post);
        runner.Start(link.IsUp);

        var guard = new HandoffGuard(config.Name, [.. config.VirtualIps.Select(v => v.Address)], logger);
        return new RunningInstance(InstanceDefinition.Of(whole, config), runner, tracking, notify, io, guard, source);
    }

    /// <summary>
    /// Whether <paramref name="changed"/> differs from the running definition only in its priority, its initial state
    /// (which only matters at start), its authentication (password, HMAC keys and mode) and its handoff (chosen master,
    /// linger, maintenance); then it is applied in place —
    /// no restart, no release, and a transition only if the election says so. A controller moving <c>state MASTER</c>
    /// to the new highest priority, rotating a group's HMAC key or moving it from PASS to HMAC lands here too.
    /// </summary>
    public bool TryReconfigureInPlace(InstanceDefinition changed)
    {
        var running = Definition.Instance;
        var same = changed.Instance with
        {
            Priority = running.Priority,
            InitialState = running.InitialState,
            AuthType = running.AuthType,
            AuthPass = running.AuthPass,
            Hmac = running.Hmac,
            Handoff = running.Handoff,
        };
        if (changed.WithInstance(same) != Definition)
        {
            return false;
        }

        if (changed.Instance.AuthType != running.AuthType || changed.Instance.AuthPass != running.AuthPass || changed.Instance.Hmac != running.Hmac)
        {
            _io.SetAuthentication(changed.Instance);
        }

        Runner.SetBasePriority(changed.Instance.Priority);
        // The priority first: a switchover's target takes over advertising the priority that keeps it master.
        _tracking.SetBasePriority(changed.Instance.Priority, changed.Instance.Handoff.Maintenance != MaintenanceMode.None);
        if (changed.Instance.Handoff != running.Handoff)
        {
            // Chosen now, and about to take over: the TCP guard first, so that no client's connection to the old
            // master is reset here once the GARPs have moved it.
            if (_source.Equals(changed.Instance.Handoff.Primary) && !_source.Equals(running.Handoff.Primary) && Runner.State.State == Shared.Vocabulary.VrrpState.Backup)
            {
                _guard.Protect(changed.Instance.Handoff.Linger);
            }

            Runner.Post(new VrrpEvent.HandoffChanged(changed.Instance.Handoff));
        }

        Definition = changed;
        return true;
    }

    /// <summary>
    /// Releases like keepalived (priority 0, VIPs removed; waits for the engine to have done it), then lets notify_stop
    /// run: the returned task ends when the last notify script has. Call it outside any lock.
    /// </summary>
    public Task Stop()
    {
        _guard.Remove();
        _tracking.Dispose();
        Runner.Dispose();
        return _notify.Complete();
    }
}
