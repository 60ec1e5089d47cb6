using HaCluster.Agent.Tracking;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Tracking;

public class TrackingPolicyTests
{
    [Theory]
    [InlineData(true, 10, false, 10)]
    [InlineData(false, 10, false, 0)]
    [InlineData(true, -20, false, 0)]
    [InlineData(false, -20, false, -20)]
    [InlineData(true, 10, true, -10)]
    [InlineData(false, -20, true, 20)]
    public void Script_WeightAdjustsPriority_AsKeepalived(bool ok, int weight, bool reverse, int expected)
    {
        var (delta, fault, pending) = TrackingPolicy.Evaluate([new TrackInput(TrackKind.Script, ok, 0, weight, reverse)]);

        Assert.Equal(expected, delta);
        Assert.False(fault);
        Assert.False(pending);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    public void WeightZero_FaultsOnFailure_OrWhileOkWhenReversed(bool ok, bool reverse, bool fault)
    {
        Assert.Equal(fault, TrackingPolicy.Evaluate([new TrackInput(TrackKind.Interface, ok, 0, 0, reverse)]).Fault);
    }

    [Theory]
    [InlineData(3, 5, false, 15, false)]
    [InlineData(-2, 5, false, -10, false)]
    [InlineData(3, 5, true, -15, false)]
    [InlineData(7, 0, false, 0, true)]
    [InlineData(0, 0, false, 0, false)]
    [InlineData(-100, 3, false, 0, true)]
    public void File_ValueTimesWeight(int value, int weight, bool reverse, int delta, bool fault)
    {
        Assert.Equal(new TrackingResult(delta, fault, Pending: false), TrackingPolicy.Evaluate([new TrackInput(TrackKind.File, value == 0, value, weight, reverse)]));
    }

    [Fact]
    public void Adjustments_AddUp()
    {
        var (delta, _, _) = TrackingPolicy.Evaluate(
        [
            new TrackInput(TrackKind.Script, false, 0, -30, false),
            new TrackInput(TrackKind.Interface, true, 0, 5, false),
            new TrackInput(TrackKind.File, false, 2, 4, false),
        ]);

        Assert.Equal(-17, delta);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(-20, false)]
    [InlineData(10, true)]
    [InlineData(-20, true)]
    public void ScriptWithoutAResultYet_AdjustsNothing(int weight, bool reverse)
    {
        // keepalived: a script in INIT adds neither its positive nor its negative weight until its first result.
        Assert.Equal(new TrackingResult(0, false, Pending: false),
            TrackingPolicy.Evaluate([new TrackInput(TrackKind.Script, Ok: false, 0, weight, reverse, Known: false)]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WeightZeroScriptWithoutAResultYet_HoldsTheInstance_WithoutFaultingIt(bool reverse)
    {
        var result = TrackingPolicy.Evaluate(
        [
            new TrackInput(TrackKind.Script, Ok: false, 0, 0, reverse, Known: false),
            new TrackInput(TrackKind.Script, Ok: true, 0, 10, false),
        ]);

        Assert.Equal(new TrackingResult(10, false, Pending: true), result);
    }

    [Fact]
    public void PendingAndFault_AreReportedTogether()
    {
        var result = TrackingPolicy.Evaluate(
        [
            new TrackInput(TrackKind.Script, Ok: false, 0, 0, false, Known: false),
            new TrackInput(TrackKind.Interface, Ok: false, 0, 0, false),
        ]);

        Assert.Equal(new TrackingResult(0, true, Pending: true), result);
    }

    [Theory]
    [InlineData(100, -150, 1)]
    [InlineData(100, 200, 254)]
    [InlineData(254, 1, 254)]
    [InlineData(255, -100, 255)]
    [InlineData(100, -20, 80)]
    public void EffectivePriority_StaysWithin1And254_AndNeverMovesTheOwnersPriority(byte basePriority, int delta, byte expected)
    {
        Assert.Equal(expected, TrackingPolicy.EffectivePriority(basePriority, delta));
    }
}
