namespace HaCluster.Controller.Alerts;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "failover alerts go to {To} through {Host}:{Port}")]
    public static partial void AlertsEnabled(ILogger logger, string host, int port, string to);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "alert mail ({Count} alert(s)) not sent through {Host}:{Port}: {Error}")]
    public static partial void MailFailed(ILogger logger, string host, int port, int count, string error);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "the alert mailer fell behind the fleet's changes; some alerts may be missing")]
    public static partial void FellBehind(ILogger logger);
}
