using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>API keys (hashed) and local users (Identity's password hashes), for sign-in and their management.</summary>
public sealed class AccessRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task AddKeyAsync(ApiKeyInfo key, string secretHash, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ApiKeys.Add(new ApiKeyEntity
        {
            Id = key.Id,
            SecretHash = secretHash,
            Name = key.Name,
            Role = key.Role.Name(),
            CreatedAt = key.CreatedAt,
            CreatedBy = key.CreatedBy,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The key with its secret's hash, or null.</summary>
    public async Task<(ApiKeyInfo Key, string SecretHash)?> FindKeyAsync(string id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        return row is null ? null : (Key(row), row.SecretHash);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().ToListAsync(ct);
        return [.. rows.OrderBy(r => r.CreatedAt).Select(Key)];
    }

    /// <summary>Revokes the key; false when there is no such unrevoked key.</summary>
    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct) == 1;
    }

    public async Task<bool> AnyUserAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(ct);
    }

    /// <summary>Adds the user; false when the name is taken.</summary>
    public async Task<bool> AddUserAsync(LocalUser user, string passwordHash, string stamp, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.Name == user.Name, ct))
        {
            return false;
        }

        db.Users.Add(new UserEntity
        {
            Name = user.Name,
            PasswordHash = passwordHash,
            Role = user.Role.Name(),
            CreatedAt = user.CreatedAt,
            CreatedBy = user.CreatedBy,
            Stamp = stamp,
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<StoredUser?> FindUserAsync(string name, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Name == name, ct);
        return row is null ? null : new StoredUser(User(row), row.PasswordHash, row.FailedSignIns, row.Stamp);
    }

    public async Task<IReadOnlyList<LocalUser>> ListUsersAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Users.AsNoTracking().ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).Select(User)];
    }

    /// <summary>After a sign-in: failures in a row back to 0 (success), or one more and a lockout when they reach the limit.</summary>
    public async Task RecordSignInAsync(string name, bool succeeded, int lockoutAfter, DateTimeOffset lockedUntil, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Users.SingleOrDefaultAsync(u => u.Name == name, ct);
        if (row is null)
        {
            return;
        }

        if (succeeded)
        {
            (row.FailedSignIns, row.LockedUntil) = (0, null);
        }
        else if (++row.FailedSignIns >= lockoutAfter)
        {
            (row.FailedSignIns, row.LockedUntil) = (0, lockedUntil);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sets the role and/or the password (each when given) with a new stamp, which ends the user's sessions; false when there is no such user.</summary>
    public async Task<bool> UpdateUserAsync(string name, Role? role, string? passwordHash, string stamp, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Users.SingleOrDefaultAsync(u => u.Name == name, ct);
        if (row is null)
        {
            return false;
        }

        row.Role = role?.Name() ?? row.Role;
        row.PasswordHash = passwordHash ?? row.PasswordHash;
        (row.Stamp, row.FailedSignIns, row.LockedUntil) = (stamp, 0, null);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<bool> DeleteUserAsync(string name, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Name == name).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>How many users have <paramref name="role"/> (the last admin is never removed).</summary>
    public async Task<int> CountUsersAsync(Role role, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var name = role.Name();
        return await db.Users.CountAsync(u => u.Role == name, ct);
    }

    private static ApiKeyInfo Key(ApiKeyEntity row) =>
        new(row.Id, row.Name, Names.TryParse(row.Role, out Role role) ? role : Role.Unspecified, row.CreatedAt, row.CreatedBy, row.RevokedAt);

    private static LocalUser User(UserEntity row) =>
        new(row.Name, Names.TryParse(row.Role, out Role role) ? role : Role.Unspecified, row.CreatedAt, row.CreatedBy, row.LockedUntil);
}
