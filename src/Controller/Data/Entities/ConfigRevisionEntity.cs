namespace HaCluster.Controller.Data.Entities;

public sealed class ConfigRevisionEntity
{
    public long Id { get; set; }

    public required string GroupName { get; set; }

    public int Revision { get; set; }

    public required string Node { get; set; }

    public required string Text { get; set; }

    public required string Hash { get; set; }

    public required string ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
