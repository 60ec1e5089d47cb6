using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class NetLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "VRRP instance={Instance} cannot remove {Vip}: {Error}")]
    public static partial void VipRemoveFailed(ILogger logger, string instance, string vip, string error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "VRRP instance={Instance} cannot send gratuitous ARP for {Vip}: {Error}")]
    public static partial void GarpFailed(ILogger logger, string instance, string vip, string error);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "VRRP instance={Instance} dropped packet reason={Reason} source={Source} total={Count}")]
    public static partial void PacketDropped(ILogger logger, string instance, string reason, string source, long count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "VRRP instance={Instance} cannot send advert to {Destination}: {Error}")]
    public static partial void AdvertSendFailed(ILogger logger, string instance, string destination, string error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "VRRP socket on {Interface} from {Source}: receive failed ({Error}); counted in hacluster_receive_errors_total, opening it again")]
    public static partial void ReceiveFailed(ILogger logger, string @interface, string source, string error);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "VRRP socket on {Interface} from {Source} open again; its instances hear their peers")]
    public static partial void SocketReopened(ILogger logger, string @interface, string source);

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "VRRP socket on {Interface} from {Source} cannot be opened again ({Error}); retrying in {DelayMs} ms")]
    public static partial void SocketReopenFailed(ILogger logger, string @interface, string source, string error, double delayMs);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "VRRP instance={Instance} switchover: segments of connections the old master still serves are dropped here, not reset (nftables table {Table}, {Ms} ms)")]
    public static partial void HandoffGuarded(ILogger logger, string instance, string table, double ms);

    [LoggerMessage(EventId = 26, Level = LogLevel.Warning, Message = "VRRP instance={Instance} switchover without the TCP guard (connections open on the old master may be reset): {Error}")]
    public static partial void HandoffUnguarded(ILogger logger, string instance, string error);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "VRRP instance={Instance} cannot remove nftables table {Table}: {Error}")]
    public static partial void HandoffGuardNotRemoved(ILogger logger, string instance, string table, string error);

    [LoggerMessage(EventId = 28, Level = LogLevel.Information, Message = "VRRP engine scheduling: {What}")]
    public static partial void Scheduling(ILogger logger, string what);

    [LoggerMessage(EventId = 29, Level = LogLevel.Warning, Message = "VRRP engine not real-time: {Error}. {Grant}; running on at normal priority, where adverts can be late on a busy host")]
    public static partial void RealtimeRefused(ILogger logger, string error, string grant);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "VRRP engine: {What} not done: {Error}. {Grant}; running on without it")]
    public static partial void SchedulingPartRefused(ILogger logger, string what, string error, string grant);

    [LoggerMessage(EventId = 46, Level = LogLevel.Warning, Message = "VRRP engine used {LimitUs} µs of CPU without sleeping (half of vrrp_rlimit_rttime): at the limit the kernel kills the agent; is something spinning, or does vrrp_rlimit_rttime need raising?")]
    public static partial void RealtimeCpuWarning(ILogger logger, int limitUs);
}
