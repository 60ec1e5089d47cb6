using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class TrackingLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "track_file {Name} ({Path}): {Problem}")]
    public static partial void TrackFileProblem(ILogger logger, string name, string path, string problem);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "vrrp_script {Name} ({Script}): {Error}")]
    public static partial void ScriptProblem(ILogger logger, string name, string script, string error);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "vrrp_script {Name} is now {State} after {Count} result(s) in a row")]
    public static partial void ScriptStateChanged(ILogger logger, string name, string state, int count);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "vrrp_script {Name}: user {User} cannot take effect: the agent is not root, so the script runs as {Agent}")]
    public static partial void ScriptUserIgnored(ILogger logger, string name, string user, string agent);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "notify for {Kind} {Name} -> {State} ({Script}) failed: {Problem}")]
    public static partial void NotifyFailed(ILogger logger, string kind, string name, string state, string script, string problem);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "notify for {Kind} {Name} ({Script}): user {User} cannot take effect: the agent is not root, so the script runs as {Agent}")]
    public static partial void NotifyUserIgnored(ILogger logger, string kind, string name, string script, string user, string agent);
}
