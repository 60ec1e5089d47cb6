using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>What follows from stored events, written in the transaction that stores them (the alert outbox), then told it is committed.</summary>
public interface IEventOutbox
{
    /// <summary>Adds its rows for <paramref name="stored"/> (ids assigned) to <paramref name="db"/> and saves them; how many.</summary>
    Task<int> AddAsync(HaClusterContext db, IReadOnlyList<FleetEvent> stored, CancellationToken ct);

    /// <summary>The transaction with <paramref name="added"/> rows of its own is committed.</summary>
    void Committed(int added);
}

/// <summary>
/// The history, as the domain sees it: stored in batches, read by filter ("events of group X between T1 and T2" rides
/// the (group, at) index). Each batch is one transaction with what the outboxes add for it: an alert is never stored
/// without its event, nor an event without its alert.
/// </summary>
public sealed class EventRepository(IDbContextFactory<HaClusterContext> contexts, IEnumerable<IEventOutbox> outboxes)
{
    /// <summary>Deletes the events that happened before <paramref name="cutoff"/>; how many.</summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Events.Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
    }

    /// <summary>Stores the batch; ids are assigned and returned in the events. On PostgreSQL one binary COPY (<see cref="BatchInsert"/>).</summary>
    public async Task<IReadOnlyList<FleetEvent>> InsertAsync(IReadOnlyList<FleetEvent> events, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A failure anywhere rolls the whole batch back for a retry: no savepoint around each of the outboxes' saves
        // (two round trips each, a tenth of the controller's time under a storm).
        db.Database.AutoSavepointsEnabled = false;
        var rows = events.Select(EventRows.ToEntity).ToList();
        await BatchInsert.InsertAsync(db, rows, ct);

        IReadOnlyList<FleetEvent> stored = [.. events.Select((e, i) => e with { Id = rows[i].Id })];
        var added = new List<(IEventOutbox, int)>();
        foreach (var outbox in outboxes)
        {
            added.Add((outbox, await outbox.AddAsync(db, stored, ct)));
        }

        await transaction.CommitAsync(ct);
        foreach (var (outbox, count) in added)
        {
            outbox.Committed(count);
        }

        return stored;
    }

    public async Task<FleetEvent?> GetAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct) is { } row ? EventRows.ToDomain(row) : null;
    }

    /// <summary>The events of <paramref name="nodes"/> or of <paramref name="group"/> between two times, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<FleetEvent>> AroundAsync(IReadOnlyList<string> nodes, string? group, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Events.AsNoTracking()
            .Where(e => e.At >= from && e.At <= to && ((e.Node != null && nodes.Contains(e.Node)) || (group != null && e.GroupName == group)))
            .OrderBy(e => e.At).ThenBy(e => e.Id).Take(limit).ToListAsync(ct);
        return [.. rows.Select(EventRows.ToDomain)];
    }

    /// <summary>The highest sequence stored for one agent boot (0: none).</summary>
    public async Task<long> HighestSequenceAsync(string node, string bootId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Events.Where(e => e.Node == node && e.BootId == bootId).MaxAsync(e => e.Sequence, ct) ?? 0;
    }

    public async Task<IReadOnlyList<FleetEvent>> ListAsync(EventFilter filter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Events.AsNoTracking();
        if (filter.Group is { } group)
        {
            query = query.Where(e => e.GroupName == group);
        }

        if (filter.Node is { } node)
        {
            query = query.Where(e => e.Node == node);
        }

        if (filter.Kind is { } kind)
        {
            var column = EventRows.Column(kind);
            query = query.Where(e => e.Kind == column);
        }

        if (filter.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(filter.Limit).ToListAsync(ct);
        return [.. rows.Select(EventRows.ToDomain)];
    }

    /// <summary>Each group's last takeover (a transition to MASTER), for the fleet view at start.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LastTakeoversAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (transition, master) = (EventRows.Column(EventKind.Transition), EventRows.Column(VrrpState.Master));
        var rows = await db.Events
            .Where(e => e.Kind == transition && e.ToState == master && e.GroupName != null)
            .GroupBy(e => e.GroupName!)
            .Select(g => new { Group = g.Key, At = g.Max(e => e.At) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Group, r => r.At, StringComparer.Ordinal);
    }
}
