using System.Net;
using System.Net.Sockets;

namespace HaCluster.Shared.Config;

/// <summary>Checks that need the whole mapped configuration: unicast rules and clashes between instances.</summary>
internal static class ConfigValidator
{
    public static void Validate(GlobalDefs global, IReadOnlyList<VrrpInstanceConfig> instances, DiagnosticBag d)
    {
        foreach (var instance in instances)
        {
            CheckUnicast(instance, global, d);
        }

        CheckDuplicateNames(instances, d);
        CheckVridClashes([.. instances.Where(VrrpInstanceMapper.IsComplete)], d);
        CheckDuplicateVips(instances, d);
    }

    private static void CheckUnicast(VrrpInstanceConfig instance, GlobalDefs global, DiagnosticBag d)
    {
        if (global.VrrpStrict && instance.IsUnicast)
        {
            d.Error(instance.UnicastPeers[0].Location,
                $"vrrp_instance '{instance.Name}': unicast_peer is not allowed with vrrp_strict (keepalived refuses unicast in strict mode)");
        }

        var seen = new HashSet<IPAddress>();
        foreach (var peer in instance.UnicastPeers)
        {
            var source = instance.UnicastSourceIp;
            if (source is not null && peer.Address.Equals(source))
            {
                d.Error(peer.Location, $"unicast_peer {peer.Address} is the same as unicast_src_ip");
            }
            else if (source is not null && peer.Address.AddressFamily != source.AddressFamily)
            {
                d.Error(peer.Location, $"unicast_peer {peer.Address} and unicast_src_ip {source} are different address families");
            }

            if (!seen.Add(peer.Address))
            {
                d.Warning(peer.Location, $"unicast_peer {peer.Address} is listed twice");
            }
        }
    }

    private static void CheckDuplicateNames(IEnumerable<VrrpInstanceConfig> instances, DiagnosticBag d)
    {
        var byName = new Dictionary<string, VrrpInstanceConfig>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            if (!byName.TryAdd(instance.Name, instance))
            {
                d.Error(instance.Location, $"duplicate vrrp_instance '{instance.Name}' (first defined at {byName[instance.Name].Location})");
            }
        }
    }

    /// <summary>
    /// Two routers for one VRID on a link must agree on who they talk to: a multicast instance hears every
    /// advert for its VRID, a unicast one only its peers'.
    /// </summary>
    private static void CheckVridClashes(IReadOnlyList<VrrpInstanceConfig> instances, DiagnosticBag d)
    {
        // In one pass (a config may hold thousands of instances): per interface, VRID and family, the first instance,
        // the first multicast one, and the first to name each peer. An instance clashes with the earliest of those it
        // meets: any, if it is multicast itself; else a multicast one or one with a peer in common.
        var links = new Dictionary<(string, byte, AddressFamily), VridUsers>();
        foreach (var current in instances)
        {
            var key = (current.Interface, current.VirtualRouterId, Family(current));
            if (!links.TryGetValue(key, out var users))
            {
                links[key] = users = new VridUsers(current);
            }
            else if (users.FirstClash(current) is { } first)
            {
                d.Error(current.Location,
                    $"vrrp_instance '{current.Name}': virtual_router_id {current.VirtualRouterId} on {current.Interface} "
                    + $"is already used by vrrp_instance '{first.Name}' at {first.Location}");
            }

            users.Add(current);
        }
    }

    /// <summary>The instances on one interface with one VRID and family, as far as the clash check needs them.</summary>
    private sealed class VridUsers(VrrpInstanceConfig first)
    {
        private readonly List<VrrpInstanceConfig> _order = [];
        private readonly Dictionary<IPAddress, int> _peers = [];
        private int? _firstMulticast;

        public VrrpInstanceConfig? FirstClash(VrrpInstanceConfig current)
        {
            if (!current.IsUnicast)
            {
                return first;
            }

            var earliest = _firstMulticast ?? int.MaxValue;
            foreach (var peer in current.UnicastPeers)
            {
                if (_peers.TryGetValue(peer.Address, out var at) && at < earliest)
                {
                    earliest = at;
                }
            }

            return earliest == int.MaxValue ? null : _order[earliest];
        }

        public void Add(VrrpInstanceConfig instance)
        {
            var at = _order.Count;
            _order.Add(instance);
            if (!instance.IsUnicast)
            {
                _firstMulticast ??= at;
                return;
            }

            foreach (var peer in instance.UnicastPeers)
            {
                _peers.TryAdd(peer.Address, at);
            }
        }
    }

    /// <summary>VRIDs are per address family (RFC 5798 §7.3): IPv4 and IPv6 routers may share one.</summary>
    private static AddressFamily Family(VrrpInstanceConfig instance) =>
        instance.VirtualIps.IsEmpty ? instance.UnicastSourceIp?.AddressFamily ?? AddressFamily.InterNetwork
            : instance.VirtualIps[0].Address.AddressFamily;

    private static void CheckDuplicateVips(IEnumerable<VrrpInstanceConfig> instances, DiagnosticBag d)
    {
        var owners = new Dictionary<IPAddress, (VrrpInstanceConfig Instance, VirtualIp Vip)>();
        foreach (var instance in instances)
        {
            foreach (var vip in instance.VirtualIps)
            {
                if (!owners.TryGetValue(vip.Address, out var owner))
                {
                    owners[vip.Address] = (instance, vip);
                }
                else if (ReferenceEquals(owner.Instance, instance))
                {
                    d.Warning(vip.Location, $"virtual_ipaddress {vip.Address} is listed twice (first at {owner.Vip.Location})");
                }
                else
                {
                    d.Error(vip.Location,
                        $"virtual_ipaddress {vip.Address} is already used by vrrp_instance '{owner.Instance.Name}' at {owner.Vip.Location}");
                }
            }
        }
    }
}
