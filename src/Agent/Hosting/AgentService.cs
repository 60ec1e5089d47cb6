using System.Net;
using System.Runtime.InteropServices;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>The running agent: instances, tracking, sync groups, link events, metrics, and reload on SIGHUP.</summary>
public sealed partial class AgentService(AgentOptions options, KeepalivedConfig initial, ILoggerFactory loggers, TimeProvider time) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("HaCluster.Agent");
    private readonly Dictionary<string, RunningInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<VrrpInstanceConfig> _waiting = [];
    private readonly List<SyncGroup> _groups = [];
    private readonly Lock _lock = new();
    private KeepalivedConfig _config = initial;
    private AgentEdges? _edges;
    private LinkMonitor? _links;
    private MetricsServer? _metrics;
    private PosixSignalRegistration? _hangup;

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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _edges = new AgentEdges(new RtNetlink(), new GarpSender(), new SocketHub(), new VrrpEngine(time));
        StaleAddresses.Remove(_config, _edges.Network, _logger);
        lock (_lock)
        {
            var trackers = new TrackerSet(_config, _edges.Network, loggers);
            foreach (var instance in _config.Instances)
            {
                StartInstance(instance, trackers);
            }

            BuildSyncGroups();
        }

        _links = new LinkMonitor(OnLinkChanged);
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Task.Run(Reload);
        });
        StartMetrics();
        ReturnStartupMemory();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Parsing, rendering and warm-up leave garbage the steady state never needs; an aggressive collection hands those
    /// pages back, so the resident size is what the instances use (an idle agent may not collect again for hours).
    /// </summary>
    private static void ReturnStartupMemory() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        _links?.Dispose();
        _metrics?.Dispose();
        lock (_lock)
        {
            DisposeGroups();
            var sets = _instances.Values.Select(i => i.Trackers).Distinct().ToList();
            Parallel.ForEach(_instances.Values, instance => instance.Dispose());
            _instances.Clear();
            sets.ForEach(s => s.Dispose());
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _links?.Dispose();
        _edges?.Dispose();
    }

    public static VrrpSettings SettingsFor(VrrpInstanceConfig instance, IPAddress source) =>
        new(instance.Version, instance.Priority, instance.AdvertInterval, source)
        {
            Preempt = instance.Preempt,
            PreemptDelay = instance.PreemptDelay,
            GarpMasterDelay = instance.GarpMasterDelay,
            GarpMasterRepeat = instance.GarpMasterRepeat,
            GarpMasterRefresh = instance.GarpMasterRefresh,
            GarpMasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
        };

    /// <summary>SIGHUP: a config with errors is rejected whole; otherwise only changed, added and removed instances are touched.</summary>
    private void Reload()
    {
        var loaded = KeepalivedConfigLoader.Load(options.ConfigPath);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            LogDiagnostic(diagnostic.ToString());
        }

        if (loaded.HasErrors)
        {
            LogReloadRejected(options.ConfigPath, loaded.Errors.Count());
            return;
        }

        lock (_lock)
        {
            var diff = ConfigDiff.Between(_config, loaded.Config);
            LogReload(diff.Unchanged.Count, diff.Changed.Count, diff.Added.Count, diff.Removed.Count);
            var oldSets = _instances.Values.Select(i => i.Trackers).Distinct().ToList();
            DisposeGroups();
            var inPlace = diff.Changed.Where(n => _instances.TryGetValue(n, out var running)
                && running.TryReprioritize(loaded.Config, loaded.Config.Instances.First(i => i.Name == n))).ToList();
            foreach (var name in diff.Changed.Except(inPlace).Concat(diff.Removed))
            {
                StopInstance(name);
            }

            _config = loaded.Config;
            _waiting.RemoveAll(w => !diff.Unchanged.Contains(w.Name));
            var trackers = new TrackerSet(_config, _edges!.Network, loggers);
            foreach (var instance in _config.Instances.Where(i => !diff.Unchanged.Contains(i.Name) && !inPlace.Contains(i.Name)))
            {
                StartInstance(instance, trackers);
            }

            BuildSyncGroups();
            oldSets.Where(s => !_instances.Values.Any(i => i.Trackers == s)).ToList().ForEach(s => s.Dispose());
        }

        ReturnStartupMemory();
    }

    private void StartInstance(VrrpInstanceConfig instance, TrackerSet trackers)
    {
        var link = _edges!.Network.GetLink(instance.Interface);
        var source = instance.UnicastSourceIp ?? PrimaryAddress(_edges.Network, link, instance);
        if (link is null || source is null)
        {
            // FAULT until the interface shows up with an address: the link monitor retries then.
            LogInstanceFault(instance.Name, link is null ? $"interface {instance.Interface} not found" : $"no IPv4 address on {instance.Interface}");
            _waiting.Add(instance);
            return;
        }

        try
        {
            var fingerprint = ConfigDiff.Fingerprint(_config, instance);
            _instances[instance.Name] = RunningInstance.Start(instance, fingerprint, source, link, _edges, trackers, loggers);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            LogInstanceFault(instance.Name, $"cannot open its VRRP socket on {instance.Interface} from {source}: {e.Message}");
            _waiting.Add(instance);
        }
    }

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
            var notify = new NotifyDispatcher("GROUP", group.Name, group.Notify, NotifyDispatcher.DefaultTimeout, loggers.CreateLogger("HaCluster.Agent.Notify"));
            _groups.Add(new SyncGroup(group, members, notify));
        }
    }

    private void DisposeGroups()
    {
        _groups.ForEach(g => g.Dispose());
        _groups.Clear();
    }

    private void OnLinkChanged(LinkInfo link, bool up)
    {
        lock (_lock)
        {
            foreach (var instance in _instances.Values)
            {
                instance.Trackers.OnLinkChanged(link.Name, up);
                if (instance.Runner.Interface == link.Name)
                {
                    instance.Runner.Post(new VrrpEvent.InterfaceChanged(up));
                }
            }

            var ready = _waiting.Where(i => i.Interface == link.Name).ToList();
            if (ready.Count > 0)
            {
                _waiting.RemoveAll(ready.Contains);
                var trackers = new TrackerSet(_config, _edges!.Network, loggers);
                ready.ForEach(i => StartInstance(i, trackers));
                DisposeGroups();
                BuildSyncGroups();
            }
        }
    }

    private void StartMetrics()
    {
        if (options.MetricsEndpoint is not { } endpoint)
        {
            return;
        }

        _metrics = new MetricsServer(endpoint, Metrics, Status, _logger);
        try
        {
            _metrics.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            LogMetricsFailed(endpoint.ToString(), e.Message);
        }
    }

    private string Metrics()
    {
        lock (_lock)
        {
            return MetricsText.Render(_instances.Values.Select(i => i.Runner), _instances.Values.Select(i => i.Trackers).Distinct().SelectMany(t => t.Scripts));
        }
    }

    private string Status() =>
        System.Text.Json.JsonSerializer.Serialize([.. Runners.Select(InstanceStatus.From)], StatusJson.Default.ListInstanceStatus);

    private static IPAddress? PrimaryAddress(RtNetlink network, LinkInfo? link, VrrpInstanceConfig instance) =>
        link is null ? null : network.GetAddresses()
            .Where(a => a.InterfaceIndex == link.Index && !instance.VirtualIps.Any(v => v.Address.Equals(a.Address)))
            .Select(a => a.Address).FirstOrDefault();

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "VRRP transition instance={Instance} from=INIT to=FAULT reason=interface_unusable priority=0 error=\"{Error}\"")]
    private partial void LogInstanceFault(string instance, string error);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "config: {Diagnostic}")]
    private partial void LogDiagnostic(string diagnostic);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "reload of {Path} rejected: {Count} error(s); the running configuration stays")]
    private partial void LogReloadRejected(string path, int count);

    [LoggerMessage(EventId = 35, Level = LogLevel.Information, Message = "reload: {Unchanged} instance(s) unchanged, {Changed} changed, {Added} added, {Removed} removed")]
    private partial void LogReload(int unchanged, int changed, int added, int removed);

    [LoggerMessage(EventId = 36, Level = LogLevel.Error, Message = "metrics endpoint {Endpoint} not available: {Error}")]
    private partial void LogMetricsFailed(string endpoint, string error);
}
