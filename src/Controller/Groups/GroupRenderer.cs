using System.Security.Cryptography;
using System.Text;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Collections;
using HaCluster.Shared.Config;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Turns a validated group into each member's keepalived.conf, through <see cref="KeepalivedConfigRenderer"/>:
/// the same VRID, VIPs and authentication everywhere, and per node its own priority, <c>unicast_src_ip</c>
/// and the other members as <c>unicast_peer</c>. Pure: the text depends only on the arguments.
/// </summary>
public static class GroupRenderer
{
    public const string InstancePrefix = "HC_";

    /// <summary>The highest priority a member that does not own the VIPs may advertise.</summary>
    private const int MaxPriority = 254;

    /// <summary>global_defs with keepalived's defaults: the head of every rendered file.</summary>
    private static readonly string Header = KeepalivedConfigRenderer.RenderGlobal(new GlobalDefs());

    /// <summary>
    /// <paramref name="node"/>'s part of <paramref name="group"/> at <paramref name="revision"/>: its vrrp_instance
    /// block, and that block alone as a keepalived.conf (what is stored, shown and downloaded). Rendered once per
    /// member and revision; node configs are put together from these.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="node"/> is not a member, or the group was not validated.</exception>
    public static MemberConfig RenderMember(VipGroup group, int revision, string node, MaintenanceMode maintenance = MaintenanceMode.None)
    {
        var model = ToInstance(group, node);
        var instance = KeepalivedConfigRenderer.RenderInstance(model with { Handoff = model.Handoff with { Maintenance = maintenance } });
        var text = Compose([instance]);
        return new MemberConfig(group.Name, revision, node, instance, text, Hash(text));
    }

    /// <summary>Every member's part of a group's revision.</summary>
    public static IReadOnlyList<MemberConfig> RenderMembers(VipGroup group, int revision) =>
        [.. group.Members.Select(m => RenderMember(group, revision, m.Node))];

    /// <summary>
    /// One keepalived.conf with <paramref name="node"/>'s part of every group it is a member of, ordered by group name
    /// so the same groups always give the same text (and hash). A node in no group gets global_defs only, which makes
    /// keepalived release whatever it held.
    /// </summary>
    public static NodeConfig ComposeNode(string node, IEnumerable<MemberConfig> parts)
    {
        var ordered = parts.OrderBy(p => p.Group, StringComparer.Ordinal).ToList();
        var text = Compose(ordered.Select(p => p.Instance));
        return new NodeConfig(node, text, Hash(text), [.. ordered.Select(p => new GroupRevisionRef(p.Group, p.Revision))]);
    }

    /// <summary>The keepalived.conf for one member of one group (<see cref="RenderMember"/>'s text).</summary>
    public static string RenderFor(VipGroup group, string node) => RenderMember(group, 0, node).Text;

    /// <summary>The keepalived.conf of a node in <paramref name="groups"/> (<see cref="ComposeNode"/> of their parts).</summary>
    public static string RenderNode(IEnumerable<VipGroup> groups, string node) =>
        ComposeNode(node, groups.Where(g => g.Members.Any(m => m.Node == node)).Select(g => RenderMember(g, 0, node))).Text;

    private static string Compose(IEnumerable<string> instances)
    {
        var text = new StringBuilder(Header);
        foreach (var instance in instances)
        {
            text.Append('\n').Append(instance);
        }

        return text.ToString();
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
        var members = group.Members;
        var index = IndexOf(members, node);
        if (index < 0)
        {
            throw new ArgumentException($"node '{node}' is not a member of group '{group.Name}'", nameof(node));
        }

        var member = members[index];
        var priorities = Priorities(group);
        var primary = group.Primary is { } chosen ? IndexOf(members, chosen) : -1;
        var withPass = group.Version == 2 && !string.IsNullOrEmpty(group.AuthPass);
        return new VrrpInstanceConfig(InstanceName(group.Name), group.Interface, checked((byte)group.Vrid))
        {
            // keepalived drops nopreempt and preempt_delay on a MASTER, so with either everyone starts BACKUP.
            InitialState = group.Preempt && group.PreemptDelay == 0 && index == Highest(priorities) ? InitialState.Master : InitialState.Backup,
            Priority = checked((byte)priorities[index]),
            AdvertInterval = TimeSpan.FromMilliseconds(10 * Math.Round(group.AdvertInterval * 100)),
            Version = group.Version,
            Preempt = group.Preempt,
            PreemptDelay = TimeSpan.FromTicks((long)Math.Round((decimal)group.PreemptDelay * TimeSpan.TicksPerSecond)),
            AuthType = withPass && !group.UsesHmac ? AuthType.Pass : AuthType.None,
            AuthPass = withPass && !group.UsesHmac ? group.AuthPass : null,
            Hmac = group.UsesHmac && group.Keyring is { } keyring ? Hmac(keyring) : null,
            UnicastSourceIp = Ipv4.Parse(member.Address, $"members[{index}].address"),
            UnicastPeers = [.. members.Where((_, i) => i != index).Select(m => new UnicastPeer(Ipv4.Parse(m.Address, m.Node)))],
            VirtualIps = [.. group.VirtualIps.Select(ToVirtualIp)],
            Handoff = primary < 0 ? HandoffConfig.None : new HandoffConfig
            {
                Primary = Ipv4.Parse(members[primary].Address, group.Primary!),
                Linger = TimeSpan.FromMilliseconds(Math.Round(group.Linger * 1000)),
            },
        };
    }

    /// <summary>
    /// Each member's priority as rendered: as configured, except that a chosen master (<see cref="VipGroup.Primary"/>)
    /// is raised just above every other member (tracking weights keep their meaning), the others lowered below it only
    /// if they sit at the top already.
    /// </summary>
    public static int[] Priorities(VipGroup group)
    {
        var members = group.Members;
        var priorities = members.Select(m => m.Priority).ToArray();
        if (group.Primary is not { } chosen || IndexOf(members, chosen) is var primary && primary < 0)
        {
            return priorities;
        }

        var others = priorities.Where((_, i) => i != primary).DefaultIfEmpty(0).Max();
        priorities[primary] = Math.Max(priorities[primary], Math.Min(MaxPriority, others + 1));
        for (var i = 0; i < priorities.Length; i++)
        {
            priorities[i] = i == primary ? priorities[i] : Math.Min(priorities[i], priorities[primary] - 1);
        }

        return priorities;
    }

    /// <summary>The group's keys as auth_hmac: every key it holds (a new one is accepted before it signs), the active one, the mode.</summary>
    private static HmacAuthConfig Hmac(GroupKeyring keyring) => new()
    {
        Keys = [.. keyring.Keys.Select(k => new HmacKey(checked((byte)k.Id), [.. Convert.FromHexString(k.Secret)]))],
        ActiveKey = checked((byte)keyring.ActiveKey),
        Mode = keyring.Mode switch
        {
            GroupKeyring.ReceiveOnly => HmacMode.ReceiveOnly,
            GroupKeyring.Permissive => HmacMode.Permissive,
            _ => HmacMode.Enforce,
        },
    };

    private static int IndexOf(EquatableArray<Member> members, string node)
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
    private static int Highest(int[] priorities)
    {
        var best = 0;
        for (var i = 1; i < priorities.Length; i++)
        {
            best = priorities[i] > priorities[best] ? i : best;
        }

        return best;
    }

    private static VirtualIp ToVirtualIp(Vip vip)
    {
        if (!Ipv4.TryParseWithPrefix(vip.Address, out var address, out var prefix))
        {
            throw new ArgumentException($"virtual IP '{vip.Address}' is not an IPv4 address; validate the group first", nameof(vip));
        }

        return new VirtualIp(address, prefix) { Device = vip.Device, Label = vip.Label };
    }
}
