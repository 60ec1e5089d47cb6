using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Vrrp;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class VrrpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "VRRP transition instance={Instance} from={From} to={To} reason={Reason} priority={Priority}")]
    public static partial void Transition(ILogger logger, string instance, string from, string to, string reason, byte priority);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "VRRP instance={Instance} cannot bind its virtual addresses: {Error}")]
    public static partial void VipBindFailed(ILogger logger, string instance, string error);
}
