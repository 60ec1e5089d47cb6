using System.Threading.Channels;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Infrastructure;
using HaCluster.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Events;

/// <summary>
/// The one writer of the event history. Agents' events and the controller's own (health, node, config) are queued,
/// stored in batches, then applied to the fleet view, published to the live streams and acknowledged to the agents.
/// An agent event is stored once per node, boot and sequence: replays after a reconnect are recognised by the
/// highest sequence already stored for that boot (kept in memory, read from the database on first use), and the
/// unique index catches what another controller stored meanwhile. A failing database is retried; nothing is
/// acknowledged before it is stored, so the agents keep it in their journals meanwhile.
/// </summary>
public sealed partial class EventIngest(
    EventRepository history, IEnumerable<IStoredEventsObserver> observers, FleetBus bus, IngestMetrics metrics, TimeProvider clock, ILogger<EventIngest> logger)
    : StoppableService, IEventRecorder
{
    public const int MaxBatch = 2000;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly Dictionary<(string Node, string Boot), long> _stored = [];

    /// <param name="Acks">Per boot, the highest sequence to acknowledge once stored (events dropped as malformed included).</param>
    private sealed record Item(IEventAcknowledger? Session, IReadOnlyList<FleetEvent> Events, IReadOnlyList<(string Boot, ulong Sequence)>? Acks = null);

    /// <summary>Waits for room when the queue is full: the agent's stream slows down and its journal holds the rest.</summary>
    public ValueTask EnqueueAsync(IEventAcknowledger session, IReadOnlyList<FleetEvent> events, IReadOnlyList<(string Boot, ulong Sequence)> acks, CancellationToken ct) =>
        _queue.Writer.WriteAsync(new Item(session, events, acks), ct);

    /// <summary>An event of the controller's own; queued without waiting.</summary>
    public void Record(FleetEvent @event)
    {
        if (!_queue.Writer.TryWrite(new Item(null, [@event])))
        {
            _ = _queue.Writer.WriteAsync(new Item(null, [@event])).AsTask();
        }
    }

    /// <remarks>
    /// Agents' events still queued when it stops were not acknowledged either: their journals still hold them. The
    /// controller's own (health, node, config, operations) have no journal: they are stored before the stop completes.
    /// </remarks>
    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var items = new List<Item>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                items = [];
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var item))
                {
                    items.Add(item);
                    count += item.Events.Count;
                }

                await StoreWithRetryAsync(items, stoppingToken);
                items = [];
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await StoreOwnAtStopAsync(items);
            throw;
        }
    }

    /// <summary>The controller's own events of the batch the stop interrupted and of the queue, stored with a deadline of their own.</summary>
    private async Task StoreOwnAtStopAsync(List<Item> interrupted)
    {
        var own = interrupted.Where(i => i.Session is null).ToList();
        while (_queue.Reader.TryRead(out var item))
        {
            if (item.Session is null)
            {
                own.Add(item);
            }
        }

        if (own.Count == 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(StopDeadline);
        try
        {
            Publish(own, await StoreAsync(own, deadline.Token));
            EventsLog.StoredAtStop(logger, own.Sum(i => i.Events.Count));
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException or OperationCanceledException)
        {
            EventsLog.LostAtStop(logger, own.Sum(i => i.Events.Count), e.InnerException?.Message ?? e.Message);
        }
    }

    private async Task StoreWithRetryAsync(List<Item> items, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = clock.GetTimestamp();
                var stored = await StoreAsync(items, ct);
                metrics.Stored(stored.Count, clock.GetElapsedTime(started));
                Publish(items, stored);
                return;
            }
            catch (Exception e) when (IsRefusedRow(e) && attempt >= 2)
            {
                // Rejected twice with fresh knowledge of what is stored: a row the database refuses. Store one by one,
                // so only that one is dropped (logged and counted) and everything else goes in.
                EventsLog.StoreFailed(logger, items.Sum(i => i.Events.Count), attempt, e.InnerException?.Message ?? e.Message);
                await StoreOneByOneAsync(items, ct);
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                // A unique-key race with another controller, or the database is away: read what is stored again, retry.
                EventsLog.StoreFailed(logger, items.Sum(i => i.Events.Count), attempt, e.InnerException?.Message ?? e.Message);
                ForgetStored();
                await Task.Delay(IsRefusedRow(e) ? TimeSpan.Zero : RetryDelay, clock, ct);
            }
        }
    }

    private async Task StoreOneByOneAsync(List<Item> items, CancellationToken ct)
    {
        foreach (var item in items)
        {
            var kept = new List<FleetEvent>();
            foreach (var e in item.Events)
            {
                try
                {
                    ForgetStored();
                    kept.AddRange(await StoreAsync([item with { Events = [e] }], ct));
                }
                catch (Exception failed) when (IsRefusedRow(failed))
                {
                    metrics.Rejected();
                    EventsLog.EventRefused(logger, e.Kind.Name(), e.Node, e.BootId, e.Sequence, failed.InnerException?.Message ?? failed.Message);
                }
            }

            Publish([item], kept);
        }
    }

    /// <summary>The database refused the data (SQLSTATE class 22 data exception, 23 integrity), not that it is away.</summary>
    private static bool IsRefusedRow(Exception e) =>
        e is DbUpdateException || e is Npgsql.PostgresException { SqlState: ['2', '2' or '3', ..] };

    private void ForgetStored()
    {
        lock (_stored)
        {
            _stored.Clear();
        }
    }

    private async Task<IReadOnlyList<FleetEvent>> StoreAsync(List<Item> items, CancellationToken ct)
    {
        var fresh = new List<FleetEvent>();
        var highest = new Dictionary<(string, string), long>();
        // In sequence order per boot (agents send them so; a stray one out of order is then still stored, not taken for a replay).
        foreach (var e in items.SelectMany(i => i.Events).OrderBy(e => e.Sequence ?? 0))
        {
            if (e.Sequence is not { } sequence || e.Node is null || e.BootId is null)
            {
                fresh.Add(e);
                continue;
            }

            var key = (e.Node, e.BootId);
            if (!highest.TryGetValue(key, out var stored))
            {
                stored = await HighestStoredAsync(key, ct);
            }

            if (sequence > stored)
            {
                fresh.Add(e);
                stored = sequence;
            }
            else
            {
                metrics.Duplicate();
            }

            highest[key] = stored;
        }

        var inserted = await history.InsertAsync(fresh, ct);
        lock (_stored)
        {
            foreach (var (key, sequence) in highest)
            {
                _stored[key] = sequence;
            }
        }

        return inserted;
    }

    private async Task<long> HighestStoredAsync((string Node, string Boot) key, CancellationToken ct)
    {
        lock (_stored)
        {
            if (_stored.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        return await history.HighestSequenceAsync(key.Node, key.Boot, ct);
    }

    /// <summary>After the commit: the fleet view, the live streams, then the acknowledgements (duplicates included).</summary>
    private void Publish(List<Item> items, IReadOnlyList<FleetEvent> stored)
    {
        foreach (var observer in observers)
        {
            observer.Stored(stored);
        }

        foreach (var e in stored)
        {
            bus.Publish(new FleetUpdate.EventAppended(e));
        }

        foreach (var item in items.Where(i => i.Session is not null && i.Acks is not null))
        {
            foreach (var (boot, sequence) in item.Acks!)
            {
                item.Session!.Acknowledge(boot, sequence);
            }
        }
    }
}
