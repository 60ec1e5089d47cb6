using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Dashboard.Services;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Dashboard.Tests;

public class TimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(60);

    private static Event Transition(string node, VrrpState from, VrrpState to, int minute, TransitionReason reason = TransitionReason.MasterDownTimer, double? takeover = null)
    {
        var e = new Event { Kind = EventKind.Transition, Node = node, Group = "web", FromState = from, ToState = to, Reason = reason, At = Timestamp.FromDateTimeOffset(T0.AddMinutes(minute)) };
        if (takeover is { } ms)
        {
            e.TakeoverMs = ms;
        }

        return e;
    }

    private static Event NodeEvent(string node, bool connected, int minute) =>
        new() { Kind = EventKind.Node, Node = node, Connected = connected, At = Timestamp.FromDateTimeOffset(T0.AddMinutes(minute)) };

    [Fact]
    public void Build_FailoverInTheMiddle_TwoBandsMeetingAtTheTakeover()
    {
        var timeline = Timeline.Build(["n1", "n2"], new Dictionary<string, Event>(),
            [Transition("n2", VrrpState.Backup, VrrpState.Master, 30, takeover: 3609), Transition("n1", VrrpState.Master, VrrpState.Stopped, 29, TransitionReason.Shutdown), Transition("n1", VrrpState.Backup, VrrpState.Master, 5)],
            T0, T1);

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(5), T0.AddMinutes(29)), new MasterBand("n2", T0.AddMinutes(30), T1)], timeline.Bands);
        Assert.Equal([5, 29, 30], timeline.Marks.Select(m => (int)(m.At - T0).TotalMinutes));
        Assert.Equal(3609, timeline.Marks[^1].TakeoverMs);
    }

    [Fact]
    public void Build_MasterBeforeTheRange_BandStartsAtTheRangeStart()
    {
        var before = new Dictionary<string, Event> { ["n1"] = Transition("n1", VrrpState.Backup, VrrpState.Master, -10) };

        var timeline = Timeline.Build(["n1", "n2"], before, [], T0, T1);

        Assert.Equal([new MasterBand("n1", T0, T1)], timeline.Bands);
    }

    [Fact]
    public void Build_MasterWhoseAgentDisconnects_BandEndsThere()
    {
        var timeline = Timeline.Build(["n1", "n2"], new Dictionary<string, Event>(),
            [Transition("n1", VrrpState.Backup, VrrpState.Master, 1), NodeEvent("n1", false, 20), Transition("n2", VrrpState.Backup, VrrpState.Master, 24)],
            T0, T1, mastersNow: new HashSet<string> { "n2" });

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(1), T0.AddMinutes(20)), new MasterBand("n2", T0.AddMinutes(24), T1)], timeline.Bands);
    }

    [Fact]
    public void Build_OpenBandOfANodeNotMasterNow_EndsWhereItWasLastHeard()
    {
        var timeline = Timeline.Build(["n1"], new Dictionary<string, Event>(), [Transition("n1", VrrpState.Backup, VrrpState.Master, 1)], T0, T1, mastersNow: new HashSet<string>());

        Assert.Equal([new MasterBand("n1", T0.AddMinutes(1), T0.AddMinutes(1))], timeline.Bands);
    }

    [Fact]
    public void Build_EventsOutsideTheRangeOrOfOtherNodes_Ignored()
    {
        var timeline = Timeline.Build(["n1"], new Dictionary<string, Event>(),
            [Transition("n1", VrrpState.Backup, VrrpState.Master, -5), Transition("n9", VrrpState.Backup, VrrpState.Master, 10), Transition("n1", VrrpState.Master, VrrpState.Backup, 90)], T0, T1);

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
