namespace HaCluster.Controller.Data.Entities;

/// <summary>An API key: only the SHA-256 of its secret is kept.</summary>
public sealed class ApiKeyEntity
{
    public required string Id { get; set; }

    public required string SecretHash { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A local user: the password as ASP.NET Core Identity's hash, failures in a row, the lockout, and a stamp changed with the password or role.</summary>
public sealed class UserEntity
{
    public required string Name { get; set; }

    public required string PasswordHash { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public required string Stamp { get; set; }
}
