using System.Text.Json;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>A change to the audit trail: who did what to which group, with the group before and after.</summary>
public sealed record AuditRecord(string Action, string Group, Actor Actor, DateTimeOffset At, VipGroup? Before, VipGroup? After, string? Comment = null);

/// <summary>One saved revision of a group: who, when, how, why, and the desired state (no secret) with each member's config.</summary>
public sealed record GroupRevision(int Revision, DateTimeOffset At, string Action, string Who, string Role, string? Comment, GroupDocument Group)
{
    public IReadOnlyList<RevisionConfig> Configs { get; init; } = [];
}

/// <summary>A member's rendered config at a revision (secrets redacted) and its hash (of the real one, as the agent runs it).</summary>
public sealed record RevisionConfig(string Node, string Text, string Hash);

/// <summary>The stored groups, their per-member configs by revision, and the audit trail.</summary>
public sealed class GroupRepository(IDbContextFactory<HaClusterContext> contexts, GroupWriteGate gate, SecretProtector secrets)
{
    public async Task<IReadOnlyList<StoredGroup>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(ct);
        return [.. rows.Select(ToStored)];
    }

    public async Task<StoredGroup?> GetAsync(string name, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Name == name, ct);
        return row is null ? null : ToStored(row);
    }

    /// <summary>The standalone keepalived.conf of one member at the group's current revision; null when there is none.</summary>
    public async Task<string?> GetMemberConfigAsync(string name, string node, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var revision = await db.Groups.Where(g => g.Name == name).Select(g => (int?)g.Revision).SingleOrDefaultAsync(ct);
        return revision is null ? null : await db.ConfigRevisions
            .Where(r => r.GroupName == name && r.Revision == revision && r.Node == node)
            .Select(r => r.Text)
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction, alone (<see cref="GroupWriteGate"/>), and commits it when
    /// <paramref name="commit"/> says so: what it checked still holds when the write lands.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<GroupWrite, Task<T>> write, Func<T, bool> commit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await gate.RunAsync(db, () => write(new GroupWrite(db, secrets, ct)), commit, ct);
    }

    /// <summary>The group's revisions, newest first (also those of a deleted group of that name).</summary>
    public async Task<IReadOnlyList<GroupRevision>> RevisionsAsync(string name, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.GroupRevisions.AsNoTracking().Where(r => r.GroupName == name).OrderByDescending(r => r.Revision).Take(limit).ToListAsync(ct);
        return [.. rows.Select(ToRevision)];
    }

    /// <summary>One revision with each member's config; null when there is no such revision.</summary>
    public async Task<GroupRevision?> RevisionAsync(string name, int revision, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.GroupRevisions.AsNoTracking().SingleOrDefaultAsync(r => r.GroupName == name && r.Revision == revision, ct);
        if (row is null)
        {
            return null;
        }

        var configs = await db.ConfigRevisions.AsNoTracking().Where(c => c.GroupName == name && c.Revision == revision).OrderBy(c => c.Id)
            .Select(c => new RevisionConfig(c.Node, c.Text, c.Hash)).ToListAsync(ct);
        return ToRevision(row) with { Configs = configs };
    }

    private static GroupRevision ToRevision(GroupRevisionEntity row) =>
        new(row.Revision, row.ChangedAt, row.Action, row.ChangedBy, row.Role, row.Comment,
            JsonSerializer.Deserialize(row.Json, GroupJsonContext.Default.GroupDocument) ?? throw new InvalidDataException("stored revision is null"));

    internal StoredGroup ToStored(GroupEntity row) => new(Deserialize(secrets, row.Json), row.Revision);

    /// <summary>The group as its row keeps it: the VRRP password and the HMAC keys encrypted (<see cref="SecretProtector"/>).</summary>
    internal static string Serialize(SecretProtector secrets, VipGroup group) => JsonSerializer.Serialize(
        GroupDocument.Of(group) with
        {
            AuthPass = group.AuthPass is { Length: > 0 } pass ? secrets.Protect(pass) : group.AuthPass,
            Keyring = GroupDocument.KeyringDocument.Of(group.Keyring?.WithSecrets(secrets.Protect)),
        },
        GroupJsonContext.Default.GroupDocument);

    internal static VipGroup Deserialize(SecretProtector secrets, string json)
    {
        var group = (JsonSerializer.Deserialize(json, GroupJsonContext.Default.GroupDocument) ?? throw new InvalidDataException("stored group is null")).ToGroup();
        group = group.AuthPass is { Length: > 0 } pass ? group with { AuthPass = secrets.Unprotect(pass) } : group;
        return group with { Keyring = group.Keyring?.WithSecrets(secrets.Unprotect) };
    }
}

/// <summary>The operations of one group write, inside its transaction.</summary>
public sealed class GroupWrite(HaClusterContext db, SecretProtector secrets, CancellationToken ct)
{
    /// <summary>The group as stored now (tracked: a save of it fails if another write changed it meanwhile).</summary>
    public async Task<StoredGroup?> GetAsync(string name) =>
        await db.Groups.SingleOrDefaultAsync(g => g.Name == name, ct) is { } row ? new StoredGroup(GroupRepository.Deserialize(secrets, row.Json), row.Revision) : null;

    /// <summary>Every stored group's revision, by name.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RevisionsAsync() =>
        await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Name, g => g.Revision, StringComparer.Ordinal, ct);

    public async Task<IReadOnlyList<VipGroup>> GroupsAsync(IReadOnlyCollection<string> names)
    {
        var rows = await db.Groups.AsNoTracking().Where(g => names.Contains(g.Name)).Select(g => g.Json).ToListAsync(ct);
        return [.. rows.Select(json => GroupRepository.Deserialize(secrets, json))];
    }

    /// <summary>The newest revision the group ever had, deleted ones included (0: none), so a re-created group continues its numbering.</summary>
    public async Task<int> LastRevisionAsync(string name) =>
        await db.ConfigRevisions.Where(r => r.GroupName == name).MaxAsync(r => (int?)r.Revision, ct) ?? 0;

    /// <summary>Stores <paramref name="group"/> at its revision with each member's config and the audit entry; false when another write got there first.</summary>
    public async Task<bool> SaveAsync(StoredGroup group, IReadOnlyList<MemberConfig> configs, AuditRecord audit)
    {
        var name = group.Group.Name;
        var row = await db.Groups.SingleOrDefaultAsync(g => g.Name == name, ct);
        if (row is null)
        {
            db.Groups.Add(row = new GroupEntity { Name = name, Json = "", CreatedAt = audit.At });
        }

        (row.Json, row.Revision, row.UpdatedAt) = (GroupRepository.Serialize(secrets, group.Group), group.Revision, audit.At);
        db.ConfigRevisions.AddRange(configs.Select(c => new ConfigRevisionEntity
        {
            GroupName = c.Group,
            Revision = c.Revision,
            Node = c.Node,
            Text = Secrets.RedactConfig(c.Text), // history for people; the agents get theirs rendered from the group
            Hash = c.Hash,
            ChangedBy = audit.Actor.Name,
            ChangedAt = audit.At,
        }));
        db.GroupRevisions.Add(new GroupRevisionEntity
        {
            GroupName = name,
            Revision = group.Revision,
            Json = JsonSerializer.Serialize(GroupDocument.Public(group.Group), GroupJsonContext.Default.GroupDocument),
            Action = audit.Action,
            ChangedBy = audit.Actor.Name.Length <= 256 ? audit.Actor.Name : audit.Actor.Name[..256],
            Role = audit.Actor.Role,
            ChangedAt = audit.At,
            Comment = audit.Comment,
        });
        Audit(audit);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>Removes the group (its revisions stay); false when there is none.</summary>
    public async Task<bool> DeleteAsync(string name, Func<VipGroup, AuditRecord> audit)
    {
        var row = await db.Groups.SingleOrDefaultAsync(g => g.Name == name, ct);
        if (row is null)
        {
            return false;
        }

        db.Groups.Remove(row);
        Audit(audit(GroupRepository.Deserialize(secrets, row.Json)));
        await db.SaveChangesAsync(ct);
        return true;
    }

    private void Audit(AuditRecord audit) => db.AuditEntries.Add(AuditRepository.Row(new AuditEvent(
        audit.Action, audit.Group, audit.Actor, audit.At,
        audit.Before is { } before ? JsonSerializer.Serialize(GroupDocument.Audited(before, null), GroupJsonContext.Default.GroupDocument) : null,
        audit.After is { } after ? JsonSerializer.Serialize(GroupDocument.Audited(after, audit.Before), GroupJsonContext.Default.GroupDocument) : null)));
}
