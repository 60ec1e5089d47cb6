using HaCluster.Controller.Data;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Events;

/// <summary>Which events to list; every field optional. Newest first, at most <see cref="Limit"/>.</summary>
public sealed record EventFilter(string? Group = null, string? Node = null, string? Kind = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = EventFilter.DefaultLimit)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 10_000;
}

/// <summary>Reads the history: "events of group X between T1 and T2" rides the (group, at) index.</summary>
public sealed class EventQueries(HaClusterContext db)
{
    public async Task<IReadOnlyList<EventRecord>> ListAsync(EventFilter filter, CancellationToken ct)
    {
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
            query = query.Where(e => e.Kind == kind);
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
        return [.. rows.Select(EventRecord.Of)];
    }
}
