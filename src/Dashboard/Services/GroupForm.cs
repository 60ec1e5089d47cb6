using System.Globalization;
using HaCluster.Contracts;

namespace HaCluster.Dashboard.Services;

/// <summary>The create/edit form's model: plain mutable fields bound to inputs, turned into the API's group.</summary>
public sealed class GroupForm
{
    public string Name { get; set; } = "";
    public int Vrid { get; set; } = 51;
    public string Interface { get; set; } = "eth0";
    public int Version { get; set; } = 2;
    public double AdvertInterval { get; set; } = 1;
    /// <summary>A new password (write-only: the controller never sends the stored one back); empty keeps the stored one.</summary>
    public string AuthPass { get; set; } = "";

    /// <summary>Whether the stored group has a password (the form shows that, never the value).</summary>
    public bool AuthPassSet { get; set; }

    /// <summary>Remove the stored password.</summary>
    public bool ClearAuthPass { get; set; }

    /// <summary>"" (none or PASS, by the password) or "hmac": signed adverts, keys made and rotated by the controller.</summary>
    public string Auth { get; set; } = "";

    public bool UsesHmac => Auth == "hmac";
    public bool Preempt { get; set; } = true;
    public double PreemptDelay { get; set; }

    /// <summary>Seconds a master handing over keeps answering (make-before-break).</summary>
    public double Linger { get; set; } = 0.3;

    /// <summary>A failover drill's schedule (cron, UTC); empty: none.</summary>
    public string DrillSchedule { get; set; } = "";

    public int DrillLimitMs { get; set; } = 2000;

    // Whether the group read had them: a round trip sends back exactly what it read (unset stays unset).
    private bool _lingerSet;
    private bool _drillLimitSet;

    /// <summary>Confirm-or-revert for this save: "" (none), or "5m": it goes back by itself unless confirmed in time.</summary>
    public string ConfirmWithin { get; set; } = "";

    public List<VipRow> VirtualIps { get; } = [new()];
    public List<MemberRow> Members { get; } = [];

    public sealed class VipRow
    {
        public string Address { get; set; } = "";
        public string Device { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class MemberRow
    {
        public string Node { get; set; } = "";
        public string Address { get; set; } = "";
        public int Priority { get; set; } = 100;
    }

    public static GroupForm From(Group group)
    {
        var form = new GroupForm
        {
            Name = group.Name,
            Vrid = group.Vrid,
            Interface = group.Interface,
            Version = group.Version,
            AdvertInterval = group.AdvertInterval,
            AuthPassSet = group.AuthPassSet,
            Auth = group.Auth == "hmac" ? "hmac" : "",
            Preempt = group.Preempt,
            PreemptDelay = group.PreemptDelay,
            Linger = group.HasLinger ? group.Linger : 0.3,
            DrillSchedule = group.DrillSchedule,
            DrillLimitMs = group.HasDrillLimitMs ? group.DrillLimitMs : 2000,
            _lingerSet = group.HasLinger,
            _drillLimitSet = group.HasDrillLimitMs,
        };
        form.VirtualIps.Clear();
        form.VirtualIps.AddRange(group.VirtualIps.Select(v => new VipRow { Address = v.Address, Device = v.Device, Label = v.Label }));
        form.Members.AddRange(group.Members.Select(m => new MemberRow { Node = m.Node, Address = m.Address, Priority = m.Priority }));
        return form;
    }

    public Group ToGroup()
    {
        var group = new Group
        {
            Name = Name.Trim(),
            Vrid = Vrid,
            Interface = Interface.Trim(),
            Version = Version,
            AdvertInterval = AdvertInterval,
            AuthPass = Version == 2 && !ClearAuthPass && !UsesHmac ? AuthPass.Trim() : "",
            ClearAuthPass = ClearAuthPass || ((Version == 3 || UsesHmac) && AuthPassSet),
            Auth = Auth,
            Preempt = Preempt,
            PreemptDelay = PreemptDelay,
            DrillSchedule = DrillSchedule.Trim(),
        };
        if (_lingerSet || Linger != 0.3)
        {
            group.Linger = Linger;
        }

        if (_drillLimitSet || DrillLimitMs != 2000)
        {
            group.DrillLimitMs = DrillLimitMs;
        }

        group.VirtualIps.AddRange(VirtualIps.Where(v => v.Address.Trim().Length > 0)
            .Select(v => new GroupVip { Address = v.Address.Trim(), Device = v.Device.Trim(), Label = v.Label.Trim() }));
        group.Members.AddRange(Members.Select(m => new GroupMember { Node = m.Node, Address = m.Address.Trim(), Priority = m.Priority }));
        return group;
    }

    /// <summary>The JSON path of every input the form shows (errors at other paths go in its summary).</summary>
    public IReadOnlySet<string> FieldPaths() =>
        new HashSet<string>(
            ["name", "vrid", "interface", "version", "advertInterval", "auth", "authPass", "preempt", "preemptDelay", "linger", "drillSchedule", "drillLimitMs",
             .. VirtualIps.SelectMany((_, i) => new[] { $"virtualIps[{i}].address", $"virtualIps[{i}].device", $"virtualIps[{i}].label" }),
             .. Members.SelectMany((_, i) => new[] { $"members[{i}].node", $"members[{i}].address", $"members[{i}].priority" })],
            StringComparer.Ordinal);

    /// <summary>A node's first address without its prefix, offered when the node is picked as a member.</summary>
    public static string FirstAddress(Node? node) =>
        node?.Addresses.FirstOrDefault() is { } address ? address.Split('/')[0] : "";

    public static string Seconds(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
