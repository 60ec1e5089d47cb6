namespace HaCluster.Controller.Alerts;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "failover alerts go to {To} through {Host}:{Port}")]
    public static partial void AlertsEnabled(ILogger logger, string host, int port, string to);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "alert message {Key} to channel {Channel} not delivered (attempt {Attempt}), retrying in {Delay:0.#} s: {Error}")]
    public static partial void DeliveryRetried(ILogger logger, string channel, string key, int attempt, double delay, string error);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "alert message {Key} to channel {Channel} failed for good after {Attempt} attempt(s): {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string channel, string key, int attempt, string error);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "the alert outbox cannot be read, retrying: {Error}")]
    public static partial void OutboxUnavailable(ILogger logger, string error);
}
