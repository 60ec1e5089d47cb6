namespace HaCluster.Controller.Data.Entities;

public sealed class GroupEntity
{
    public required string Name { get; set; }

    /// <summary>The group as the REST API carries it, serialised with <c>GroupJson</c>.</summary>
    public required string Json { get; set; }

    public int Revision { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
