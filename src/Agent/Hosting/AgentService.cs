using System.Net;
using System.Runtime.InteropServices;
using HaCluster.Agent.Net;
using HaCluster.Agent.Runtime;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// The running agent: its instances, link events, metrics, reload on SIGHUP, and configs pushed by the controller.
/// Reload and push go through one path: combine the sources, reject the whole candidate on any error, else apply
/// only the differences.
/// </summary>
public sealed partial class AgentService(
    AgentOptions options, AgentConfigSources sources, KeepalivedConfig initial, Func<AgentEdges> edges, ILoggerFactory loggers)
    : IHostedService, IAgentRuntime, IDisposable
{
    /// <summary>How long a stop waits for the last notify scripts (notify_stop) to finish.</summary>
    public static readonly TimeSpan NotifyDrain = NotifyDispatcher.DefaultTimeout;

    private readonly ILogger _logger = loggers.CreateLogger("HaCluster.Agent");
    private readonly SemaphoreSlim _applying = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AgentEdges? _edges;
    private InstanceSet? _instances;
    private LinkMonitor? _links;
    private MetricsServer? _metrics;
    private PosixSignalRegistration? _hangup;
    private ITimer? _settled;

    /// <summary>How long after start, a reload or a push the agent returns the memory only that needed.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    public event Action<InstanceRunner, TransitionRecord>? Transitioned;

    /// <summary>Extra Prometheus lines (the controller link's), appended to the instances' metrics.</summary>
    public Func<string>? ExtraMetrics { get; set; }

    /// <summary>Told of a refused SIGHUP reload (the file and its errors): in managed mode, the controller link.</summary>
    public Action<string, IReadOnlyList<string>>? ReloadRefused { get; set; }

    private readonly LoadCounts _loads = new();

    public IReadOnlyList<InstanceRunner> Runners => _instances?.Runners ?? [];

    /// <summary>The configuration running now (host file and pushed config together).</summary>
    public KeepalivedConfig Config => _instances?.Config ?? initial;

    public DesiredConfig? Managed => sources.Managed;

    public Task Started => _started.Task;

    public Task StartAsync(CancellationToken cancellationToken) => StartAsync(watchHost: true);

    /// <summary>Starts the instances; <paramref name="watchHost"/>: also follow the host — link changes, SIGHUP, metrics, memory settling (off in unit tests).</summary>
    internal Task StartAsync(bool watchHost)
    {
        _edges = edges();
        _instances = new InstanceSet(_edges, loggers);
        _instances.Transitioned += (runner, transition) => Transitioned?.Invoke(runner, transition);
        StaleAddresses.Remove(initial, _edges.Network, _logger);
        _instances.Apply(initial);
        if (watchHost)
        {
            _links = new LinkMonitor(_instances.OnLinkChanged);
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(ReloadAsync);
            });
            StartMetrics();
            _settled = _edges.Time.CreateTimer(_ => Settle(_logger), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        ReturnStartupMemory();
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Releases every instance (priority 0, VIPs removed), then lets the last notify scripts finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _settled?.Dispose();
        _hangup?.Dispose();
        _links?.Dispose();
        _metrics?.Dispose();
        if (_instances is { } instances)
        {
            instances.Dispose();
            await instances.DrainAsync(NotifyDrain);
        }
    }

    public void Dispose()
    {
        _links?.Dispose();
        _edges?.Dispose();
        _applying.Dispose();
    }

    public HostFacts Facts()
    {
        var network = _edges?.Network ?? throw new InvalidOperationException("the agent has not started");
        var vips = Config.Instances.SelectMany(i => i.VirtualIps).Select(v => v.Address).ToHashSet();
        return new HostFacts(
            [.. network.GetLinks().Select(l => l.Name).Where(n => n.Length > 0).Order(StringComparer.Ordinal)],
            [.. network.GetAddresses().Where(a => !vips.Contains(a.Address) && !IPAddress.IsLoopback(a.Address)).Select(a => $"{a.Address}/{a.PrefixLength}")]);
    }

    public static VrrpSettings SettingsFor(VrrpInstanceConfig instance, IPAddress source) =>
        new VrrpSettings(instance.Version, instance.Priority, instance.AdvertInterval, source)
        {
            Preempt = instance.Preempt,
            PreemptDelay = instance.PreemptDelay,
            GarpMasterDelay = instance.GarpMasterDelay,
            GarpMasterRepeat = instance.GarpMasterRepeat,
            GarpMasterRefresh = instance.GarpMasterRefresh,
            GarpMasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
        }.WithHandoff(instance.Handoff);

    public async Task<IReadOnlyList<string>> ApplyManagedAsync(DesiredConfig desired, CancellationToken ct)
    {
        await _applying.WaitAsync(ct);
        try
        {
            if (desired.Hash == sources.Managed?.Hash)
            {
                // The same text (another group of this node changed, or a reconnect): nothing to reconfigure, but
                // the group revisions it stands for are new and are what the controller checks for drift.
                sources.Commit(sources.Local, desired);
                return [];
            }

            var loaded = sources.Combine(sources.Local, desired);
            if (loaded.HasErrors)
            {
                var errors = loaded.Errors.Select(e => e.ToString()).ToList();
                HostingLog.PushRejected(_logger, desired.Hash, errors.Count, string.Join("; ", errors));
                Interlocked.Increment(ref _loads.PushRejected);
                ReturnStartupMemory(); // what the refused load took
                return errors;
            }

            Interlocked.Increment(ref _loads.PushApplied);
            sources.Commit(sources.Local, desired);
            var diff = _instances!.Apply(loaded.Config);
            HostingLog.ConfigApplied(_logger, "controller push " + Short(desired.Hash), diff.Unchanged.Count, diff.Changed.Count, diff.Added.Count, diff.Removed.Count);
            // What the push changed in place (priorities, maintenance) reaches the engine before the caller reports the
            // instances: the snapshot sent with the answer shows the new effective priorities, not the old ones.
            _edges!.Engine.Flush(TimeSpan.FromSeconds(1));
            ReturnStartupMemory();
            return [];
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>SIGHUP: a config with errors is rejected whole; otherwise only changed, added and removed instances are touched.</summary>
    internal async Task ReloadAsync()
    {
        await _applying.WaitAsync();
        try
        {
            var local = sources.ReadLocal();
            var loaded = sources.Combine(local, sources.Managed);
            foreach (var diagnostic in loaded.Diagnostics)
            {
                HostingLog.ConfigDiagnostic(_logger, diagnostic.ToString());
            }

            if (loaded.HasErrors)
            {
                HostingLog.ReloadRejected(_logger, sources.LocalPath ?? "(no local file)", loaded.Errors.Count());
                Interlocked.Increment(ref _loads.ReloadRejected);
                ReloadRefused?.Invoke(sources.LocalPath ?? "(no local file)", [.. loaded.Errors.Select(e => e.ToString())]);
                return;
            }

            Interlocked.Increment(ref _loads.ReloadApplied);
            sources.Commit(local, sources.Managed);
            var diff = _instances!.Apply(loaded.Config);
            HostingLog.ConfigApplied(_logger, "reload", diff.Unchanged.Count, diff.Changed.Count, diff.Added.Count, diff.Removed.Count);
        }
        finally
        {
            _applying.Release();
            ReturnStartupMemory(); // applied or refused: what the load took goes back
        }
    }

    /// <summary>
    /// Parsing, rendering, warm-up and the first election leave garbage the steady state never needs, and fault in
    /// code and read-only data the steady state never runs. Once things have settled (the election is over and the
    /// delayed gratuitous ARPs have gone out: garp_master_delay is 5 s), a compacting collection hands the garbage's
    /// pages back and those file pages are unmapped (<see cref="WorkingSet"/>), so the resident size is what the
    /// instances use; an idle agent may not collect again for hours. Each reload or push schedules it again.
    /// </summary>
    private void ReturnStartupMemory() => _settled?.Change(SettleTime, Timeout.InfiniteTimeSpan);

    private static void Settle(ILogger logger)
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        HostingLog.Settled(logger, WorkingSet.TrimFileMappings());
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private void StartMetrics()
    {
        if (options.MetricsEndpoint is not { } endpoint)
        {
            return;
        }

        _metrics = new MetricsServer(endpoint, () => _instances!.Metrics() + _loads.Render() + ExtraMetrics?.Invoke(), Status, _logger);
        try
        {
            _metrics.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            HostingLog.MetricsUnavailable(_logger, endpoint.ToString(), e.Message);
        }
    }

    /// <summary>Config loads by source and outcome: a refused reload or push is counted, not only logged.</summary>
    private sealed class LoadCounts
    {
        public long ReloadApplied;
        public long ReloadRejected;
        public long PushApplied;
        public long PushRejected;

        public string Render() =>
            "# HELP hacluster_agent_config_loads_total configuration loads after start, by source and outcome (rejected: the running configuration stayed)\n"
            + "# TYPE hacluster_agent_config_loads_total counter\n"
            + Line("reload", "applied", Volatile.Read(ref ReloadApplied)) + Line("reload", "rejected", Volatile.Read(ref ReloadRejected))
            + Line("push", "applied", Volatile.Read(ref PushApplied)) + Line("push", "rejected", Volatile.Read(ref PushRejected));

        private static string Line(string source, string result, long count) =>
            FormattableString.Invariant($"hacluster_agent_config_loads_total{{source=\"{source}\",result=\"{result}\"}} {count}\n");
    }

    private string Status() =>
        System.Text.Json.JsonSerializer.Serialize([.. Runners.Select(InstanceStatus.From)], StatusJson.Default.ListInstanceStatus);
}
