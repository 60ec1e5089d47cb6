namespace HaCluster.Controller.Data.Entities;

/// <summary>A failover drill of a group: when, by whom, how it went, and its steps (JSON).</summary>
public sealed class DrillEntity
{
    public long Id { get; set; }

    public required string GroupName { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public required string StartedBy { get; set; }

    public bool Ok { get; set; }

    public required string Detail { get; set; }

    public required string StepsJson { get; set; }
}
