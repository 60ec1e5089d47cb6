namespace HaCluster.Controller.Data.Entities;

/// <summary>A join token: only the SHA-256 of its secret is kept; used once, before it expires, by the node it names.</summary>
public sealed class JoinTokenEntity
{
    public required string Id { get; set; }

    public required string SecretHash { get; set; }

    public required string Node { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The address the enrollment came from.</summary>
    public string? UsedBy { get; set; }
}
