using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Domain;

/// <summary>An API key as listed: never its secret (only a hash of it is stored).</summary>
public sealed record ApiKeyInfo(string Id, string Name, Role Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>A local user as listed: never the password hash.</summary>
public sealed record LocalUser(string Name, Role Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LockedUntil);

/// <summary>A local user with what signing in needs: the password hash, failures in a row, and the stamp that ends old sessions.</summary>
public sealed record StoredUser(LocalUser User, string PasswordHash, int FailedSignIns, string Stamp);
