using HaCluster.Agent.Vrrp;
using static HaCluster.Agent.Tests.Vrrp.MachineDriver;

namespace HaCluster.Agent.Tests.Vrrp;

public class BackupTransitionTests
{
    private static readonly TimeSpan Mdi100 = VrrpTimers.MasterDownInterval(2, 100, TimeSpan.FromSeconds(1));

    [Fact]
    public void Startup_NotOwner_EntersBackupWithoutActions()
    {
        var m = V2().Start();

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal((VrrpState.Init, VrrpState.Backup, TransitionReason.Startup), (m.Transition!.From, m.Transition.To, m.Transition.Reason));
        Assert.Empty(m.AdvertsSent);
        Assert.Equal(Mdi100, m.State.MasterDownAt);
    }

    [Fact]
    public void Startup_AddressOwner_BecomesMasterAtOnce()
    {
        var m = V2(255).Start();

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.AddressOwner, m.Transition!.Reason);
        Assert.Equal([(byte)255], m.AdvertsSent);
        Assert.True(m.Garped);
    }

    [Fact]
    public void Startup_InterfaceDown_EntersFault()
    {
        var m = V2().Start(interfaceUp: false);

        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Equal(TransitionReason.InterfaceDown, m.Transition!.Reason);
    }

    [Fact]
    public void Backup_MasterDownTimer_TakesOverOnTheDeadlineNotBefore()
    {
        var m = V2().Start().At(Mdi100 - Tick);
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Empty(m.Actions);

        m.At(Mdi100);

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.MasterDownTimer, m.Transition!.Reason);
        Assert.Equal([VrrpAction.AddVips, new VrrpAction.SendAdvert(100), new VrrpAction.SendGratuitousArps(5)], m.Actions.Where(a => a is not VrrpAction.StateChanged));
    }

    [Fact]
    public void Backup_HearsHigherPriority_RestartsMasterDownTimer()
    {
        var heardAt = TimeSpan.FromSeconds(2);
        var m = V2().Start().Set(heardAt).Advert(150);

        m.At(heardAt + Mdi100 - Tick);
        Assert.Equal(VrrpState.Backup, m.State.State);

        m.At(heardAt + Mdi100);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void Backup_HearsPriorityZero_TakesOverAfterSkewTime()
    {
        var heardAt = TimeSpan.FromSeconds(2);
        var skew = VrrpTimers.SkewTime(2, 100, TimeSpan.FromSeconds(1));
        var m = V2().Start().Set(heardAt).Advert(0);

        m.At(heardAt + skew - Tick);
        Assert.Equal(VrrpState.Backup, m.State.State);

        m.At(heardAt + skew);
        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.PriorityZeroReceived, m.Transition!.Reason);
    }

    [Fact]
    public void Backup_Preempt_DiscardsLowerPriorityAndTakesOverOnOriginalDeadline()
    {
        var m = V2().Start().Set(TimeSpan.FromSeconds(1)).Advert(50, Lower).At(Mdi100);

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(TransitionReason.Preempt, m.Transition!.Reason);
    }

    [Fact]
    public void Backup_NoPreempt_AcceptsLowerPriorityMaster()
    {
        var m = V2();
        m.Settings = m.Settings with { Preempt = false };
        m.Start().Set(TimeSpan.FromSeconds(1)).Advert(50, Lower).At(Mdi100);

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TimeSpan.FromSeconds(1) + Mdi100, m.State.MasterDownAt);
    }

    [Fact]
    public void Backup_PreemptDelay_AcceptsLowerMasterUntilTheDelayEnds()
    {
        var delay = TimeSpan.FromSeconds(10);
        var m = V2();
        m.Settings = m.Settings with { PreemptDelay = delay };
        var first = TimeSpan.FromSeconds(1);
        m.Start().Set(first).Advert(50, Lower);

        // Adverts up to one tick before the delay ends still hold us back...
        for (var t = first + TimeSpan.FromSeconds(1); t < first + delay; t += TimeSpan.FromSeconds(1))
        {
            m.At(t).Advert(50, Lower);
        }

        m.Set(first + delay - Tick).Advert(50, Lower);
        var lastAccepted = m.State.MasterDownAt;
        Assert.Equal(first + delay - Tick + Mdi100, lastAccepted);

        // ...the one on the deadline is discarded, so the master-down timer runs out.
        m.Set(first + delay).Advert(50, Lower);
        Assert.Equal(lastAccepted, m.State.MasterDownAt);
        m.At(lastAccepted!.Value);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void Backup_V3_AdoptsTheMastersAdvertInterval()
    {
        var m = new MachineDriver(new VrrpSettings(3, 100, TimeSpan.FromSeconds(1), Self));
        var masterInterval = TimeSpan.FromMilliseconds(100);
        m.Start().Advert(200, interval: masterInterval);

        var expected = VrrpTimers.MasterDownInterval(3, 100, masterInterval);
        Assert.Equal(masterInterval, m.State.MasterAdverInterval);
        m.At(expected - Tick);
        Assert.Equal(VrrpState.Backup, m.State.State);
        m.At(expected);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void Backup_InterfaceDownThenUp_GoesThroughFaultBackToBackup()
    {
        var m = V2().Start().Send(new VrrpEvent.InterfaceChanged(false));
        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Null(m.State.NextDeadline);

        m.Set(TimeSpan.FromSeconds(5)).Send(new VrrpEvent.InterfaceChanged(true));
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(TransitionReason.InterfaceUp, m.Transition!.Reason);
        Assert.Equal(TimeSpan.FromSeconds(5) + Mdi100, m.State.MasterDownAt);
    }

    [Fact]
    public void Fault_IgnoresAdvertsAndTicks()
    {
        var m = V2().Start(interfaceUp: false).Advert(0).At(TimeSpan.FromMinutes(1));

        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Empty(m.Actions);
    }

    [Fact]
    public void Stopped_IgnoresEverything()
    {
        var m = V2().Start().Send(new VrrpEvent.Shutdown()).Advert(0).At(TimeSpan.FromMinutes(1));

        Assert.Equal(VrrpState.Stopped, m.State.State);
        Assert.Empty(m.Actions);
    }

    [Fact]
    public void Backup_Preempt_LowerPriorityIgnored_StillBackupOneTickBeforeTheOriginalDeadline()
    {
        var m = V2().Start().Set(TimeSpan.FromSeconds(1)).Advert(50, Lower).At(Mdi100 - Tick);

        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Null(m.Transition);
    }

    [Fact]
    public void Backup_LowerPriorityAdvertThenTheRealMaster_ThenSilence_TakesOverOnTheTimerNotAsPreempt()
    {
        // A peer that briefly went master at startup (lower priority) is heard first, then the real master takes over
        // and dies: the takeover is the master-down timer of the real master, not a preemption.
        var m = V2().Start().Set(TimeSpan.FromSeconds(1)).Advert(50, Lower);
        var heard = TimeSpan.FromSeconds(2);
        m.Set(heard).Advert(150);

        Assert.Equal(VrrpState.Backup, m.At(heard + Mdi100 - Tick).State.State);
        Assert.Equal(VrrpState.Master, m.At(heard + Mdi100).State.State);
        Assert.Equal(TransitionReason.MasterDownTimer, m.Transition!.Reason);
    }

    [Fact]
    public void Backup_NoPreempt_LowerPriorityRestartsTheTimer_MasterOnlyOnTheNewDeadline()
    {
        var m = V2().Start();
        m.Settings = m.Settings with { Preempt = false };
        var heard = TimeSpan.FromSeconds(1);
        m.Set(heard).Advert(50, Lower);

        Assert.Equal(VrrpState.Backup, m.At(heard + Mdi100 - Tick).State.State);
        Assert.Equal(VrrpState.Master, m.At(heard + Mdi100).State.State);
        Assert.Equal(TransitionReason.MasterDownTimer, m.Transition!.Reason);
    }

    [Fact]
    public void BackupV3_PriorityZeroAtAnAdoptedInterval_SkewTimeOfThatInterval()
    {
        var m = new MachineDriver(new VrrpSettings(3, 100, TimeSpan.FromSeconds(1), Self)).Start();
        var heard = TimeSpan.FromSeconds(1);
        var adopted = TimeSpan.FromMilliseconds(100);
        m.Set(heard).Advert(0, Higher, adopted);
        var skew = VrrpTimers.SkewTime(3, 100, adopted);

        Assert.Equal(VrrpState.Backup, m.At(heard + skew - Tick).State.State);
        Assert.Equal(VrrpState.Master, m.At(heard + skew).State.State);
        Assert.Equal(TransitionReason.PriorityZeroReceived, m.Transition!.Reason);
    }

    [Fact]
    public void AddressOwner_FaultCleared_MasterAtOnce_NotAfterAMasterDownInterval()
    {
        var m = V2(255).Start(interfaceUp: false);

        m.Send(new VrrpEvent.InterfaceChanged(Up: true));

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal((VrrpState.Fault, TransitionReason.InterfaceUp), (m.Transition!.From, m.Transition.Reason));
        Assert.Equal([(byte)255], m.AdvertsSent);
    }
}
