using HaCluster.Agent.Vrrp;
using static HaCluster.Agent.Tests.Vrrp.MachineDriver;

namespace HaCluster.Agent.Tests.Vrrp;

public class TrackingTransitionTests
{
    [Fact]
    public void Master_TrackingFault_ResignsWithPriorityZeroAndEntersFault()
    {
        var m = V2();
        m.MakeMaster();

        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: true));

        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Equal(TransitionReason.TrackingFailed, m.Transition!.Reason);
        Assert.Equal([(byte)0], m.AdvertsSent);
        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
    }

    [Fact]
    public void Fault_TrackingRecovered_ReturnsToBackup()
    {
        var m = V2().Start().Send(new VrrpEvent.TrackingChanged(100, Faulted: true));

        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: false));

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.TrackingRecovered, m.Transition!.Reason);
    }

    [Fact]
    public void Master_PriorityLowered_AdvertisesTheNewPriorityAtOnceWithoutMovingItsSchedule()
    {
        var m = V2();
        m.MakeMaster();
        var schedule = m.State.AdvertAt;
        m.Settings = m.Settings with { Priority = 70 };

        m.Send(new VrrpEvent.TrackingChanged(70, Faulted: false));

        Assert.Equal([(byte)70], m.AdvertsSent);
        Assert.Equal(schedule, m.State.AdvertAt);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void Backup_SyncGroupMemberBecameMaster_FollowsAtOnce()
    {
        var m = V2().Start().Send(new VrrpEvent.SyncGroupChanged(VrrpState.Master));

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.SyncGroup, m.Transition!.Reason);
        Assert.Contains(VrrpAction.AddVips, m.Actions);
    }

    [Fact]
    public void Master_SyncGroupMemberBecameBackup_ReleasesWithoutPriorityZero()
    {
        var m = V2();
        m.MakeMaster();

        m.Send(new VrrpEvent.SyncGroupChanged(VrrpState.Backup));

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
        Assert.Empty(m.AdvertsSent);
    }

    [Fact]
    public void SyncGroupFault_HoldsTheMemberInFaultUntilTheGroupRecovers()
    {
        var m = V2();
        m.MakeMaster();

        m.Send(new VrrpEvent.SyncGroupChanged(VrrpState.Fault));
        Assert.Equal(VrrpState.Fault, m.State.State);

        m.Send(new VrrpEvent.SyncGroupChanged(VrrpState.Backup));
        Assert.Equal(VrrpState.Backup, m.State.State);
    }
}
