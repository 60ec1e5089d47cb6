using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>Join tokens (hashed) and the certificates the CA issued, with their revocations.</summary>
public sealed class CredentialRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task AddTokenAsync(StoredJoinToken token, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.JoinTokens.Add(new JoinTokenEntity
        {
            Id = token.Id,
            SecretHash = token.SecretHash,
            Node = token.Node,
            CreatedAt = token.CreatedAt,
            ExpiresAt = token.ExpiresAt,
            CreatedBy = token.CreatedBy,
            UsedAt = token.UsedAt,
            UsedBy = token.UsedBy,
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<StoredJoinToken?> FindTokenAsync(string id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.JoinTokens.AsNoTracking().Where(t => t.Id == id)
            .Select(t => new StoredJoinToken(t.Id, t.SecretHash, t.Node, t.CreatedAt, t.ExpiresAt, t.CreatedBy, t.UsedAt, t.UsedBy))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Marks the token used and records the certificate issued for it, in one transaction; false when another enrollment
    /// used the token first (single use holds even for two at once).
    /// </summary>
    public async Task<bool> RedeemAsync(string tokenId, DateTimeOffset now, string usedBy, IssuedCertificate issued, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.JoinTokens.Where(t => t.Id == tokenId && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.UsedBy, usedBy), ct);
        if (claimed != 1)
        {
            return false;
        }

        db.IssuedCertificates.Add(Row(issued));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task AddCertificateAsync(IssuedCertificate issued, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.IssuedCertificates.Add(Row(issued));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Revokes every unrevoked certificate of <paramref name="name"/> in <paramref name="role"/>; how many there were.</summary>
    public async Task<int> RevokeAsync(string name, string role, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.IssuedCertificates.Where(c => c.Name == name && c.Role == role && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), ct);
    }

    /// <summary>Certificates revoked at or after <paramref name="since"/> (all when null), oldest first.</summary>
    public async Task<IReadOnlyList<(string Serial, string Name, DateTimeOffset RevokedAt)>> RevokedSinceAsync(DateTimeOffset? since, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.IssuedCertificates.AsNoTracking().Where(c => c.RevokedAt != null);
        if (since is { } from)
        {
            query = query.Where(c => c.RevokedAt >= from);
        }

        var rows = await query.Select(c => new { c.Serial, c.Name, RevokedAt = c.RevokedAt!.Value }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.RevokedAt).Select(r => (r.Serial, r.Name, r.RevokedAt))];
    }

    private static IssuedCertificateEntity Row(IssuedCertificate issued) => new()
    {
        Serial = issued.Serial,
        Name = issued.Name,
        Role = issued.Role,
        IssuedAt = issued.IssuedAt,
        ExpiresAt = issued.ExpiresAt,
        IssuedFor = issued.IssuedFor,
    };
}
