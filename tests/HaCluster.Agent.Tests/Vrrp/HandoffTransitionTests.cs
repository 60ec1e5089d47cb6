using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using static HaCluster.Agent.Tests.Vrrp.MachineDriver;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>Planned work in the pure machine: a switchover's target, the master it replaces (the linger), maintenance.</summary>
public class HandoffTransitionTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(300);

    private static HandoffConfig ChosenIs(System.Net.IPAddress primary) => new() { Primary = primary, Linger = Linger };

    [Fact]
    public void Backup_ChosenAsMaster_TakesOverAtOnce_AdvertThenGarps_AndGarpsAgainAfterTheOldMastersLinger()
    {
        var m = V2(priority: 80);
        m.Start().Set(Second / 2).Advert(100, Higher);
        Assert.Equal(VrrpState.Backup, m.State.State);

        m.Settings = m.Settings.WithHandoff(ChosenIs(Self)) with { Priority = 101 };
        m.Set(Second).Send(new VrrpEvent.HandoffChanged(ChosenIs(Self)));

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.Switchover, m.Transition!.Reason);
        Assert.Equal([(byte)101], m.AdvertsSent);
        var actions = m.Actions.ToList();
        Assert.True(actions.IndexOf(VrrpAction.AddVips) < actions.FindIndex(a => a is VrrpAction.SendAdvert));
        Assert.True(actions.FindIndex(a => a is VrrpAction.SendAdvert) < actions.FindIndex(a => a is VrrpAction.SendGratuitousArps));
        Assert.Equal(Second + Linger + Second, m.State.GarpDelayedAt);
    }

    [Fact]
    public void Backup_ChosenAsMaster_ButFaultedOrInMaintenance_StaysWhereItIs()
    {
        var faulted = V2(priority: 80);
        faulted.Start(interfaceUp: false);
        faulted.Settings = faulted.Settings.WithHandoff(ChosenIs(Self));
        faulted.Send(new VrrpEvent.HandoffChanged(ChosenIs(Self)));
        Assert.Equal(VrrpState.Fault, faulted.State.State);

        var drained = V2(priority: 80);
        drained.Start();
        var handoff = ChosenIs(Self) with { Maintenance = MaintenanceMode.LastResort };
        drained.Settings = drained.Settings.WithHandoff(handoff);
        drained.Send(new VrrpEvent.HandoffChanged(handoff));
        Assert.Equal(VrrpState.Backup, drained.State.State);
        Assert.Null(drained.Transition);
    }

    [Fact]
    public void Backup_AnotherMemberChosen_NothingHappens()
    {
        var m = V2(priority: 80);
        m.Start();
        m.Settings = m.Settings.WithHandoff(ChosenIs(Higher));

        m.Send(new VrrpEvent.HandoffChanged(ChosenIs(Higher)));

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Empty(m.Actions);
    }

    [Fact]
    public void Master_HearsTheChosenMaster_StepsDownButKeepsTheVipsForTheLinger_ThenLetsThemGo()
    {
        var m = V2();
        m.Settings = m.Settings.WithHandoff(ChosenIs(Higher));
        var since = m.MakeMaster();

        m.Set(since + Second).Advert(150, Higher);

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.Switchover, m.Transition!.Reason);
        Assert.DoesNotContain(VrrpAction.RemoveVips, m.Actions);
        Assert.Equal(since + Second + Linger, m.State.ReleaseAt);
        Assert.Equal(since + Second + Linger, m.State.NextDeadline);

        m.At(since + Second + Linger - Tick);
        Assert.DoesNotContain(VrrpAction.RemoveVips, m.Actions);
        m.At(since + Second + Linger);
        Assert.Equal([VrrpAction.RemoveVips], m.Actions);
        Assert.Null(m.State.ReleaseAt);
        Assert.Equal(VrrpState.Backup, m.State.State);
    }

    [Fact]
    public void Master_HearsAHigherPriorityThatIsNotTheChosenOne_ReleasesAtOnceAsEver()
    {
        var m = V2();
        m.Settings = m.Settings.WithHandoff(ChosenIs(Lower));
        m.MakeMaster();

        m.Advert(150, Higher);

        Assert.Contains(VrrpAction.RemoveVips, m.Actions);
        Assert.Equal(TransitionReason.HigherPriorityHeard, m.Transition!.Reason);
        Assert.Null(m.State.ReleaseAt);
    }

    [Fact]
    public void Lingering_ThenFaultOrStop_TheVipsGoAtOnce()
    {
        foreach (VrrpEvent @event in new VrrpEvent[] { new VrrpEvent.InterfaceChanged(false), new VrrpEvent.Shutdown(), new VrrpEvent.TrackingChanged(100, Faulted: true) })
        {
            var m = V2();
            m.Settings = m.Settings.WithHandoff(ChosenIs(Higher));
            m.MakeMaster();
            m.Advert(150, Higher);

            m.Send(@event);

            Assert.Contains(VrrpAction.RemoveVips, m.Actions);
            Assert.Null(m.State.ReleaseAt);
        }
    }

    [Fact]
    public void Lingering_ChosenMasterGoesQuiet_TakesOverAgain_VipsStillBound()
    {
        var m = V2();
        m.Settings = m.Settings.WithHandoff(ChosenIs(Higher));
        var since = m.MakeMaster();
        m.Set(since).Advert(150, Higher);

        m.At(since + VrrpTimers.MasterDownInterval(2, 100, Second));

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Contains(VrrpAction.AddVips, m.Actions);
        Assert.Null(m.State.ReleaseAt);
    }

    [Fact]
    public void StrictMaintenance_MasterDownTimerRunsOut_StaysBackup_TakesOverOnceMaintenanceEnds()
    {
        var m = V2(priority: 1);
        m.Settings = m.Settings.WithHandoff(new HandoffConfig { Maintenance = MaintenanceMode.Strict });
        m.Start();
        var down = VrrpTimers.MasterDownInterval(2, 1, Second);

        m.At(down);
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Empty(m.Actions);
        Assert.Equal(down + down, m.State.MasterDownAt);

        m.Settings = m.Settings.WithHandoff(HandoffConfig.None) with { Priority = 100 };
        m.Send(new VrrpEvent.HandoffChanged(HandoffConfig.None)).At(down + down);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void LastResortMaintenance_NobodyElse_TakesOver()
    {
        var m = V2(priority: 1);
        m.Settings = m.Settings.WithHandoff(new HandoffConfig { Maintenance = MaintenanceMode.LastResort });
        m.MakeMaster();

        Assert.Equal(VrrpState.Master, m.State.State);
    }
}
