using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// The instances the agent runs, with their tracking and sync groups. <see cref="Apply"/> moves from one valid
/// config to the next touching only what changed: the one path for start, SIGHUP and a pushed config.
/// </summary>
public sealed partial class InstanceSet : IDisposable
{
    private readonly Dictionary<string, RunningInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<VrrpInstanceConfig> _waiting = [];
    private readonly List<SyncGroup> _groups = [];
    private readonly Lock _lock = new();
    private readonly AgentEdges _edges;
    private readonly TrackerSet _trackers;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private KeepalivedConfig _config = new(new GlobalDefs(), []);

    public InstanceSet(AgentEdges edges, ILoggerFactory loggers)
    {
        (_edges, _loggers) = (edges, loggers);
        _trackers = new TrackerSet(edges.Network, loggers);
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
    public ConfigDiff Apply(KeepalivedConfig next)
    {
        lock (_lock)
        {
            var diff = ConfigDiff.Between(_config, next);
            using var keep = _trackers.Pin();
            DisposeGroups();
            var inPlace = diff.Changed.Where(n => _instances.TryGetValue(n, out var running)
                && running.TryReconfigureInPlace(next, next.Instances.First(i => i.Name == n))).ToList();
            foreach (var name in diff.Changed.Except(inPlace).Concat(diff.Removed))
            {
                StopInstance(name);
            }

            var added = next with { Instances = [.. next.Instances.Where(i => diff.Added.Contains(i.Name))] };
            StaleAddresses.Remove(added, _edges.Network, _logger);
            _config = next;
            _waiting.RemoveAll(w => !diff.Unchanged.Contains(w.Name));
            foreach (var instance in _config.Instances.Where(i => !diff.Unchanged.Contains(i.Name) && !inPlace.Contains(i.Name)))
            {
                StartInstance(instance);
            }

            BuildSyncGroups();
            return diff;
        }
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
                ready.ForEach(StartInstance);
                DisposeGroups();
                BuildSyncGroups();
            }
        }
    }

    public string Metrics()
    {
        lock (_lock)
        {
            return MetricsText.Render(_instances.Values.Select(i => i.Runner), _trackers.Scripts);
        }
    }

    /// <summary>Releases every instance like keepalived on SIGTERM (priority 0, VIPs removed), all at once.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            DisposeGroups();
            Parallel.ForEach(_instances.Values, instance => instance.Dispose());
            _instances.Clear();
            _trackers.Dispose();
        }
    }

    private void StartInstance(VrrpInstanceConfig instance)
    {
        var link = _edges.Network.GetLink(instance.Interface);
        var source = instance.UnicastSourceIp ?? PrimaryAddress(link, instance);
        if (link is null || source is null)
        {
            // FAULT until the interface shows up with an address: the link monitor retries then.
            LogInstanceFault(instance.Name, link is null ? $"interface {instance.Interface} not found" : $"no IPv4 address on {instance.Interface}");
            _waiting.Add(instance);
            return;
        }

        try
        {
            var running = RunningInstance.Start(_config, instance, source, link, _edges, _trackers, _loggers, OnTransition);
            _instances[instance.Name] = running;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            LogInstanceFault(instance.Name, $"cannot open its VRRP socket on {instance.Interface} from {source}: {e.Message}");
            _waiting.Add(instance);
        }
    }

    private void OnTransition(InstanceRunner runner, TransitionRecord transition) => Transitioned?.Invoke(runner, transition);

    private void StopInstance(string name)
    {
        if (_instances.Remove(name, out var running))
        {
            running.Dispose();
        }
    }

    private void BuildSyncGroups()
    {
        foreach (var group in _config.SyncGroups)
        {
            var members = group.Instances.Where(_instances.ContainsKey).Select(n => _instances[n].Runner).ToList();
            var notify = new NotifyDispatcher("GROUP", group.Name, group.Notify, NotifyDispatcher.DefaultTimeout, _loggers.CreateLogger("HaCluster.Agent.Notify"));
            _groups.Add(new SyncGroup(group, members, notify));
        }
    }

    private void DisposeGroups()
    {
        _groups.ForEach(g => g.Dispose());
        _groups.Clear();
    }

    private IPAddress? PrimaryAddress(LinkInfo? link, VrrpInstanceConfig instance) =>
        link is null ? null : _edges.Network.GetAddresses()
            .Where(a => a.InterfaceIndex == link.Index && !instance.VirtualIps.Any(v => v.Address.Equals(a.Address)))
            .Select(a => a.Address).FirstOrDefault();

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "VRRP transition instance={Instance} from=INIT to=FAULT reason=interface_unusable priority=0 error=\"{Error}\"")]
    private partial void LogInstanceFault(string instance, string error);
}
