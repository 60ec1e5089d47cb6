using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Dashboard.Services;

namespace HaCluster.Dashboard.Tests;

public class TimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(60);

    private static Event Transition(string node, string from, string to, int minute, string reason = "master_down_timer", double? takeover = null)
    {
        var e = new Event { Kind = "transition", Node = node, Group = "web", From = from, To = to, Reason = reason, At = Timestamp.FromDateTimeOffset(T0.AddMinutes(minute)) };
        if (takeover is { } ms)
        {
            e.TakeoverMs = ms;
        }

        return e;
    }

    private static Event NodeEvent(string node, string to, int minute) =>
        new() { Kind = "node", Node = node, From = to == "connected" ? "disconnected" : "connected", To = to, At = Timestamp.FromDateTimeOffset(T0.AddMinutes(minute)) };

    [Fact]
    public void Build_FailoverInTheMiddle_TwoBandsMeetingAtTheTakeover()
    {
        var timeline = Timeline.Build(["n1", "n2"], new Dictionary<string, Event>(),
            [Transition("n2", "BACKUP", "MASTER", 30, takeover: 3609), Transition("n1", "MASTER", "STOP", 29, "shutdown"), Transition("n1", "BACKUP", "MASTER", 5)],
            T0, T1);

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(5), T0.AddMinutes(29)), new MasterBand("n2", T0.AddMinutes(30), T1)], timeline.Bands);
        Assert.Equal([5, 29, 30], timeline.Marks.Select(m => (int)(m.At - T0).TotalMinutes));
        Assert.Equal(3609, timeline.Marks[^1].TakeoverMs);
    }

    [Fact]
    public void Build_MasterBeforeTheRange_BandStartsAtTheRangeStart()
    {
        var before = new Dictionary<string, Event> { ["n1"] = Transition("n1", "BACKUP", "MASTER", -10) };

        var timeline = Timeline.Build(["n1", "n2"], before, [], T0, T1);

        Assert.Equal([new MasterBand("n1", T0, T1)], timeline.Bands);
    }

    [Fact]
    public void Build_MasterWhoseAgentDisconnects_BandEndsThere()
    {
        var timeline = Timeline.Build(["n1", "n2"], new Dictionary<string, Event>(),
            [Transition("n1", "BACKUP", "MASTER", 1), NodeEvent("n1", "disconnected", 20), Transition("n2", "BACKUP", "MASTER", 24)],
            T0, T1, mastersNow: new HashSet<string> { "n2" });

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(1), T0.AddMinutes(20)), new MasterBand("n2", T0.AddMinutes(24), T1)], timeline.Bands);
    }

    [Fact]
    public void Build_OpenBandOfANodeNotMasterNow_EndsWhereItWasLastHeard()
    {
        var timeline = Timeline.Build(["n1"], new Dictionary<string, Event>(), [Transition("n1", "BACKUP", "MASTER", 1)], T0, T1, mastersNow: new HashSet<string>());

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(1), T0.AddMinutes(1))], timeline.Bands);
    }

    [Fact]
    public void Build_EventsOutsideTheRangeOrOfOtherNodes_Ignored()
    {
        var timeline = Timeline.Build(["n1"], new Dictionary<string, Event>(),
            [Transition("n1", "BACKUP", "MASTER", -5), Transition("n9", "BACKUP", "MASTER", 10), Transition("n1", "MASTER", "BACKUP", 90)], T0, T1);

        Assert.Empty(timeline.Bands);
        Assert.Empty(timeline.Marks);
    }

    [Fact]
    public void Position_ClampsToTheRange()
    {
        var timeline = Timeline.Build(["n1"], new Dictionary<string, Event>(), [], T0, T1);

        Assert.Equal([0, 0.5, 1, 1], new[] { T0.AddHours(-1), T0.AddMinutes(30), T1, T1.AddHours(1) }.Select(timeline.Position));
    }
}
