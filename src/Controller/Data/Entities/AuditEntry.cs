namespace HaCluster.Controller.Data.Entities;

public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Who { get; set; }

    public string Role { get; set; } = "";

    public string? Address { get; set; }

    public string? RequestId { get; set; }

    /// <summary>What was acted on: a group, a user, a key id, a node, a route.</summary>
    public string Target { get; set; } = "";

    public string? Detail { get; set; }

    public required string Action { get; set; }

    public required string GroupName { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}
