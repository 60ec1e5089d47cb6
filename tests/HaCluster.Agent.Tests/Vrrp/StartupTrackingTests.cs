using HaCluster.Agent.Vrrp;
using static HaCluster.Agent.Tests.Vrrp.MachineDriver;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>
/// How tracking meets the start of an instance, as keepalived does it: tracking known before Startup decides where the
/// instance enters (FAULT at once, no BACKUP first), and a weight-0 script without a first result holds it in
/// Initialize — no transition, no advert, no timer — until that result comes.
/// </summary>
public class StartupTrackingTests
{
    [Fact]
    public void TrackingFailingBeforeStart_EntersFaultDirectly_NotBackupFirst()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: true));
        Assert.Empty(m.Actions);

        m.Start();

        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Equal((VrrpState.Init, VrrpState.Fault, TransitionReason.TrackingFailed), (m.Transition!.From, m.Transition.To, m.Transition.Reason));
        Assert.Empty(m.AdvertsSent);
        Assert.Null(m.State.NextDeadline);
    }

    [Fact]
    public void PendingScript_HoldsTheInstanceInInitialize_WithoutTimersAdvertsOrTransitions()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true)).Start();

        Assert.Equal(VrrpState.Init, m.State.State);
        Assert.Empty(m.Actions);
        Assert.Null(m.State.NextDeadline);

        // Nothing moves it meanwhile: not the clock, not a peer's advert (even priority 0).
        m.At(TimeSpan.FromSeconds(30)).Advert(0).Advert(200);
        Assert.Equal(VrrpState.Init, m.State.State);
        Assert.Empty(m.Actions);
    }

    [Fact]
    public void PendingScript_FirstResultGood_EntersBackupThenTheElectionRunsFromThere()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true)).Start().Set(TimeSpan.FromSeconds(7));

        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: false));

        Assert.Equal((VrrpState.Init, VrrpState.Backup, TransitionReason.Startup), (m.Transition!.From, m.Transition.To, m.Transition.Reason));
        // Master_Down_Interval counts from entering the election, not from the start.
        var down = VrrpTimers.MasterDownInterval(2, 100, TimeSpan.FromSeconds(1));
        m.At(TimeSpan.FromSeconds(7) + down - Tick);
        Assert.Equal(VrrpState.Backup, m.State.State);
        m.At(TimeSpan.FromSeconds(7) + down);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void PendingScript_FirstResultFails_EntersFaultDirectly()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true)).Start();

        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: true, Pending: false));

        Assert.Equal((VrrpState.Init, VrrpState.Fault, TransitionReason.TrackingFailed), (m.Transition!.From, m.Transition.To, m.Transition.Reason));
        Assert.Empty(m.AdvertsSent);
    }

    [Fact]
    public void PendingScript_ResultBeforeStartup_StartupEntersAtOnce()
    {
        var m = V2()
            .Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true))
            .Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: false));
        Assert.Equal(VrrpState.Init, m.State.State);

        m.Start();

        Assert.Equal(VrrpState.Backup, m.State.State);
    }

    [Fact]
    public void WhileHeld_InterfaceWentDown_EntersFaultForTheInterface()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true)).Start();

        m.Send(new VrrpEvent.InterfaceChanged(Up: false));
        Assert.Equal(VrrpState.Init, m.State.State);
        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: false));

        Assert.Equal((VrrpState.Fault, TransitionReason.InterfaceDown), (m.State.State, m.Transition!.Reason));
        m.Send(new VrrpEvent.InterfaceChanged(Up: true));
        Assert.Equal((VrrpState.Backup, TransitionReason.InterfaceUp), (m.State.State, m.Transition!.Reason));
    }

    [Fact]
    public void WhileHeld_SyncGroupMemberInFault_EntersFaultUntilTheGroupRecovers()
    {
        var m = V2().Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: true)).Start();

        m.Send(new VrrpEvent.SyncGroupChanged(VrrpState.Fault));
        m.Send(new VrrpEvent.TrackingChanged(100, Faulted: false, Pending: false));

        Assert.Equal((VrrpState.Fault, TransitionReason.SyncGroup), (m.State.State, m.Transition!.Reason));
        m.Send(new VrrpEvent.SyncGroupChanged(VrrpState.Backup));
        Assert.Equal(VrrpState.Backup, m.State.State);
    }

    [Fact]
    public void AddressOwner_HeldByAPendingScript_BecomesMasterOnceItIsKnown()
    {
        var m = V2(priority: 255).Send(new VrrpEvent.TrackingChanged(255, Faulted: false, Pending: true)).Start();
        Assert.Equal(VrrpState.Init, m.State.State);

        m.Send(new VrrpEvent.TrackingChanged(255, Faulted: false));

        Assert.Equal((VrrpState.Master, TransitionReason.AddressOwner), (m.State.State, m.Transition!.Reason));
    }
}
