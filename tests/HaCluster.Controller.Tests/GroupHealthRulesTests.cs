using HaCluster.Controller.Domain;
using HaCluster.Controller.Fleet;

namespace HaCluster.Controller.Tests;

public class GroupHealthRulesTests
{
    private static MemberStatusView Member(string node, VrrpState state, bool connected = true, int applied = 3) =>
        new(node, "192.0.2.1", 100, connected, state, 100, applied, connected && applied < 3, null, null, null);

    [Fact]
    public void Evaluate_OneMasterAllCurrent_Ok()
    {
        var (health, problems, master) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master), Member("n2", VrrpState.Backup)]);

        Assert.Equal((GroupHealth.Ok, "n1"), (health, master));
        Assert.Empty(problems);
    }

    [Fact]
    public void Evaluate_TwoMasters_SplitBrainNamingBoth()
    {
        var (health, problems, master) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master), Member("n2", VrrpState.Master), Member("n3", VrrpState.Backup)]);

        Assert.Equal((GroupHealth.SplitBrain, (string?)null), (health, master));
        Assert.Equal("2 masters: n1, n2", problems[0]);
    }

    [Fact]
    public void Evaluate_NoMasterAllReachable_NoMaster()
    {
        var (health, problems, _) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Backup), Member("n2", VrrpState.Fault)]);

        Assert.Equal(GroupHealth.NoMaster, health);
        Assert.Equal(["no member is MASTER", "n2 in FAULT"], problems);
    }

    [Fact]
    public void Evaluate_NoMasterSeenButAMemberUnreachable_UnreachableNotNoMaster()
    {
        // The member the controller cannot hear may well be the master.
        var (health, problems, _) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master, connected: false), Member("n2", VrrpState.Backup)]);

        Assert.Equal(GroupHealth.Unreachable, health);
        Assert.Equal(["n1 unreachable"], problems);
    }

    [Fact]
    public void Evaluate_OneMasterAndAnOldRevision_Drift()
    {
        var (health, problems, _) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master), Member("n2", VrrpState.Backup, applied: 2)]);

        Assert.Equal(GroupHealth.Drift, health);
        Assert.Equal(["n2 runs revision 2 of 3"], problems);
    }

    [Fact]
    public void Evaluate_UnreachableOutranksDrift()
    {
        var (health, _, _) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master), Member("n2", VrrpState.Backup, applied: 2), Member("n3", VrrpState.Backup, connected: false)]);

        Assert.Equal(GroupHealth.Unreachable, health);
    }

    [Fact]
    public void Evaluate_DisconnectedMasterDoesNotCount_SplitBrainOnlyAmongReachable()
    {
        var (health, _, master) = GroupHealthRules.Evaluate(3, [Member("n1", VrrpState.Master, connected: false), Member("n2", VrrpState.Master)]);

        Assert.Equal((GroupHealth.Unreachable, "n2"), (health, master));
    }
}
