using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "VRRP instance={Instance} removed stale virtual address {Vip} left by an earlier run")]
    public static partial void StaleVipRemoved(ILogger logger, string instance, string vip);

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "VRRP transition instance={Instance} from=INIT to=FAULT reason=interface_unusable priority=0 error=\"{Error}\"")]
    public static partial void InstanceUnusable(ILogger logger, string instance, string error);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "config: {Diagnostic}")]
    public static partial void ConfigDiagnostic(ILogger logger, string diagnostic);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "reload of {Path} rejected: {Count} error(s); the running configuration stays")]
    public static partial void ReloadRejected(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 35, Level = LogLevel.Information, Message = "{What}: {Unchanged} instance(s) unchanged, {Changed} changed, {Added} added, {Removed} removed")]
    public static partial void ConfigApplied(ILogger logger, string what, int unchanged, int changed, int added, int removed);

    [LoggerMessage(EventId = 36, Level = LogLevel.Error, Message = "metrics endpoint {Endpoint} not available: {Error}")]
    public static partial void MetricsUnavailable(ILogger logger, string endpoint, string error);

    [LoggerMessage(EventId = 37, Level = LogLevel.Error, Message = "controller push {Hash} rejected: {Count} error(s); the running configuration stays: {Errors}")]
    public static partial void PushRejected(ILogger logger, string hash, int count, string errors);

    [LoggerMessage(EventId = 38, Level = LogLevel.Information, Message = "settled: returned {KiB} KiB of startup code and read-only data to the page cache")]
    public static partial void Settled(ILogger logger, long kiB);

    [LoggerMessage(EventId = 39, Level = LogLevel.Information, Message = "metrics and status on http://{Endpoint}/metrics and /status")]
    public static partial void MetricsListening(ILogger logger, string endpoint);
}
