using System.Net;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>Checks against what already exists: the other saved groups and the nodes the agents reported.</summary>
internal static class GroupConflictRules
{
    public static void Check(VipGroup group, IReadOnlyList<IPAddress?> vips, IEnumerable<VipGroup> others, GroupErrorList errors)
    {
        foreach (var other in others)
        {
            if (other is null || string.Equals(other.Name, group.Name, StringComparison.Ordinal))
            {
                continue;
            }

            CheckVrid(group, other, errors);
            CheckVips(vips, other, errors);
        }
    }

    /// <summary>Two groups with one VRID on one link, sharing a node, would be one virtual router on that node.</summary>
    private static void CheckVrid(VipGroup group, VipGroup other, GroupErrorList errors)
    {
        if (other.Vrid != group.Vrid || !string.Equals(other.Interface, group.Interface, StringComparison.Ordinal))
        {
            return;
        }

        var shared = NodeNames(group).Intersect(NodeNames(other), StringComparer.Ordinal).ToList();
        if (shared.Count > 0)
        {
            errors.Add("vrid", $"VRID {group.Vrid} on {group.Interface} is already used by group '{other.Name}' on node(s) {string.Join(", ", shared)}");
        }
    }

    private static void CheckVips(IReadOnlyList<IPAddress?> vips, VipGroup other, GroupErrorList errors)
    {
        var claimed = other.VirtualIps
            .Select(v => Ipv4.TryParseWithPrefix(v?.Address, out var a, out _) ? a : null)
            .OfType<IPAddress>()
            .ToHashSet();
        for (var i = 0; i < vips.Count; i++)
        {
            if (vips[i] is { } address && claimed.Contains(address))
            {
                errors.Add($"virtualIps[{i}].address", $"{address} is already claimed by group '{other.Name}'");
            }
        }
    }

    public static void CheckNodes(VipGroup group, IReadOnlyDictionary<string, NodeFacts> nodes, GroupErrorList errors)
    {
        var members = group.Members;
        var checkedNodes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i] is not { Node: { Length: > 0 } node } member || !checkedNodes.Add(node))
            {
                continue;
            }

            if (!nodes.TryGetValue(node, out var facts) || facts is null)
            {
                errors.Add($"members[{i}].node", $"node '{node}' is unknown: no agent has reported it");
                continue;
            }

            CheckMemberOnNode(group, member, i, facts, errors);
        }
    }

    private static void CheckMemberOnNode(VipGroup group, Member member, int i, NodeFacts facts, GroupErrorList errors)
    {
        var addresses = (facts.Addresses ?? [])
            .Select(a => Ipv4.TryParseWithPrefix(a, out var parsed, out _) ? parsed : null)
            .OfType<IPAddress>();
        if (Ipv4.TryParse(member.Address, out var address) && !addresses.Contains(address))
        {
            errors.Add($"members[{i}].address", $"{address} is not an address of node '{member.Node}'");
        }

        var interfaces = facts.Interfaces ?? [];
        if (group.Interface is { } name && !interfaces.Contains(name, StringComparer.Ordinal))
        {
            errors.Add("interface", $"interface '{name}' does not exist on node '{member.Node}'");
        }

        var vips = group.VirtualIps;
        for (var j = 0; j < vips.Length; j++)
        {
            if (vips[j]?.Device is { } device && !interfaces.Contains(device, StringComparer.Ordinal))
            {
                errors.Add($"virtualIps[{j}].device", $"interface '{device}' does not exist on node '{member.Node}'");
            }
        }
    }

    private static IEnumerable<string> NodeNames(VipGroup group) =>
        group.Members.Select(m => m?.Node).OfType<string>();
}
