using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>Nodes in maintenance: started and ended with their audit entry in one transaction.</summary>
public sealed class MaintenanceRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task<IReadOnlyList<NodeMaintenance>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.NodeMaintenance.AsNoTracking().OrderBy(m => m.Node).ToListAsync(ct);
        return [.. rows.Select(m => new NodeMaintenance(m.Node, m.Since, m.Until, m.Reason, m.Strict, m.StartedBy))];
    }

    /// <summary>Starts (or replaces) a node's maintenance.</summary>
    public async Task SaveAsync(NodeMaintenance maintenance, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.NodeMaintenance.SingleOrDefaultAsync(m => m.Node == maintenance.Node, ct);
        if (row is null)
        {
            row = new NodeMaintenanceEntity { Node = maintenance.Node, StartedBy = "" };
            db.NodeMaintenance.Add(row);
        }

        (row.Since, row.Until, row.Reason, row.Strict, row.StartedBy) = (maintenance.Since, maintenance.Until, maintenance.Reason, maintenance.Strict, maintenance.By);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends a node's maintenance; false when it was not in maintenance.</summary>
    public async Task<bool> EndAsync(string node, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.NodeMaintenance.SingleOrDefaultAsync(m => m.Node == node, ct) is not { } row)
        {
            return false;
        }

        db.NodeMaintenance.Remove(row);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
        return true;
    }
}
