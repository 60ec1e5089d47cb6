namespace HaCluster.Controller.Events;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class EventsLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "storing {Count} event(s) failed (attempt {Attempt}), retrying; agents keep them meanwhile: {Error}")]
    public static partial void StoreFailed(ILogger logger, int count, int attempt, string error);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "event dropped: the database refuses it (kind={Kind} node={Node} boot={BootId} sequence={Sequence}): {Error}")]
    public static partial void EventRefused(ILogger logger, string kind, string? node, string? bootId, long? sequence, string error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "stopping: {Count} event(s) of the controller's own stored before the stop")]
    public static partial void StoredAtStop(ILogger logger, int count);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "stopping: {Count} event(s) of the controller's own could not be stored and are lost: {Error}")]
    public static partial void LostAtStop(ILogger logger, int count, string error);
}
