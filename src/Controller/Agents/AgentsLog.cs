namespace HaCluster.Controller.Agents;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class AgentsLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "agent {Node} connected from {Peer} (version {Version}, running config {Hash})")]
    public static partial void AgentConnected(ILogger logger, string node, string peer, string version, string hash);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "agent {Node} disconnected ({Peer})")]
    public static partial void AgentDisconnected(ILogger logger, string node, string peer);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "agent {Node} connected again from {New}; its stream from {Old} is closed")]
    public static partial void AgentReplaced(ILogger logger, string node, string old, string @new);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "agent stream from {Peer} refused ({Code}): {Reason}")]
    public static partial void StreamRefused(ILogger logger, string peer, string code, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "agent message dropped: {Reason}")]
    public static partial void MessageDropped(ILogger logger, string reason);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "agent {Node} ({Peer}): its certificate {Serial} is revoked; stream cut")]
    public static partial void StreamCutRevoked(ILogger logger, string node, string peer, string serial);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "agent {Node}: certificate renewal refused: {Reason}")]
    public static partial void RenewalRefused(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "agent {Node}: event for instance {Instance} dropped: this node does not run it")]
    public static partial void EventForOthersInstance(ILogger logger, string node, string instance);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "agent {Node} rejected its config: {Count} error(s): {Errors}")]
    public static partial void ConfigRejected(ILogger logger, string node, int count, string errors);
}
