namespace HaCluster.Controller.Events;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class EventsLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "storing {Count} event(s) failed (attempt {Attempt}), retrying; agents keep them meanwhile: {Error}")]
    public static partial void StoreFailed(ILogger logger, int count, int attempt, string error);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "event dropped: the database refuses it (kind={Kind} node={Node} boot={BootId} sequence={Sequence}): {Error}")]
    public static partial void EventRefused(ILogger logger, string kind, string? node, string? bootId, long? sequence, string error);
}
