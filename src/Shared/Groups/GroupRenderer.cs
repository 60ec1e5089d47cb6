using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Groups;

/// <summary>
/// Turns a validated group into each member's keepalived.conf, through <see cref="KeepalivedConfigRenderer"/>:
/// the same VRID, VIPs and authentication everywhere, and per node its own priority, <c>unicast_src_ip</c>
/// and the other members as <c>unicast_peer</c>. Pure: the text depends only on the arguments.
/// </summary>
public static class GroupRenderer
{
    public const string InstancePrefix = "HC_";

    /// <summary>The keepalived.conf for one member of one group.</summary>
    /// <exception cref="ArgumentException"><paramref name="node"/> is not a member, or the group was not validated.</exception>
    public static string RenderFor(VipGroup group, string node, GlobalDefs? global = null) =>
        KeepalivedConfigRenderer.Render(new KeepalivedConfig(global ?? new GlobalDefs(), [ToInstance(group, node)]));

    /// <summary>
    /// One keepalived.conf with every group <paramref name="node"/> is a member of, ordered by group name so the same
    /// groups always give the same text (and <see cref="Hash"/>). A node in no group gets global_defs only, which
    /// makes keepalived release whatever it held.
    /// </summary>
    public static string RenderNode(IEnumerable<VipGroup> groups, string node, GlobalDefs? global = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var instances = groups
            .Where(g => GroupValidator.OrEmpty(g.Members).Any(m => m.Node == node))
            .OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => ToInstance(g, node))
            .ToImmutableArray();
        return KeepalivedConfigRenderer.Render(new KeepalivedConfig(global ?? new GlobalDefs(), instances));
    }

    /// <summary>SHA-256 of the UTF-8 text as lowercase hex: the revision of a rendered config.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>keepalived-safe instance name: <c>HC_</c> plus the group name, anything outside A-Z a-z 0-9 _ . - as '_'.</summary>
    public static string InstanceName(string groupName) =>
        InstancePrefix + new string([.. groupName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_')]);

    /// <summary>The model of <paramref name="node"/>'s instance for <paramref name="group"/>, as <see cref="RenderFor"/> writes it.</summary>
    public static VrrpInstanceConfig ToInstance(VipGroup group, string node)
    {
        ArgumentNullException.ThrowIfNull(group);
        var members = GroupValidator.OrEmpty(group.Members);
        var index = IndexOf(members, node);
        if (index < 0)
        {
            throw new ArgumentException($"node '{node}' is not a member of group '{group.Name}'", nameof(node));
        }

        var member = members[index];
        var withPass = group.Version == 2 && !string.IsNullOrEmpty(group.AuthPass);
        return new VrrpInstanceConfig(InstanceName(group.Name), group.Interface, checked((byte)group.Vrid))
        {
            // keepalived drops nopreempt and preempt_delay on a MASTER, so with either everyone starts BACKUP.
            InitialState = group.Preempt && group.PreemptDelay == 0 && index == Highest(members) ? InitialState.Master : InitialState.Backup,
            Priority = checked((byte)member.Priority),
            AdvertInterval = TimeSpan.FromMilliseconds(10 * Math.Round(group.AdvertInterval * 100)),
            Version = group.Version,
            Preempt = group.Preempt,
            PreemptDelay = TimeSpan.FromTicks((long)Math.Round((decimal)group.PreemptDelay * TimeSpan.TicksPerSecond)),
            AuthType = withPass ? AuthType.Pass : AuthType.None,
            AuthPass = withPass ? group.AuthPass : null,
            UnicastSourceIp = Ipv4.Parse(member.Address, $"members[{index}].address"),
            UnicastPeers = [.. members.Where((_, i) => i != index).Select(m => new UnicastPeer(Ipv4.Parse(m.Address, m.Node)))],
            VirtualIps = [.. GroupValidator.OrEmpty(group.VirtualIps).Select(ToVirtualIp)],
        };
    }

    private static int IndexOf(ImmutableArray<GroupMember> members, string node)
    {
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].Node == node)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first of equal priorities wins; validation forbids ties, so this only keeps rendering total.</summary>
    private static int Highest(ImmutableArray<GroupMember> members)
    {
        var best = 0;
        for (var i = 1; i < members.Length; i++)
        {
            best = members[i].Priority > members[best].Priority ? i : best;
        }

        return best;
    }

    private static VirtualIp ToVirtualIp(GroupVip vip)
    {
        if (!Ipv4.TryParseWithPrefix(vip.Address, out var address, out var prefix))
        {
            throw new ArgumentException($"virtual IP '{vip.Address}' is not an IPv4 address; validate the group first", nameof(vip));
        }

        return new VirtualIp(address, prefix) { Device = vip.Device, Label = vip.Label };
    }
}
