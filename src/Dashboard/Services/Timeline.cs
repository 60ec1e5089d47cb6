using HaCluster.Contracts;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Dashboard.Services;

/// <summary>A stretch of time during which one member was MASTER.</summary>
public sealed record MasterBand(string Node, DateTimeOffset From, DateTimeOffset To);

/// <summary>One transition on the timeline.</summary>
public sealed record TimelineMark(DateTimeOffset At, string Node, VrrpState From, VrrpState To, TransitionReason Reason, double? TakeoverMs, long Id = 0);

/// <summary>
/// Which member was master when, over a time range, from the group's transitions: pure, so it is tested without a
/// browser. A member's state at the start of the range is the last transition it had before it. A member whose agent
/// disconnected is not known to be master after that (its band ends there: the controller cannot see it).
/// </summary>
public sealed record Timeline(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> Members, IReadOnlyList<MasterBand> Bands, IReadOnlyList<TimelineMark> Marks)
{
    /// <param name="before">Per member, its last transition before <paramref name="from"/> (if any).</param>
    /// <param name="events">The group's transitions and its members' node events within the range, in any order.</param>
    /// <param name="mastersNow">For a range ending now: the members that are MASTER now (a band still open ends at
    /// <paramref name="to"/> only for them); null for a range in the past.</param>
    public static Timeline Build(
        IReadOnlyList<string> members, IReadOnlyDictionary<string, Event> before, IEnumerable<Event> events, DateTimeOffset from, DateTimeOffset to,
        IReadOnlySet<string>? mastersNow = null)
    {
        var inRange = events
            .Where(e => members.Contains(e.Node) && e.At.ToDateTimeOffset() is var at && at >= from && at <= to)
            .OrderBy(e => e.At.ToDateTimeOffset())
            .ToList();
        var marks = inRange.Where(e => e.Kind == EventKind.Transition)
            .Select(e => new TimelineMark(e.At.ToDateTimeOffset(), e.Node, e.FromState, e.ToState, e.Reason, e.HasTakeoverMs ? e.TakeoverMs : null, e.Id))
            .ToList();
        var bands = new List<MasterBand>();
        foreach (var node in members)
        {
            DateTimeOffset? masterSince = before.TryGetValue(node, out var last) && last.ToState == VrrpState.Master ? from : null;
            var lastHeard = from;
            foreach (var e in inRange.Where(e => e.Node == node))
            {
                var at = e.At.ToDateTimeOffset();
                lastHeard = at;
                if (e.Kind == EventKind.Transition && e.ToState == VrrpState.Master)
                {
                    masterSince ??= at;
                }
                else if ((e.Kind == EventKind.Transition || (e.Kind == EventKind.Node && !e.Connected)) && masterSince is { } since)
                {
                    bands.Add(new MasterBand(node, since, at));
                    masterSince = null;
                }
            }

            if (masterSince is { } open)
            {
                bands.Add(new MasterBand(node, open, mastersNow is null || mastersNow.Contains(node) ? to : lastHeard));
            }
        }

        return new Timeline(from, to, members, bands, marks);
    }

    /// <summary>Where <paramref name="at"/> falls across the range, 0..1.</summary>
    public double Position(DateTimeOffset at) =>
        To <= From ? 0 : Math.Clamp((at - From).TotalMilliseconds / (To - From).TotalMilliseconds, 0, 1);
}
