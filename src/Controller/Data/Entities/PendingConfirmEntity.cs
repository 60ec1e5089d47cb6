namespace HaCluster.Controller.Data.Entities;

/// <summary>A group's save waiting for its confirmation (one row per group while it waits).</summary>
public sealed class PendingConfirmEntity
{
    public required string GroupName { get; set; }

    public int Revision { get; set; }

    public int RevertTo { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public long WithinSeconds { get; set; }

    public required string StartedBy { get; set; }
}
