using System.Text.Json;
using HaCluster.Controller.Agents;
using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Saves groups with their rendered per-node configs and an audit entry, all in one transaction,
/// after <see cref="GroupValidator"/> has accepted them against every other saved group.
/// </summary>
public sealed class GroupStore(HaClusterContext db, GroupWriteGate gate, DesiredState desired, TimeProvider clock)
{
    public async Task<IReadOnlyList<VipGroup>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Json).ToListAsync(ct);
        return rows.Select(Deserialize).ToList();
    }

    public async Task<StoredGroup?> GetAsync(string name, CancellationToken ct)
    {
        var row = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Name == name, ct);
        return row is null ? null : new StoredGroup(Deserialize(row.Json), row.Revision);
    }

    public async Task<string?> GetConfigAsync(string name, string node, CancellationToken ct)
    {
        var revision = await db.Groups.Where(g => g.Name == name).Select(g => (int?)g.Revision).SingleOrDefaultAsync(ct);
        if (revision is null)
        {
            return null;
        }

        return await db.ConfigRevisions
            .Where(r => r.GroupName == name && r.Revision == revision && r.Node == node)
            .Select(r => r.Text)
            .SingleOrDefaultAsync(ct);
    }

    public async Task<SaveResult> CreateAsync(VipGroup group, string who, CancellationToken ct) =>
        Published(await gate.RunAsync(db, () => CreateLockedAsync(group, who, ct), r => r is SaveResult.Saved, ct));

    public async Task<SaveResult> UpdateAsync(VipGroup group, string who, CancellationToken ct) =>
        Published(await gate.RunAsync(db, () => UpdateLockedAsync(group, who, ct), r => r is SaveResult.Saved, ct));

    public async Task<bool> DeleteAsync(string name, string who, CancellationToken ct)
    {
        var deleted = await gate.RunAsync(db, () => DeleteLockedAsync(name, who, ct), deleted => deleted, ct);
        if (deleted)
        {
            desired.Removed(name);
        }

        return deleted;
    }

    /// <summary>
    /// Checks a create (<paramref name="isNew"/>) or an update exactly as a save would and renders every member's config
    /// after it, next to the current one, without saving anything: the diff shown before an edit is saved.
    /// </summary>
    public async Task<SaveResult> PreviewAsync(VipGroup group, bool isNew, CancellationToken ct)
    {
        var current = await GetAsync(group.Name, ct);
        if (isNew && current is not null)
        {
            return new SaveResult.Conflict($"a group named '{group.Name}' already exists");
        }

        if (!isNew && current is null)
        {
            return new SaveResult.NotFound();
        }

        if (await ValidateAsync(group, ct) is { Count: > 0 } errors)
        {
            return new SaveResult.Invalid(errors);
        }

        return new SaveResult.Saved(group, (current?.Revision ?? 0) + 1) { Preview = true };
    }

    /// <summary>A committed save becomes the desired state (and so is pushed to its members).</summary>
    private SaveResult Published(SaveResult result)
    {
        if (result is SaveResult.Saved saved)
        {
            desired.Saved(new StoredGroup(saved.Group, saved.Revision));
        }

        return result;
    }

    private async Task<SaveResult> CreateLockedAsync(VipGroup group, string who, CancellationToken ct)
    {
        if (await db.Groups.AnyAsync(g => g.Name == group.Name, ct))
        {
            return new SaveResult.Conflict($"a group named '{group.Name}' already exists");
        }

        if (await ValidateAsync(group, ct) is { Count: > 0 } errors)
        {
            return new SaveResult.Invalid(errors);
        }

        // Revisions outlive a deleted group, so a group re-created under the same name continues its numbering.
        var revision = (await db.ConfigRevisions.Where(r => r.GroupName == group.Name).MaxAsync(r => (int?)r.Revision, ct) ?? 0) + 1;
        var now = clock.GetUtcNow();
        var json = Serialize(group);
        db.Groups.Add(new GroupEntity { Name = group.Name, Json = json, Revision = revision, CreatedAt = now, UpdatedAt = now });
        AddRevisions(group, revision, who, now);
        AddAudit(AuditActions.Create, group.Name, who, now, before: null, after: json);
        return await CommitAsync(new SaveResult.Saved(group, revision), ct);
    }

    private async Task<SaveResult> UpdateLockedAsync(VipGroup group, string who, CancellationToken ct)
    {
        var row = await db.Groups.SingleOrDefaultAsync(g => g.Name == group.Name, ct);
        if (row is null)
        {
            return new SaveResult.NotFound();
        }

        if (await ValidateAsync(group, ct) is { Count: > 0 } errors)
        {
            return new SaveResult.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var before = row.Json;
        row.Json = Serialize(group);
        row.Revision++;
        row.UpdatedAt = now;
        AddRevisions(group, row.Revision, who, now);
        AddAudit(AuditActions.Update, group.Name, who, now, before, row.Json);
        return await CommitAsync(new SaveResult.Saved(group, row.Revision), ct);
    }

    private async Task<bool> DeleteLockedAsync(string name, string who, CancellationToken ct)
    {
        var row = await db.Groups.SingleOrDefaultAsync(g => g.Name == name, ct);
        if (row is null)
        {
            return false;
        }

        db.Groups.Remove(row);
        AddAudit(AuditActions.Delete, name, who, clock.GetUtcNow(), row.Json, after: null);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Against every other saved group and against what the agents reported of their nodes.</summary>
    private async Task<IReadOnlyList<GroupError>> ValidateAsync(VipGroup group, CancellationToken ct)
    {
        // Only the members' facts: the other nodes do not matter to this group, and there may be thousands.
        var names = GroupValidator.OrEmpty(group.Members).Select(m => m?.Node).OfType<string>().Distinct().ToList();
        var nodes = await db.Nodes.AsNoTracking().Where(n => names.Contains(n.Name)).ToListAsync(ct);
        var facts = nodes.ToDictionary(n => n.Name, NodeStore.Facts, StringComparer.Ordinal);
        return GroupValidator.Validate(group, await OthersAsync(ct), facts);
    }

    /// <summary>
    /// Every saved group, as the database has it now: the in-memory desired state where its revision matches (no JSON
    /// to read again — with hundreds of groups that was most of a save's time), the stored row where it does not
    /// (another controller wrote it).
    /// </summary>
    private async Task<IReadOnlyCollection<VipGroup>> OthersAsync(CancellationToken ct)
    {
        var revisions = await db.Groups.AsNoTracking().Select(g => new { g.Name, g.Revision }).ToListAsync(ct);
        var stale = revisions.Where(r => desired.Get(r.Name)?.Revision != r.Revision).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var reread = stale.Count == 0 ? [] : await db.Groups.AsNoTracking().Where(g => stale.Contains(g.Name)).Select(g => g.Json).ToListAsync(ct);
        return [.. revisions.Where(r => !stale.Contains(r.Name)).Select(r => desired.Get(r.Name)!.Group), .. reread.Select(Deserialize)];
    }

    private void AddRevisions(VipGroup group, int revision, string who, DateTimeOffset now)
    {
        foreach (var member in group.Members)
        {
            var text = GroupRenderer.RenderFor(group, member.Node);
            db.ConfigRevisions.Add(new ConfigRevisionEntity
            {
                GroupName = group.Name,
                Revision = revision,
                Node = member.Node,
                Text = text,
                Hash = GroupRenderer.Hash(text),
                ChangedBy = who,
                ChangedAt = now,
            });
        }
    }

    private void AddAudit(string action, string name, string who, DateTimeOffset now, string? before, string? after) =>
        db.AuditEntries.Add(new AuditEntry { At = now, Who = who, Action = action, GroupName = name, Before = before, After = after });

    // Runs inside GroupWriteGate's transaction: the group, its revisions and the audit entry land together or not at all.
    private async Task<SaveResult> CommitAsync(SaveResult.Saved saved, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return saved;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new SaveResult.Conflict($"group '{saved.Group.Name}' was changed by another request; retry");
        }
    }

    private static string Serialize(VipGroup group) => JsonSerializer.Serialize(group, GroupJson.Default.VipGroup);

    private static VipGroup Deserialize(string json) =>
        JsonSerializer.Deserialize(json, GroupJson.Default.VipGroup) ?? throw new InvalidDataException("stored group is null");
}
