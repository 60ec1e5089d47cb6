using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>Saves waiting for their confirmation (confirm-or-revert).</summary>
public sealed class ConfirmRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task<IReadOnlyList<PendingConfirm>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.PendingConfirms.AsNoTracking().OrderBy(p => p.Deadline).ToListAsync(ct);
        return [.. rows.Select(ToPending)];
    }

    public async Task<PendingConfirm?> GetAsync(string group, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.PendingConfirms.AsNoTracking().SingleOrDefaultAsync(p => p.GroupName == group, ct) is { } row ? ToPending(row) : null;
    }

    public async Task SetAsync(PendingConfirm pending, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.PendingConfirms.SingleOrDefaultAsync(p => p.GroupName == pending.Group, ct);
        if (row is null)
        {
            row = new PendingConfirmEntity { GroupName = pending.Group, StartedBy = "" };
            db.PendingConfirms.Add(row);
        }

        (row.Revision, row.RevertTo, row.Deadline, row.WithinSeconds, row.StartedBy) =
            (pending.Revision, pending.RevertTo, pending.Deadline, (long)pending.Within.TotalSeconds, pending.By);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes the group's pending confirmation; with <paramref name="audit"/>, audited in the same transaction. False when there was none.</summary>
    public async Task<bool> RemoveAsync(string group, AuditEvent? audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.PendingConfirms.SingleOrDefaultAsync(p => p.GroupName == group, ct) is not { } row)
        {
            return false;
        }

        db.PendingConfirms.Remove(row);
        if (audit is not null)
        {
            db.AuditEntries.Add(AuditRepository.Row(audit));
        }

        await db.SaveChangesAsync(ct);
        return true;
    }

    private static PendingConfirm ToPending(PendingConfirmEntity p) =>
        new(p.GroupName, p.Revision, p.RevertTo, p.Deadline, TimeSpan.FromSeconds(p.WithinSeconds), p.StartedBy);
}
