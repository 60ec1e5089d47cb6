namespace HaCluster.Controller.Data.Entities;

/// <summary>A node in maintenance (one row per node while it lasts).</summary>
public sealed class NodeMaintenanceEntity
{
    public required string Node { get; set; }

    public DateTimeOffset Since { get; set; }

    public DateTimeOffset? Until { get; set; }

    public string? Reason { get; set; }

    public bool Strict { get; set; }

    public required string StartedBy { get; set; }
}
