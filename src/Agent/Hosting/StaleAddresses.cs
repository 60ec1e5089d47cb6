using HaCluster.Agent.Net;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// VIPs of our instances found on their devices at start were left by a crashed (SIGKILLed) run: keepalived leaves
/// them and two hosts answer for the VIP; we remove them before the election.
/// </summary>
internal static partial class StaleAddresses
{
    public static void Remove(KeepalivedConfig config, INetworkControl network, ILogger logger)
    {
        var present = network.GetAddresses();
        foreach (var instance in config.Instances.Where(i => i.Priority != 255))
        {
            foreach (var vip in instance.VirtualIps)
            {
                // Only where we would have put it: the same address elsewhere is somebody else's (and a bind error later).
                var device = network.GetLink(vip.Device ?? instance.Interface);
                var stale = present.FirstOrDefault(a => a.Address.Equals(vip.Address) && a.InterfaceIndex == device?.Index);
                if (stale is not null && network.DeleteAddress(stale.InterfaceIndex, stale.Address, stale.PrefixLength) == 0)
                {
                    HostingLog.StaleVipRemoved(logger, instance.Name, vip.ToString());
                }
            }
        }
    }
}
