namespace HaCluster.Controller.Domain;

/// <summary>A join token as stored: its secret only as a hash, for one node, single use.</summary>
public sealed record StoredJoinToken(
    string Id, string SecretHash, string Node, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string CreatedBy,
    DateTimeOffset? UsedAt = null, string? UsedBy = null);

/// <summary>A certificate the controller's CA issued: to whom (CN), in which role (OU), why, until when.</summary>
public sealed record IssuedCertificate(string Serial, string Name, string Role, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string IssuedFor);
