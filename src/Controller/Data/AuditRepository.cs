using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>The audit trail: appended by every change, sign-in and refusal (group changes in their own transaction), read by admins.</summary>
public sealed class AuditRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task AddAsync(AuditEvent entry, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.AuditEntries.Add(Row(entry));
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<(long Id, AuditEvent Entry)>> ListAsync(AuditFilter filter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        query = filter.From is { } from ? query.Where(a => a.At >= from) : query;
        query = filter.To is { } to ? query.Where(a => a.At < to) : query;
        query = filter.Who is { } who ? query.Where(a => a.Who == who) : query;
        query = filter.Action is { } action ? query.Where(a => a.Action == action) : query;
        query = filter.Target is { } target ? query.Where(a => a.Target == target || a.GroupName == target) : query;
        var rows = await query.OrderByDescending(a => a.Id).Take(Math.Clamp(filter.Limit, 1, AuditFilter.MaxLimit)).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, new AuditEvent(
            r.Action, r.Target.Length > 0 ? r.Target : r.GroupName, new Actor(r.Who, r.Role, r.Address, r.RequestId), r.At, r.Before, r.After, r.Detail)))];
    }

    internal static AuditEntry Row(AuditEvent entry) => new()
    {
        At = entry.At,
        Who = Cap(entry.Actor.Name, 256),
        Role = Cap(entry.Actor.Role, 16),
        Address = entry.Actor.Address is { } a ? Cap(a, 64) : null,
        RequestId = entry.Actor.RequestId is { } r ? Cap(r, 64) : null,
        Action = entry.Action,
        GroupName = entry.Action is AuditActions.Create or AuditActions.Update or AuditActions.Delete ? Cap(entry.Target, 64) : "",
        Target = Cap(entry.Target, 256),
        Detail = entry.Detail is { } d ? Cap(d, 1024) : null,
        Before = entry.Before,
        After = entry.After,
    };

    private static string Cap(string text, int length) => text.Length <= length ? text : text[..length];
}
