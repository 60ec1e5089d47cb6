using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;
using Prometheus;

namespace HaCluster.Controller.Events;

/// <summary>The transitions of one hour of a group: all of them, and those to MASTER.</summary>
public sealed record HourBucket(DateTimeOffset Hour, int Transitions, int Takeovers);

/// <summary>One takeover with its measured time (from the new master's last hearing of the old one).</summary>
public sealed record TakeoverPoint(long Id, DateTimeOffset At, string Node, double? Ms);

/// <summary>Measured takeover times: how many, nearest-rank p50 and p99, the longest (null without any).</summary>
public sealed record TakeoverStats(int Measured, double? P50Ms, double? P99Ms, double? MaxMs);

/// <summary>
/// "Is this group flapping?": its transitions per hour over the range, its takeover times, the time since its last
/// failover, and the flapping flag — more than <see cref="FlappingTransitions"/> takeovers within the last
/// <see cref="FlappingWindowSeconds"/> (the same rule that raises the flapping alert).
/// </summary>
public sealed record GroupAnalytics(
    string Group, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HourBucket> Hours, int TransitionsTotal, int TakeoversTotal, TakeoverStats Takeover,
    IReadOnlyList<TakeoverPoint> Takeovers, DateTimeOffset? LastFailoverAt, double? SecondsSinceLastFailover, bool Flapping, int RecentTakeovers,
    int FlappingTransitions, double FlappingWindowSeconds);

/// <summary>Flap analytics from the history; the arithmetic is pure (<see cref="Compute"/>).</summary>
public sealed class FlapAnalytics(EventRepository events, FlappingRule rule, TimeProvider clock)
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);
    public const int MaxTransitions = 100_000;

    public async Task<GroupAnalytics> ForGroupAsync(string group, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var end = to ?? now;
        var start = from ?? end - DefaultRange;
        var recentFrom = now - rule.Window;
        var earliest = start < recentFrom ? start : recentFrom;
        var transitions = await events.ListAsync(new EventFilter(group, Kind: EventKind.Transition, From: earliest, To: end > now ? end : now, Limit: MaxTransitions), ct);
        var last = await events.ListAsync(new EventFilter(group, Kind: EventKind.Transition, To: end, Limit: 200), ct);
        var lastFailover = transitions.Concat(last).Where(e => e.IsTakeover && e.At <= end).Select(e => (DateTimeOffset?)e.At).Max();
        return Compute(group, start, end, now, transitions, lastFailover, rule);
    }

    /// <summary>The analytics of <paramref name="transitions"/> (any order) over [from, to), the flag as of <paramref name="now"/>.</summary>
    public static GroupAnalytics Compute(
        string group, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, IReadOnlyList<FleetEvent> transitions, DateTimeOffset? lastFailover, FlappingRule rule)
    {
        var inRange = transitions.Where(e => e.At >= from && e.At < to).ToList();
        var firstHour = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        var hours = new List<HourBucket>();
        for (var hour = firstHour; hour < to && hours.Count < (MaxRange.TotalHours + 1); hour = hour.AddHours(1))
        {
            var of = inRange.Where(e => e.At >= hour && e.At < hour.AddHours(1)).ToList();
            hours.Add(new HourBucket(hour, of.Count, of.Count(e => e.IsTakeover)));
        }

        var takeovers = inRange.Where(e => e.IsTakeover).OrderBy(e => e.At).ToList();
        var measured = takeovers.Where(e => e.TakeoverMs is not null).Select(e => e.TakeoverMs!.Value).Order().ToList();
        var stats = new TakeoverStats(measured.Count, Rank(measured, 0.50), Rank(measured, 0.99), measured.Count == 0 ? null : measured[^1]);
        var recent = transitions.Count(e => e.IsTakeover && e.At > now - rule.Window && e.At <= now);
        return new GroupAnalytics(group, from, to, hours, inRange.Count, takeovers.Count, stats,
            [.. takeovers.TakeLast(1000).Select(e => new TakeoverPoint(e.Id, e.At, e.Node ?? "", e.TakeoverMs))],
            lastFailover, lastFailover is { } at ? Math.Max(0, (now - at).TotalSeconds) : null, recent > rule.Transitions, recent, rule.Transitions, rule.Window.TotalSeconds);
    }

    /// <summary>The nearest-rank percentile of sorted values (null when there are none).</summary>
    public static double? Rank(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>Per group, as transitions are stored: <c>hacluster_controller_group_transitions_total{group,to}</c> and the takeover time histogram.</summary>
public sealed class GroupMetrics(IMetricFactory metrics) : IStoredEventsObserver
{
    private readonly Counter _transitions = metrics.CreateCounter(
        "hacluster_controller_group_transitions_total", "transitions of a group's members, by the state they went to", ["group", "to"]);

    private readonly Histogram _takeover = metrics.CreateHistogram(
        "hacluster_controller_group_takeover_seconds", "measured takeover time (the new master's last hearing of the old one to its takeover)",
        new HistogramConfiguration { LabelNames = ["group"], Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 20] });

    public void Stored(IReadOnlyList<FleetEvent> events)
    {
        foreach (var e in events.Where(e => e.Kind == EventKind.Transition && e.Group is not null && e.ToState is not null))
        {
            _transitions.WithLabels(e.Group!, e.ToState!.Value.Name()).Inc();
            if (e.IsTakeover && e.TakeoverMs is { } ms)
            {
                _takeover.WithLabels(e.Group!).Observe(ms / 1000);
            }
        }
    }
}
