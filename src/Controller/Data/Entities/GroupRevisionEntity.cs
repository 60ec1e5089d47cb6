namespace HaCluster.Controller.Data.Entities;

/// <summary>
/// One revision of a group's desired state, as saved: the group as readers see it (no password, no key), who saved it,
/// how (create, update, rollback, an HMAC step) and why (an optional comment). Kept after the group is deleted.
/// </summary>
public sealed class GroupRevisionEntity
{
    public long Id { get; set; }

    public required string GroupName { get; set; }

    public int Revision { get; set; }

    public required string Json { get; set; }

    public required string Action { get; set; }

    public required string ChangedBy { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public string? Comment { get; set; }
}
