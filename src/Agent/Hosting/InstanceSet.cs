using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// The instances the agent runs, with their tracking and sync groups. <see cref="Apply"/> moves from one valid
/// config to the next touching only what changed: the one path for start, SIGHUP and a pushed config. Its lock only
/// guards the bookkeeping: instances are released, and notify scripts run, outside it, so a slow release or a hung
/// notify script never holds up metrics, status, link events or the next change.
/// </summary>
public sealed partial class InstanceSet : IDisposable
{
    private readonly Dictionary<string, RunningInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<VrrpInstanceConfig> _waiting = [];
    private readonly List<(SyncGroup Group, NotifyDispatcher Notify)> _groups = [];
    private readonly List<Task> _draining = [];
    private readonly Lock _lock = new();
    private readonly AgentEdges _edges;
    private readonly TrackerSet _trackers;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private KeepalivedConfig _config = new(new GlobalDefs(), []);

    public InstanceSet(AgentEdges edges, ILoggerFactory loggers)
    {
        (_edges, _loggers) = (edges, loggers);
        _trackers = new TrackerSet(edges.Tracking, loggers);
        _logger = loggers.CreateLogger("HaCluster.Agent");
    }

    /// <summary>Raised on the engine thread after any instance's state change; handlers must only queue work.</summary>
    public event Action<InstanceRunner, TransitionRecord>? Transitioned;

    public IReadOnlyList<InstanceRunner> Runners
    {
        get
        {
            lock (_lock)
            {
                return [.. _instances.Values.Select(i => i.Runner)];
            }
        }
    }

    public KeepalivedConfig Config
    {
        get
        {
            lock (_lock)
            {
                return _config;
            }
        }
    }

    /// <summary>Starts, stops or reconfigures instances so that <paramref name="next"/> (valid) runs; unchanged ones are not touched.</summary>
    /// <remarks>Calls are serialised by the caller (one change at a time: start, reload or push).</remarks>
    public ConfigDiff Apply(KeepalivedConfig next)
    {
        var diff = ConfigDiff.Between(Config, next);
        // Before any instance starts: a sub-second instance's first deadline already runs real-time.
        _edges.Threads.Apply(RealtimePolicy.Of(next));
        using var keep = _trackers.Pin();
        List<RunningInstance> stopping;
        HashSet<string> restart;
        lock (_lock)
        {
            RetireGroups();
            var inPlace = diff.Changed.Where(n => _instances.TryGetValue(n, out var running)
                && running.TryReconfigureInPlace(InstanceDefinition.Of(next, next.Instances.First(i => i.Name == n)))).ToHashSet();
            restart = [.. diff.Changed.Where(n => !inPlace.Contains(n)), .. diff.Added];
            stopping = [.. diff.Changed.Where(n => !inPlace.Contains(n)).Concat(diff.Removed).Select(Take).OfType<RunningInstance>()];
            _waiting.RemoveAll(w => !diff.Unchanged.Contains(w.Name));
            _config = next;
        }

        // Released before their successors start: a changed instance's VIPs and socket are free for the new one.
        Release(stopping);
        var added = next with { Instances = [.. next.Instances.Where(i => diff.Added.Contains(i.Name))] };
        StaleAddresses.Remove(added, _edges.Network, _logger);
        lock (_lock)
        {
            foreach (var instance in next.Instances.Where(i => restart.Contains(i.Name)))
            {
                StartInstance(instance);
            }

            BuildSyncGroups();
        }

        return diff;
    }

    public void OnLinkChanged(LinkInfo link, bool up)
    {
        lock (_lock)
        {
            _trackers.OnLinkChanged(link.Name, up);
            foreach (var instance in _instances.Values)
            {
                if (instance.Runner.Interface == link.Name)
                {
                    instance.Runner.Post(new VrrpEvent.InterfaceChanged(up));
                }
            }

            var ready = _waiting.Where(i => i.Interface == link.Name).ToList();
            if (ready.Count > 0)
            {
                _waiting.RemoveAll(ready.Contains);
                RetireGroups();
                ready.ForEach(StartInstance);
                BuildSyncGroups();
            }
        }
    }

    public string Metrics()
    {
        lock (_lock)
        {
            return MetricsText.Render(_instances.Values.Select(i => i.Runner), _trackers.Scripts, _edges.Net.Sockets.ReceiveErrors);
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) for the notify scripts of retired instances and groups to finish.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        Task[] draining;
        lock (_lock)
        {
            draining = [.. _draining];
            _draining.Clear();
        }

        await Task.WhenAll(draining).WaitAsync(timeout, _edges.Time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Releases every instance like keepalived on SIGTERM (priority 0, VIPs removed), all at once.</summary>
    public void Dispose()
    {
        List<RunningInstance> stopping;
        lock (_lock)
        {
            RetireGroups();
            stopping = [.. _instances.Values];
            _instances.Clear();
        }

        Release(stopping);
        _trackers.Dispose();
    }

    private RunningInstance? Take(string name) => _instances.Remove(name, out var running) ? running : null;

    private void Release(List<RunningInstance> stopping)
    {
        var notifies = new Task[stopping.Count];
        Parallel.For(0, stopping.Count, i => notifies[i] = stopping[i].Stop());
        lock (_lock)
        {
            _draining.RemoveAll(t => t.IsCompleted);
            _draining.AddRange(notifies.Where(t => !t.IsCompleted));
        }
    }

    private void StartInstance(VrrpInstanceConfig instance)
    {
        var link = _edges.Network.GetLink(instance.Interface);
        var source = instance.UnicastSourceIp ?? PrimaryAddress(link, instance);
        if (link is null || source is null)
        {
            // FAULT until the interface shows up with an address: the link monitor retries then.
            HostingLog.InstanceUnusable(_logger, instance.Name, link is null ? $"interface {instance.Interface} not found" : $"no IPv4 address on {instance.Interface}");
            _waiting.Add(instance);
            return;
        }

        try
        {
            _instances[instance.Name] = RunningInstance.Start(_config, instance, source, link, _edges, _trackers, _loggers, OnTransition);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            HostingLog.InstanceUnusable(_logger, instance.Name, $"cannot open its VRRP socket on {instance.Interface} from {source}: {e.Message}");
            _waiting.Add(instance);
        }
    }

    private void OnTransition(InstanceRunner runner, TransitionRecord transition) => Transitioned?.Invoke(runner, transition);

    private void BuildSyncGroups()
    {
        foreach (var config in _config.SyncGroups)
        {
            var members = config.Instances.Where(_instances.ContainsKey).Select(n => _instances[n].Runner).ToList();
            var group = new SyncGroup(config, members);
            var notify = new NotifyDispatcher("GROUP", config.Name, config.Notify, NotifyDispatcher.DefaultTimeout, _edges.Tracking.Scripts, _loggers.CreateLogger("HaCluster.Agent.Notify"));
            group.Transitioned += (_, t) => notify.Enqueue(t.To, t.Priority);
            _groups.Add((group, notify));
        }
    }

    /// <summary>Unhooks the sync groups; their notify scripts still queued run on, and are waited for at shutdown.</summary>
    private void RetireGroups()
    {
        foreach (var (group, notify) in _groups)
        {
            group.Dispose();
            _draining.Add(notify.Complete());
        }

        _groups.Clear();
        _draining.RemoveAll(t => t.IsCompleted);
    }

    private IPAddress? PrimaryAddress(LinkInfo? link, VrrpInstanceConfig instance) =>
        link is null ? null : _edges.Network.GetAddresses()
            .Where(a => a.InterfaceIndex == link.Index && !instance.VirtualIps.Any(v => v.Address.Equals(a.Address)))
            .Select(a => a.Address).FirstOrDefault();
}
