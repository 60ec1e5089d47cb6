using System.Net;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

internal static class GroupMemberRules
{
    /// <summary>RFC 3768 §5.3.4 / RFC 5798 §5.2.4: 255 belongs to the router that owns the virtual address.</summary>
    private const int OwnerPriority = 255;

    public static void Check(VipGroup group, IReadOnlyList<IPAddress?> vips, GroupErrorList errors)
    {
        var members = group.Members;
        if (members.Length < 2)
        {
            errors.Add("members", $"at least 2 members are required, found {members.Length}");
        }

        var nodes = new Dictionary<string, int>(StringComparer.Ordinal);
        var addresses = new Dictionary<IPAddress, int>();
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i] is not { } member)
            {
                errors.Add($"members[{i}]", "must be an object, not null");
                continue;
            }

            CheckNode(member, i, nodes, errors);
            var address = CheckAddress(member, i, addresses, errors);
            CheckPriority(member, i, address, vips, group.Preempt, errors);
        }

        CheckEqualPriorities(members, errors);
    }

    private static void CheckNode(Member member, int i, Dictionary<string, int> seen, GroupErrorList errors)
    {
        if (string.IsNullOrWhiteSpace(member.Node) || member.Node.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add($"members[{i}].node", $"'{member.Node}' is not a node name: it is required and has no whitespace");
        }
        else if (!seen.TryAdd(member.Node, i))
        {
            errors.Add($"members[{i}].node", $"node '{member.Node}' is already a member at members[{seen[member.Node]}]");
        }
    }

    private static IPAddress? CheckAddress(Member member, int i, Dictionary<IPAddress, int> seen, GroupErrorList errors)
    {
        if (!Ipv4.TryParse(member.Address, out var address) || !Ipv4.IsUnicast(address))
        {
            errors.Add($"members[{i}].address", $"'{member.Address}' is not a unicast IPv4 address (no prefix)");
            return null;
        }

        if (!seen.TryAdd(address, i))
        {
            errors.Add($"members[{i}].address", $"{address} is already the address of members[{seen[address]}]");
        }

        return address;
    }

    private static void CheckPriority(
        Member member, int i, IPAddress? address, IReadOnlyList<IPAddress?> vips, bool preempt, GroupErrorList errors)
    {
        var ownsVip = address is not null && vips.Contains(address);
        if (member.Priority is < 1 or > OwnerPriority)
        {
            errors.Add($"members[{i}].priority", $"{member.Priority} is not a priority: it must be 1–254 (255 for the address owner)");
        }
        else if (member.Priority == OwnerPriority && address is not null && !ownsVip)
        {
            errors.Add($"members[{i}].priority", $"255 is reserved for the address owner, and {address} is not one of the group's virtual IPs");
        }
        else if (member.Priority == OwnerPriority && !preempt)
        {
            // The owner always takes the address back; keepalived drops nopreempt at priority 255.
            errors.Add("preempt", $"must be true: member '{member.Node}' (members[{i}]) owns a virtual IP with priority 255, and an owner always preempts");
        }

        if (ownsVip && member.Priority != OwnerPriority)
        {
            errors.Add($"members[{i}].address", $"{address} is a virtual IP of this group: only its owner may use it, with priority 255");
        }
    }

    /// <summary>Equal priorities leave the master to address tie-breaking; reported at every member involved.</summary>
    private static void CheckEqualPriorities(IReadOnlyList<Member?> members, GroupErrorList errors)
    {
        var indexed = members.Select((m, i) => (Member: m, Index: i)).Where(x => x.Member is not null).ToList();
        foreach (var (member, i) in indexed)
        {
            var same = indexed.Where(x => x.Index != i && x.Member!.Priority == member!.Priority).Select(x => Describe(x.Member!, x.Index)).ToList();
            if (same.Count > 0)
            {
                errors.Add($"members[{i}].priority",
                    $"priority {member!.Priority} is also the priority of {string.Join(", ", same)}: priorities must differ so the master is predictable");
            }
        }
    }

    private static string Describe(Member member, int index) =>
        string.IsNullOrEmpty(member.Node) ? $"members[{index}]" : $"'{member.Node}' (members[{index}])";
}
