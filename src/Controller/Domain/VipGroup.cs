using HaCluster.Shared.Collections;

namespace HaCluster.Controller.Domain;

/// <summary>
/// The desired state of one VIP group: checked by the validator, turned into each member's keepalived.conf by the
/// renderer. Settings left out take keepalived's defaults (version 2, 1 s adverts, preempt on). Until validated it is
/// the group as sent (a missing name is empty, a null list element stays null, so that every problem can be named);
/// its lists compare by value, so an unchanged group compares equal. <see cref="Primary"/> is the member chosen as
/// master by a planned switchover (null: the priorities decide), <see cref="Linger"/> how long, in seconds, a master
/// stepping down to it keeps answering (make-before-break). <see cref="DrillSchedule"/> (cron, UTC) runs a failover
/// drill, each step of which must take over within <see cref="DrillLimitMs"/>. <see cref="Auth"/> is <c>null</c>/<c>"none"</c>/<c>"pass"</c>
/// (with <see cref="AuthPass"/>) or <c>"hmac"</c>; <see cref="Keyring"/> is the controller's, never taken from a request.
/// </summary>
public sealed record VipGroup(
    string Name,
    int Vrid,
    string Interface,
    int Version = 2,
    double AdvertInterval = 1,
    string? AuthPass = null,
    bool Preempt = true,
    double PreemptDelay = 0,
    EquatableArray<Vip> VirtualIps = default,
    EquatableArray<Member> Members = default,
    string? Auth = null,
    GroupKeyring? Keyring = null,
    string? Primary = null,
    double Linger = VipGroup.DefaultLingerSeconds,
    string? DrillSchedule = null,
    int DrillLimitMs = VipGroup.DefaultDrillLimitMs)
{
    /// <summary>A drill step whose takeover comes later than this after the request fails the drill, unless the group says.</summary>
    public const int DefaultDrillLimitMs = 2000;

    /// <summary>How long a master that hands over keeps answering, unless the group says (<see cref="Linger"/>).</summary>
    public const double DefaultLingerSeconds = 0.3;

    public const double MaxLingerSeconds = 10;

    /// <summary><c>"auth": "hmac"</c>: adverts signed with keys the controller makes and rotates (keepalived 2.4's auth_hmac).</summary>
    public const string Hmac = "hmac";

    public bool UsesHmac => Auth == Hmac;
}

/// <summary>A virtual address, <c>192.0.2.100</c> or <c>192.0.2.100/24</c>; no device means the group's interface.</summary>
public sealed record Vip(string Address, string? Device = null, string? Label = null);

/// <summary>One node taking part in the group, with the address it sends and receives adverts on.</summary>
public sealed record Member(string Node, string Address, int Priority);

/// <summary>What an agent reported about its node, for checking a group against the real machines.</summary>
public sealed record NodeFacts(IReadOnlyList<string> Addresses, IReadOnlyList<string> Interfaces);

/// <summary>One problem with a group; <see cref="Path"/> is the JSON path of the offending value, e.g. <c>members[1].priority</c>.</summary>
public sealed record GroupError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A group at one of its revisions.</summary>
public sealed record StoredGroup(VipGroup Group, int Revision);

/// <summary>A group saved in a change: before, after, or both.</summary>
public sealed record GroupChange(StoredGroup? Before, StoredGroup? After)
{
    public string Name => (After ?? Before)!.Group.Name;

    /// <summary>Every node that was or is a member: their configs may have changed.</summary>
    public IEnumerable<string> Nodes => NodesOf(Before).Union(NodesOf(After), StringComparer.Ordinal);

    private static IEnumerable<string> NodesOf(StoredGroup? group) => group is null ? [] : group.Group.Members.Select(m => m.Node);
}

/// <summary>One node's whole managed config, as pushed: every group it is a member of, rendered once per revision.</summary>
public sealed record NodeConfig(string Node, string Text, string Hash, IReadOnlyList<GroupRevisionRef> Groups);

public sealed record GroupRevisionRef(string Group, int Revision);

/// <summary>
/// One member's part of a group's revision: its vrrp_instance block, and that block alone as a keepalived.conf
/// (<see cref="Text"/>, with its <see cref="Hash"/>) — what is stored, shown and downloaded.
/// </summary>
public sealed record MemberConfig(string Group, int Revision, string Node, string Instance, string Text, string Hash);

/// <summary>What changed between two revisions: each member's config as a line diff (" ", "+", "-"), and whether the desired state differs.</summary>
public sealed record RevisionDiff(int From, int To, bool GroupChanged, IReadOnlyList<MemberDiff> Members);

public sealed record MemberDiff(string Node, IReadOnlyList<string> Lines);

/// <summary>
/// A save to be confirmed (VyOS's commit-confirm): unless confirmed by <see cref="Deadline"/>, the group goes back to
/// revision <see cref="RevertTo"/> (the last confirmed state) by itself.
/// </summary>
public sealed record PendingConfirm(string Group, int Revision, int RevertTo, DateTimeOffset Deadline, TimeSpan Within, string By)
{
    public static readonly TimeSpan MinWithin = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxWithin = TimeSpan.FromDays(1);
}

/// <summary>A failover drill: over to the next member and back, each step's handoff as the agents reported it.</summary>
public sealed record DrillRecord(long Id, string Group, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string By, bool Ok, string Detail, IReadOnlyList<DrillStep> Steps);

/// <summary>One step of a drill: a switchover, with its figures.</summary>
public sealed record DrillStep(string? From, string To, bool Completed, double? TookMs, double? HandoffMs, string Detail);
