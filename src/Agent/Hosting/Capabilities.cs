using HaCluster.Agent.Net;

namespace HaCluster.Agent.Hosting;

/// <summary>The capabilities the agent cannot work without, read from /proc/self/status (CapEff).</summary>
public static class Capabilities
{
    private const int NetAdmin = 12;
    private const int NetRaw = 13;

    /// <summary>Null when both are there; otherwise a message saying what is missing and how to grant it.</summary>
    public static string? Missing()
    {
        if (EffectiveCapabilities.Read() is not { } effective)
        {
            return null;
        }

        var missing = new List<string>();
        if ((effective & (1UL << NetRaw)) == 0)
        {
            missing.Add("CAP_NET_RAW (VRRP and ARP sockets)");
        }

        if ((effective & (1UL << NetAdmin)) == 0)
        {
            missing.Add("CAP_NET_ADMIN (virtual addresses)");
        }

        return missing.Count == 0 ? null
            : $"missing {string.Join(" and ", missing)}: run as root, or as a service with AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN (deploy/systemd/hacluster-agent.service)";
    }
}
