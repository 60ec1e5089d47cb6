using System.Net;
using System.Runtime.InteropServices;
using HaCluster.Agent.Net;
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
public sealed partial class AgentService(AgentOptions options, AgentConfigSources sources, KeepalivedConfig initial, ILoggerFactory loggers, TimeProvider time)
    : IHostedService, IDisposable
{
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

    /// <summary>Raised on the engine thread after each state change of any instance; handlers must only queue work.</summary>
    public event Action<InstanceRunner, TransitionRecord>? Transitioned;

    /// <summary>Extra Prometheus lines (the controller link's), appended to the instances' metrics.</summary>
    public Func<string>? ExtraMetrics { get; set; }

    public IReadOnlyList<InstanceRunner> Runners => _instances?.Runners ?? [];

    /// <summary>The configuration running now (host file and pushed config together).</summary>
    public KeepalivedConfig Config => _instances?.Config ?? initial;

    /// <summary>The managed config running now (null: none).</summary>
    public DesiredConfig? Managed => sources.Managed;

    /// <summary>Completes once the instances run (the controller link waits for it).</summary>
    public Task Started => _started.Task;

    public INetworkControl Network => _edges?.Network ?? throw new InvalidOperationException("the agent has not started");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _edges = new AgentEdges(new RtNetlink(), new GarpSender(), new SocketHub(), new VrrpEngine(time));
        _instances = new InstanceSet(_edges, loggers);
        _instances.Transitioned += (runner, transition) => Transitioned?.Invoke(runner, transition);
        StaleAddresses.Remove(initial, _edges.Network, _logger);
        _instances.Apply(initial);
        _links = new LinkMonitor(_instances.OnLinkChanged);
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Task.Run(Reload);
        });
        StartMetrics();
        _settled = time.CreateTimer(_ => Settle(_logger), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ReturnStartupMemory();
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _settled?.Dispose();
        _hangup?.Dispose();
        _links?.Dispose();
        _metrics?.Dispose();
        _instances?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _links?.Dispose();
        _edges?.Dispose();
        _applying.Dispose();
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

    /// <summary>
    /// A config pushed by the controller: validated with the local file, persisted, then only the instances that
    /// changed are touched. Returns the errors (file:line) when rejected; the running config then stays.
    /// </summary>
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
                LogPushRejected(desired.Hash, errors.Count, string.Join("; ", errors));
                return errors;
            }

            sources.Commit(sources.Local, desired);
            var diff = _instances!.Apply(loaded.Config);
            LogApplied("controller push " + Short(desired.Hash), diff.Unchanged.Count, diff.Changed.Count, diff.Added.Count, diff.Removed.Count);
            ReturnStartupMemory();
            return [];
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>SIGHUP: a config with errors is rejected whole; otherwise only changed, added and removed instances are touched.</summary>
    private async Task Reload()
    {
        await _applying.WaitAsync();
        try
        {
            var local = sources.ReadLocal();
            var loaded = sources.Combine(local, sources.Managed);
            foreach (var diagnostic in loaded.Diagnostics)
            {
                LogDiagnostic(diagnostic.ToString());
            }

            if (loaded.HasErrors)
            {
                LogReloadRejected(sources.LocalPath ?? "(no local file)", loaded.Errors.Count());
                return;
            }

            sources.Commit(local, sources.Managed);
            var diff = _instances!.Apply(loaded.Config);
            LogApplied("reload", diff.Unchanged.Count, diff.Changed.Count, diff.Added.Count, diff.Removed.Count);
        }
        finally
        {
            _applying.Release();
        }

        ReturnStartupMemory();
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
        LogTrimmed(logger, WorkingSet.TrimFileMappings());
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private void StartMetrics()
    {
        if (options.MetricsEndpoint is not { } endpoint)
        {
            return;
        }

        _metrics = new MetricsServer(endpoint, () => _instances!.Metrics() + ExtraMetrics?.Invoke(), Status, _logger);
        try
        {
            _metrics.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            LogMetricsFailed(endpoint.ToString(), e.Message);
        }
    }

    private string Status() =>
        System.Text.Json.JsonSerializer.Serialize([.. Runners.Select(InstanceStatus.From)], StatusJson.Default.ListInstanceStatus);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "config: {Diagnostic}")]
    private partial void LogDiagnostic(string diagnostic);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "reload of {Path} rejected: {Count} error(s); the running configuration stays")]
    private partial void LogReloadRejected(string path, int count);

    [LoggerMessage(EventId = 35, Level = LogLevel.Information, Message = "{What}: {Unchanged} instance(s) unchanged, {Changed} changed, {Added} added, {Removed} removed")]
    private partial void LogApplied(string what, int unchanged, int changed, int added, int removed);

    [LoggerMessage(EventId = 38, Level = LogLevel.Information, Message = "settled: returned {KiB} KiB of startup code and read-only data to the page cache")]
    private static partial void LogTrimmed(ILogger logger, long kiB);

    [LoggerMessage(EventId = 36, Level = LogLevel.Error, Message = "metrics endpoint {Endpoint} not available: {Error}")]
    private partial void LogMetricsFailed(string endpoint, string error);

    [LoggerMessage(EventId = 37, Level = LogLevel.Error, Message = "controller push {Hash} rejected: {Count} error(s); the running configuration stays: {Errors}")]
    private partial void LogPushRejected(string hash, int count, string errors);
}
