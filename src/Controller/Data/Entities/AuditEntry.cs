namespace HaCluster.Controller.Data.Entities;

public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Who { get; set; }

    public required string Action { get; set; }

    public required string GroupName { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}
