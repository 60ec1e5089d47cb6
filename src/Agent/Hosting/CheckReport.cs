using HaCluster.Agent.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Hosting;

/// <summary>What <c>--check</c> says beyond "OK": which unicast peers the TTL-255 guard covers on this host, and which auth each instance uses.</summary>
public static class CheckReport
{
    public static IEnumerable<string> Lines(KeepalivedConfig config, INetworkControl network)
    {
        var addresses = network.GetAddresses();
        foreach (var instance in config.Instances)
        {
            var auth = instance.Hmac is { } hmac
                ? $"auth_hmac (key {hmac.ActiveKey} signs, {hmac.Keys.Length} key(s), {HmacAuthConfig.ModeName(hmac.Mode)})"
                : instance.AuthType == AuthType.Pass ? "auth PASS (clear text: consider auth_hmac)" : "no authentication";
            yield return $"  {instance.Name}: {auth}";
            if (!instance.IsUnicast)
            {
                continue;
            }

            var link = network.GetLink(instance.Interface);
            var guarded = link is null
                ? []
                : TtlGuard.OnLinkPeers(instance.UnicastPeers, addresses.Where(a => a.InterfaceIndex == link.Index).Select(a => (a.Address, a.PrefixLength)));
            foreach (var peer in instance.UnicastPeers)
            {
                var rule = guarded.Contains(peer.Address) ? "guarded: on-link, must arrive with TTL 255"
                    : peer.MinTtl is not null || peer.MaxTtl is not null ? $"TTL {peer.MinTtl ?? 0}..{peer.MaxTtl ?? 255} (min_ttl/max_ttl)"
                    : link is null ? $"not guarded: interface {instance.Interface} not found on this host"
                    : "not guarded: routed (not in a subnet of " + instance.Interface + "), any TTL";
                yield return $"    unicast_peer {peer.Address}: {rule}";
            }
        }
    }
}
