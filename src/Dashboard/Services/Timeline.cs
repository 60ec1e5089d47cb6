using HaCluster.Contracts;

namespace HaCluster.Dashboard.Services;

/// <summary>A stretch of time during which one member was MASTER.</summary>
public sealed record MasterBand(string Node, DateTimeOffset From, DateTimeOffset To);

/// <summary>One transition on the timeline.</summary>
public sealed record TimelineMark(DateTimeOffset At, string Node, string From, string To, string Reason, double? TakeoverMs);

/// <summary>
/// Which member was master when, over a time range, from the group's transitions: pure, so it is tested without a
/// browser. A member's state at the start of the range is the last transition it had before it.
/// </summary>
public sealed record Timeline(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> Members, IReadOnlyList<MasterBand> Bands, IReadOnlyList<TimelineMark> Marks)
{
    /// <param name="before">Per member, its last transition before <paramref name="from"/> (if any).</param>
    /// <param name="transitions">The group's transitions within the range, in any order.</param>
    public static Timeline Build(IReadOnlyList<string> members, IReadOnlyDictionary<string, Event> before, IEnumerable<Event> transitions, DateTimeOffset from, DateTimeOffset to)
    {
        var marks = transitions
            .Where(e => e.Kind == "transition" && members.Contains(e.Node))
            .Select(e => new TimelineMark(e.At.ToDateTimeOffset(), e.Node, e.From, e.To, e.Reason, e.HasTakeoverMs ? e.TakeoverMs : null))
            .Where(m => m.At >= from && m.At <= to)
            .OrderBy(m => m.At)
            .ToList();
        var bands = new List<MasterBand>();
        foreach (var node in members)
        {
            DateTimeOffset? masterSince = before.TryGetValue(node, out var last) && last.To == "MASTER" ? from : null;
            foreach (var mark in marks.Where(m => m.Node == node))
            {
                if (mark.To == "MASTER")
                {
                    masterSince ??= mark.At;
                }
                else if (masterSince is { } since)
                {
                    bands.Add(new MasterBand(node, since, mark.At));
                    masterSince = null;
                }
            }

            if (masterSince is { } open)
            {
                bands.Add(new MasterBand(node, open, to));
            }
        }

        return new Timeline(from, to, members, bands, marks);
    }

    /// <summary>Where <paramref name="at"/> falls across the range, 0..1.</summary>
    public double Position(DateTimeOffset at) =>
        To <= From ? 0 : Math.Clamp((at - From).TotalMilliseconds / (To - From).TotalMilliseconds, 0, 1);
}
