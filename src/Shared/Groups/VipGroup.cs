using System.Collections.Immutable;

namespace HaCluster.Shared.Groups;

/// <summary>
/// The desired state of one VIP group as the REST API carries it: plain JSON values, checked by
/// <see cref="GroupValidator"/> and turned into each member's keepalived.conf by <see cref="GroupRenderer"/>.
/// Settings left out of the JSON take keepalived's defaults (version 2, 1 s adverts, preempt on).
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
    ImmutableArray<GroupVip> VirtualIps = default,
    ImmutableArray<GroupMember> Members = default)
{
    /// <summary>Value equality for the lists too (ImmutableArray alone compares references), so an unchanged group compares equal.</summary>
    public bool Equals(VipGroup? other) =>
        other is not null
        && (Name, Vrid, Interface, Version, AdvertInterval, AuthPass, Preempt, PreemptDelay)
            .Equals((other.Name, other.Vrid, other.Interface, other.Version, other.AdvertInterval, other.AuthPass, other.Preempt, other.PreemptDelay))
        && GroupValidator.OrEmpty(VirtualIps).SequenceEqual(GroupValidator.OrEmpty(other.VirtualIps))
        && GroupValidator.OrEmpty(Members).SequenceEqual(GroupValidator.OrEmpty(other.Members));

    public override int GetHashCode() => HashCode.Combine(Name, Vrid, Interface, Version, AdvertInterval, AuthPass, Preempt, PreemptDelay);
}

/// <summary>A virtual address, <c>192.0.2.100</c> or <c>192.0.2.100/24</c>; no device means the group's interface.</summary>
public sealed record GroupVip(string Address, string? Device = null, string? Label = null);

/// <summary>One node taking part in the group, with the address it sends and receives adverts on.</summary>
public sealed record GroupMember(string Node, string Address, int Priority);

/// <summary>What an agent reported about its node, for checking a group against the real machines.</summary>
public sealed record NodeFacts(IReadOnlyList<string> Addresses, IReadOnlyList<string> Interfaces);

/// <summary>One problem with a group; <see cref="Path"/> is the JSON path of the offending value, e.g. <c>members[1].priority</c>.</summary>
public sealed record GroupError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
