using HaCluster.Shared.Groups;

namespace HaCluster.Controller.Fleet;

/// <summary>Group health, worst first: what the dashboard colours and alerts fire on.</summary>
public static class Health
{
    public const string Ok = "ok";
    public const string NoMaster = "no_master";
    public const string SplitBrain = "split_brain";
    public const string Unreachable = "unreachable";
    public const string Drift = "drift";
}

/// <summary>A group's definition with what its members report (REST <c>GET /groups/{name}/status</c>).</summary>
public sealed record GroupStatusView(
    VipGroup Group,
    int Revision,
    string Health,
    IReadOnlyList<string> Problems,
    DateTimeOffset? HealthSince,
    IReadOnlyList<MemberStatusView> Members,
    string? MasterNode,
    DateTimeOffset? LastFailoverAt);

/// <summary>One member as its agent reports it; <see cref="State"/> is UNKNOWN until the agent reports the instance.</summary>
public sealed record MemberStatusView(
    string Node,
    string Address,
    int Priority,
    bool Connected,
    string State,
    int? EffectivePriority,
    int? AppliedRevision,
    bool Drift,
    DateTimeOffset? LastTransitionAt,
    string? LastReason,
    DateTimeOffset? LastAdvertAt);

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
    string? DesiredHash);

/// <summary>What an agent last said about one instance.</summary>
public sealed record InstanceView(
    string State,
    int Priority,
    int BasePriority,
    string? MasterAddress,
    DateTimeOffset? LastTransitionAt,
    string? LastReason,
    DateTimeOffset? LastAdvertAt);
