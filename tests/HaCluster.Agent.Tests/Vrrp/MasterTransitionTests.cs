using HaCluster.Agent.Vrrp;
using static HaCluster.Agent.Tests.Vrrp.MachineDriver;

namespace HaCluster.Agent.Tests.Vrrp;

public class MasterTransitionTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Master_AdvertTimer_SendsOnTheDeadlineNotBefore()
    {
        var m = V2();
        var since = m.MakeMaster();

        m.At(since + Second - Tick);
        Assert.Empty(m.AdvertsSent);

        m.At(since + Second);
        Assert.Equal([(byte)100], m.AdvertsSent);
        Assert.Equal(since + (2 * Second), m.State.AdvertAt);
    }

    [Fact]
    public void Master_LateTick_DoesNotBurstButReschedulesFromNow()
    {
        var m = V2();
        var since = m.MakeMaster();

        m.At(since + (5 * Second));

        Assert.Single(m.AdvertsSent);
        Assert.Equal(since + (6 * Second), m.State.AdvertAt);
    }

    [Fact]
    public void Master_FloodOfAdverts_NeverMovesItsAdvertSchedule()
    {
        var m = V2();
        var since = m.MakeMaster();
        var schedule = m.State.AdvertAt;

        for (var i = 0; i < 1000; i++)
        {
            m.Set(since + TimeSpan.FromMilliseconds(i % 999)).Advert((byte)(i % 100), Lower);
        }

        Assert.Equal(schedule, m.State.AdvertAt);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void Master_HearsHigherPriority_StepsDownReleasesVipsAndSendsOneLastAdvert()
    {
        var m = V2();
        m.MakeMaster();

        m.Advert(150, Higher);

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.HigherPriorityHeard, m.Transition!.Reason);
        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
        Assert.Equal([(byte)100], m.AdvertsSent);
        // The last advert goes out while the VIPs are still bound (the winner's GARPs follow it at once).
        Assert.True(m.Actions.ToList().FindIndex(a => a is VrrpAction.SendAdvert) < m.Actions.ToList().IndexOf(VrrpAction.RemoveVips));
        Assert.Equal(Higher, m.State.MasterAddress);
        Assert.Null(m.State.AdvertAt);
    }

    [Fact]
    public void Master_HearsEqualPriorityFromHigherAddress_StepsDown()
    {
        var m = V2();
        m.MakeMaster();

        m.Advert(100, Higher);

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.EqualPriorityHigherAddress, m.Transition!.Reason);
    }

    [Fact]
    public void Master_HearsEqualPriorityFromLowerAddress_StaysAndReasserts()
    {
        var m = V2();
        m.MakeMaster();

        m.Advert(100, Lower);

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal([(byte)100], m.AdvertsSent);
        Assert.True(m.Garped);
    }

    [Fact]
    public void Master_HearsLowerPriority_ReassertsAtOnceThenAtMostOncePerInterval()
    {
        var m = V2();
        var since = m.MakeMaster();

        m.Set(since + TimeSpan.FromMilliseconds(100)).Advert(80, Lower);
        Assert.Equal([(byte)100], m.AdvertsSent);
        Assert.True(m.Garped);
        // GARPs before the advert: clients move back before the other master lets the VIP go.
        Assert.True(m.Actions.ToList().FindIndex(a => a is VrrpAction.SendGratuitousArps) < m.Actions.ToList().FindIndex(a => a is VrrpAction.SendAdvert));

        m.Set(since + TimeSpan.FromMilliseconds(100) + Second - Tick).Advert(80, Lower);
        Assert.Empty(m.Actions);

        m.Set(since + TimeSpan.FromMilliseconds(100) + Second).Advert(80, Lower);
        Assert.True(m.Garped);
    }

    [Fact]
    public void Master_HearsPriorityZero_AdvertisesAtOnceWithoutMovingItsSchedule()
    {
        var m = V2();
        var since = m.MakeMaster();
        var schedule = m.State.AdvertAt;

        m.Set(since + TimeSpan.FromMilliseconds(300)).Advert(0, Lower);

        Assert.Equal([(byte)100], m.AdvertsSent);
        Assert.Equal(schedule, m.State.AdvertAt);
    }

    [Fact]
    public void Master_Shutdown_SendsPriorityZeroAndRemovesVips()
    {
        var m = V2();
        m.MakeMaster();

        m.Send(new VrrpEvent.Shutdown());

        Assert.Equal(VrrpState.Stopped, m.State.State);
        Assert.Equal([(byte)0], m.AdvertsSent);
        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
        Assert.Equal(TransitionReason.Shutdown, m.Transition!.Reason);
    }

    [Fact]
    public void Backup_Shutdown_SendsNothing()
    {
        var m = V2().Start().Send(new VrrpEvent.Shutdown());

        Assert.Equal(VrrpState.Stopped, m.State.State);
        Assert.Empty(m.AdvertsSent);
    }

    [Fact]
    public void Master_InterfaceDown_EntersFaultRemovesVipsSendsNothing()
    {
        var m = V2();
        m.MakeMaster();

        m.Send(new VrrpEvent.InterfaceChanged(false));

        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
        Assert.Empty(m.AdvertsSent);
    }

    [Fact]
    public void Master_VipBindFailed_EntersFaultResignsAndProbesAfterMasterDownInterval()
    {
        var m = V2();
        var since = m.MakeMaster();
        var mdi = VrrpTimers.MasterDownInterval(2, 100, Second);

        m.Send(new VrrpEvent.VipBindFailed("address in use"));
        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Equal([(byte)0], m.AdvertsSent);

        m.At(since + mdi - Tick);
        Assert.Empty(m.Actions);

        // On the deadline it only probes: becoming master to fail again would preempt the healthy new master.
        m.At(since + mdi);
        Assert.Equal([VrrpAction.ProbeVips], m.Actions);
        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Equal(since + (2 * mdi), m.State.FaultRetryAt);

        m.Send(new VrrpEvent.VipsBindable());
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.FaultRetry, m.Transition!.Reason);
    }

    [Fact]
    public void Master_InterfaceDownAndBindFailure_LeavesFaultOnlyWhenBothClear()
    {
        var m = V2();
        m.MakeMaster();
        m.Send(new VrrpEvent.VipBindFailed("x")).Send(new VrrpEvent.InterfaceChanged(false));

        m.Send(new VrrpEvent.InterfaceChanged(true));
        Assert.Equal(VrrpState.Fault, m.State.State);

        m.Send(new VrrpEvent.VipsBindable());
        Assert.Equal(VrrpState.Backup, m.State.State);
    }

    [Fact]
    public void Master_DelayedGarpBurst_OnTheDeadlineNotBefore()
    {
        var m = V2();
        var since = m.MakeMaster();
        var delay = m.Settings.GarpMasterDelay;

        m.At(since + delay - Tick);
        Assert.False(m.Garped);

        m.At(since + delay);
        Assert.Equal(new VrrpAction.SendGratuitousArps(5), m.Actions.OfType<VrrpAction.SendGratuitousArps>().Single());
        Assert.Null(m.State.GarpDelayedAt);
    }

    [Fact]
    public void Master_GarpRefresh_RepeatsEveryRefreshInterval()
    {
        var m = V2();
        m.Settings = m.Settings with { GarpMasterDelay = TimeSpan.Zero, GarpMasterRefresh = TimeSpan.FromSeconds(30), GarpMasterRefreshRepeat = 2 };
        var since = m.MakeMaster();

        m.At(since + TimeSpan.FromSeconds(30) - Tick);
        Assert.False(m.Garped);
        m.At(since + TimeSpan.FromSeconds(30));
        Assert.Equal(new VrrpAction.SendGratuitousArps(2), m.Actions.OfType<VrrpAction.SendGratuitousArps>().Single());
        Assert.Equal(since + TimeSpan.FromSeconds(60), m.State.GarpRefreshAt);
    }
}
