using System.Collections.Concurrent;
using System.Net;
using HaCluster.Agent.Wire;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>Logs dropped packets and send errors, at most once per reason every few seconds, with the running count.</summary>
internal sealed partial class DropLog(string instance, TimeProvider time, ILogger logger)
{
    private static readonly long Quiet = TimeSpan.FromSeconds(10).Ticks;
    private readonly ConcurrentDictionary<string, long> _lastLogged = new();

    public void Dropped(long count, DropReason reason, IPAddress source)
    {
        if (ShouldLog(reason.ToString()))
        {
            NetLog.PacketDropped(logger, instance, reason.MetricName(), source.ToString(), count);
        }
    }

    public void SendFailed(IPAddress destination, string error)
    {
        if (ShouldLog("send:" + destination))
        {
            NetLog.AdvertSendFailed(logger, instance, destination.ToString(), error);
        }
    }

    private bool ShouldLog(string key)
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = _lastLogged.GetOrAdd(key, 0);
        return now - last >= Quiet && _lastLogged.TryUpdate(key, now, last);
    }
}
