using HaCluster.Contracts;

namespace HaCluster.Dashboard.Services;

/// <summary>
/// The live feeds, one per signed-in person (by how they signed in and their name), shared by all their tabs: started
/// by the first page that asks, stopped <see cref="Linger"/> after the last one has gone (so that moving between pages
/// or reloading keeps the stream). The controller thus sees one Watch per person, under that person's name and role.
/// </summary>
public sealed class FleetFeeds(Admin.AdminClient admin, TimeProvider clock, ILoggerFactory logs) : IAsyncDisposable
{
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _feeds = new(StringComparer.Ordinal);

    /// <summary>How many people have a feed (running or lingering).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>The person's feed, started if needed, with their current token; give it back with <see cref="Release"/>.</summary>
    public FleetFeed Acquire(string who, string? token)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(who, out entry!))
            {
                entry = new Entry(new FleetFeed(admin, clock, logs.CreateLogger<FleetFeed>()));
                _feeds[who] = entry;
            }

            entry.Leases++;
            entry.StopTimer?.Dispose();
            entry.StopTimer = null;
        }

        entry.Feed.UseToken(token);
        entry.Feed.Start();
        return entry.Feed;
    }

    public void Release(string who)
    {
        lock (_lock)
        {
            if (!_feeds.TryGetValue(who, out var entry) || --entry.Leases > 0)
            {
                return;
            }

            entry.StopTimer = clock.CreateTimer(_ => _ = StopIfUnusedAsync(who, entry), null, Linger, Timeout.InfiniteTimeSpan);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_lock)
        {
            entries = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var entry in entries)
        {
            entry.StopTimer?.Dispose();
            await entry.Feed.StopAsync();
        }
    }

    private async Task StopIfUnusedAsync(string who, Entry entry)
    {
        lock (_lock)
        {
            if (entry.Leases > 0 || !_feeds.TryGetValue(who, out var current) || current != entry)
            {
                return;
            }

            _feeds.Remove(who);
            entry.StopTimer?.Dispose();
        }

        await entry.Feed.StopAsync();
    }

    private sealed class Entry(FleetFeed feed)
    {
        public FleetFeed Feed { get; } = feed;

        public int Leases { get; set; }

        public ITimer? StopTimer { get; set; }
    }
}
