using HaCluster.Shared.Config;

namespace HaCluster.Controller.Domain;

/// <summary>
/// A node drained for planned work: its agent advertises priority 1 in every group (master only as a last resort, or
/// never with <see cref="Strict"/>) until it is ended or <see cref="Until"/> passes. Stored, so that it survives
/// restarts of the controller; pushed in the node's config, so that it survives restarts of the agent.
/// </summary>
public sealed record NodeMaintenance(string Node, DateTimeOffset Since, DateTimeOffset? Until, string? Reason, bool Strict, string By)
{
    public const int MaxReason = 500;

    public MaintenanceMode Mode => Strict ? MaintenanceMode.Strict : MaintenanceMode.LastResort;

    public string Describe() =>
        $"{(Strict ? "strict maintenance" : "maintenance")}{(Until is { } until ? $" until {until:yyyy-MM-dd HH:mm:ss}Z" : "")}{(Reason is { Length: > 0 } why ? $" ({why})" : "")}";
}
