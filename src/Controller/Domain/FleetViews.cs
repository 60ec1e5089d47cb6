using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Domain;

/// <summary>A group's definition with what its members report (REST <c>GET /groups/{name}/status</c>).</summary>
public sealed record GroupStatusView(
    VipGroup Group,
    int Revision,
    GroupHealth Health,
    IReadOnlyList<string> Problems,
    DateTimeOffset? HealthSince,
    IReadOnlyList<MemberStatusView> Members,
    string? MasterNode,
    DateTimeOffset? LastFailoverAt);

/// <summary>
/// One member as its agent reports it; <see cref="State"/> is unspecified until the agent reports the instance.
/// <see cref="LastHeardAt"/>: when its agent last spoke (its hello, its 10 s reports); <see cref="Stale"/>: connected but
/// not heard for longer than <c>Fleet:StaleAfter</c> — its state is the last one known, not a live one.
/// </summary>
public sealed record MemberStatusView(
    string Node,
    string Address,
    int Priority,
    bool Connected,
    VrrpState State,
    int? EffectivePriority,
    int? AppliedRevision,
    bool Drift,
    DateTimeOffset? LastTransitionAt,
    TransitionReason? LastReason,
    DateTimeOffset? LastAdvertAt,
    HmacCounts? Hmac = null,
    NodeMaintenance? Maintenance = null,
    DateTimeOffset? LastHeardAt = null,
    bool Stale = false);

/// <summary>auth_hmac adverts of one member, as its agent last counted them (only for an instance that verifies).</summary>
public sealed record HmacCounts(long Verified, long Refused);

/// <summary>What an agent's periodic counters say of one instance.</summary>
public sealed record InstanceCountsView(DateTimeOffset? LastAdvertAt, HmacCounts? Hmac);

/// <summary>A node with its agent's connection (REST <c>GET /nodes</c>).</summary>
public sealed record NodeView(
    string Name,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Interfaces,
    string AgentVersion,
    string BootId,
    bool Connected,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? LastSeenAt,
    string? AppliedHash,
    string? DesiredHash,
    NodeMaintenance? Maintenance = null,
    bool Stale = false);

/// <summary>What an agent last said about one instance.</summary>
public sealed record InstanceView(
    VrrpState State,
    int Priority,
    int BasePriority,
    string? MasterAddress,
    DateTimeOffset? LastTransitionAt,
    TransitionReason? LastReason,
    DateTimeOffset? LastAdvertAt,
    HmacCounts? Hmac = null,
    PriorityParts? Breakdown = null);

/// <summary>What an agent says of itself in its hello, in the controller's terms.</summary>
public sealed record NodeHello(
    string Name, IReadOnlyList<string> Addresses, IReadOnlyList<string> Interfaces, string AgentVersion, string BootId, AppliedConfig Running);

/// <summary>The managed config a node runs: its hash and the revision of each group in it.</summary>
public sealed record AppliedConfig(string Hash, IReadOnlyDictionary<string, int> Groups);

/// <summary>A settled change of a group's health, to be stored as an event.</summary>
public sealed record HealthChange(string Group, GroupHealth? From, GroupHealth To, IReadOnlyList<string> Problems, DateTimeOffset At);

/// <summary>A node as stored: what its agent last said of it.</summary>
public sealed record KnownNode(string Name, NodeFacts Facts, string AgentVersion, string BootId, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);
