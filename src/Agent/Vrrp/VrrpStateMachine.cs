using System.Collections.Immutable;
using HaCluster.Shared.Config;
using HaCluster.Shared.Vocabulary;
using static HaCluster.Agent.Vrrp.VrrpAction;
using static HaCluster.Agent.Vrrp.VrrpEvent;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// The VRRP state machine of RFC 3768 §6.4 / RFC 5798 §6.4, pure: (state, settings, event, now) → (state, actions).
/// It never reads a clock or touches the network; the instance runner carries out the actions and calls
/// <see cref="Handle"/> again with <see cref="VrrpEvent.TimerTick"/> at <see cref="VrrpInstanceState.NextDeadline"/>.
/// </summary>
public static partial class VrrpStateMachine
{
    // Scratch list for one decision, reused per thread (the engine's, or a test's): a decision on every advert of every
    // instance should not allocate a builder each time. Handle never calls itself, so one per thread is enough.
    [ThreadStatic]
    private static ImmutableArray<VrrpAction>.Builder? _scratch;

    public static VrrpDecision Handle(VrrpInstanceState state, VrrpSettings settings, VrrpEvent @event, TimeSpan now)
    {
        var actions = _scratch ??= ImmutableArray.CreateBuilder<VrrpAction>();
        actions.Clear();
        var next = (@event, state.State) switch
        {
            (_, VrrpState.Stopped) => state,
            (Shutdown, _) => Stop(state, settings, actions),
            (Startup s, VrrpState.Init) => Start(state, settings, s.InterfaceUp, now, actions),
            (_, VrrpState.Init) => Initializing(state, settings, @event, now, actions),
            (InterfaceChanged { Up: false }, _) => AddFault(state, settings, FaultCauses.InterfaceDown, TransitionReason.InterfaceDown, now, actions),
            (InterfaceChanged { Up: true }, _) => ClearFault(state, settings, FaultCauses.InterfaceDown, TransitionReason.InterfaceUp, now, actions),
            (VipBindFailed, VrrpState.Master or VrrpState.Fault) => AddFault(state, settings, FaultCauses.VipBindFailed, TransitionReason.VipBindFailed, now, actions),
            (VipsBindable, VrrpState.Fault) => ClearFault(state with { FaultRetryAt = null }, settings, FaultCauses.VipBindFailed, TransitionReason.FaultRetry, now, actions),
            (TrackingChanged t, _) => Track(state, settings, t.Faulted, now, actions),
            (SyncGroupChanged g, _) => FollowGroup(state, settings, g.Target, now, actions),
            (HandoffChanged, VrrpState.Backup) => TakeOverIfChosen(state, settings, now, actions),
            (Tick, VrrpState.Backup) => BackupTick(state, settings, now, actions),
            (Tick, VrrpState.Master) => MasterTick(state, settings, now, actions),
            (Tick, VrrpState.Fault) => FaultTick(state, settings, now, actions),
            (AdvertReceived a, VrrpState.Backup) => BackupReceive(state, settings, a, now),
            (AdvertReceived a, VrrpState.Master) => MasterReceive(state, settings, a, now, actions),
            _ => state,
        };
        return new VrrpDecision(next, actions.ToImmutable());
    }

    private static VrrpInstanceState Start(VrrpInstanceState state, VrrpSettings settings, bool interfaceUp, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        state = WithFault(state, FaultCauses.InterfaceDown, !interfaceUp) with { Starting = true };
        return state.TrackingPending ? state : Enter(state, settings, now, actions);
    }

    /// <summary>
    /// Before the election: tracking, link and sync-group news are recorded, not acted on; once started, the instance
    /// waits in Initialize while a weight-0 script has no result yet (keepalived's INIT), then enters with what it knows.
    /// </summary>
    private static VrrpInstanceState Initializing(VrrpInstanceState state, VrrpSettings settings, VrrpEvent @event, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        state = @event switch
        {
            TrackingChanged t => WithFault(state, FaultCauses.Tracking, t.Faulted) with { TrackingPending = t.Pending },
            InterfaceChanged i => WithFault(state, FaultCauses.InterfaceDown, !i.Up),
            SyncGroupChanged g => WithFault(state, FaultCauses.SyncGroup, g.Target == VrrpState.Fault),
            _ => state,
        };
        return state.Starting && !state.TrackingPending ? Enter(state, settings, now, actions) : state;
    }

    /// <summary>Leaves Initialize: to FAULT for what is known to be wrong, else as RFC 3768 §6.4.1 says.</summary>
    private static VrrpInstanceState Enter(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        state = state with { Starting = false, TrackingPending = false };
        if (state.Faults != FaultCauses.None)
        {
            var reason = state.Faults.HasFlag(FaultCauses.InterfaceDown) ? TransitionReason.InterfaceDown
                : state.Faults.HasFlag(FaultCauses.Tracking) ? TransitionReason.TrackingFailed
                : TransitionReason.SyncGroup;
            return Transition(state, VrrpState.Fault, reason, settings, actions);
        }

        // The address owner goes straight to Master; everybody else waits a Master_Down_Interval.
        return settings.IsAddressOwner
            ? BecomeMaster(state, settings, TransitionReason.AddressOwner, now, actions)
            : BecomeBackup(state, settings, TransitionReason.Startup, now, actions, settings.AdvertInterval);
    }

    private static VrrpInstanceState WithFault(VrrpInstanceState state, FaultCauses cause, bool present) =>
        state with { Faults = present ? state.Faults | cause : state.Faults & ~cause };

    private static VrrpInstanceState BackupTick(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.ReleaseAt <= now)
        {
            state = Release(state, actions);
        }

        if (!(state.MasterDownAt <= now))
        {
            return state;
        }

        if (settings.Maintenance == MaintenanceMode.Strict)
        {
            // Strict maintenance: never master, even with nobody else left; the timer runs again, so that the instance
            // takes over as soon as maintenance ends if there is still no master.
            return state with { MasterDownAt = now + VrrpTimers.MasterDownInterval(settings.Version, settings.Priority, settings.AdvertInterval) };
        }

        return BecomeMaster(state, settings, state.TakeoverReason, now, actions);
    }

    /// <summary>
    /// A planned switchover reaches its target: a healthy BACKUP that has just been chosen takes the master role at
    /// once (advert, then GARPs), without waiting for a Master_Down_Interval; the old master steps down when it hears
    /// it and keeps answering for its linger. GARPs go out again once the old master has let the VIPs go.
    /// </summary>
    private static VrrpInstanceState TakeOverIfChosen(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (!settings.IsPreferred || state.Faults != FaultCauses.None || settings.Maintenance != MaintenanceMode.None)
        {
            return state;
        }

        var master = BecomeMaster(state, settings, TransitionReason.Switchover, now, actions);
        var again = now + settings.Linger + settings.AdvertInterval;
        return master with { GarpDelayedAt = master.GarpDelayedAt is { } delayed && delayed < again ? delayed : again };
    }

    /// <summary>The linger is over (or must end now): the VIPs kept after stepping down go.</summary>
    private static VrrpInstanceState Release(VrrpInstanceState state, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.ReleaseAt is null)
        {
            return state;
        }

        actions.Add(RemoveVips);
        return state with { ReleaseAt = null };
    }

    private static VrrpInstanceState BackupReceive(VrrpInstanceState state, VrrpSettings settings, AdvertReceived advert, TimeSpan now)
    {
        var interval = MasterInterval(settings, advert.AdvertInterval);
        if (advert.Priority == 0)
        {
            // RFC 3768 §6.4.2: the master resigned; take over after Skew_Time.
            return state with
            {
                MasterDownAt = now + VrrpTimers.SkewTime(settings.Version, settings.Priority, interval),
                TakeoverReason = TransitionReason.PriorityZeroReceived,
                MasterAdverInterval = interval,
            };
        }

        if (!settings.Preempt || advert.Priority >= settings.Priority || StillInPreemptDelay(state, settings, now))
        {
            return state with
            {
                MasterDownAt = now + VrrpTimers.MasterDownInterval(settings.Version, settings.Priority, interval),
                TakeoverReason = TransitionReason.MasterDownTimer,
                MasterAdverInterval = interval,
                MasterAddress = advert.Source,
                PreemptAt = advert.Priority >= settings.Priority ? null : state.PreemptAt ?? now + settings.PreemptDelay,
            };
        }

        // A lower-priority master and we preempt: discard, so our Master_Down timer runs out (and say why when it does).
        return state with { TakeoverReason = TransitionReason.Preempt };
    }

    /// <summary>keepalived's preempt_delay: after first hearing a lower-priority master, wait this long before preempting.</summary>
    private static bool StillInPreemptDelay(VrrpInstanceState state, VrrpSettings settings, TimeSpan now) =>
        settings.PreemptDelay > TimeSpan.Zero && now < (state.PreemptAt ?? now + settings.PreemptDelay);

    private static VrrpInstanceState MasterTick(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.AdvertAt <= now)
        {
            actions.Add(new SendAdvert(settings.Priority));
            state = state with { AdvertAt = NextPeriod(state.AdvertAt.Value, settings.AdvertInterval, now) };
        }

        if (state.GarpDelayedAt <= now)
        {
            actions.Add(new SendGratuitousArps(settings.GarpMasterRepeat));
            state = state with { GarpDelayedAt = null };
        }

        if (state.GarpRefreshAt <= now)
        {
            actions.Add(new SendGratuitousArps(settings.GarpMasterRefreshRepeat));
            state = state with { GarpRefreshAt = NextPeriod(state.GarpRefreshAt.Value, settings.GarpMasterRefresh, now) };
        }

        return state;
    }

    private static VrrpInstanceState MasterReceive(VrrpInstanceState state, VrrpSettings settings, AdvertReceived advert, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (advert.Priority == 0)
        {
            // RFC 3768 §6.4.3 says send an advert now; our own schedule stays as it is (no packet delays it).
            actions.Add(new SendAdvert(settings.Priority));
            return state;
        }

        if (advert.Priority > settings.Priority)
        {
            return StepDown(state, settings, advert, TransitionReason.HigherPriorityHeard, now, actions);
        }

        if (advert.Priority == settings.Priority && IPAddressComparer.Instance.Compare(advert.Source, settings.PrimaryAddress) > 0)
        {
            return StepDown(state, settings, advert, TransitionReason.EqualPriorityHigherAddress, now, actions);
        }

        return Reassert(state, settings, now, actions);
    }

    /// <summary>
    /// A lower-priority master is about (a healed partition): advertise and GARP at once so that clients which
    /// learned the other node's MAC come back now, not when their ARP entry expires. At most once an interval.
    /// </summary>
    private static VrrpInstanceState Reassert(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.LastReassertAt is { } last && now - last < settings.AdvertInterval)
        {
            return state;
        }

        // GARPs first: the clients come back to us before the advert makes the other master let the VIP go.
        actions.Add(new SendGratuitousArps(settings.GarpMasterRepeat));
        actions.Add(new SendAdvert(settings.Priority));
        return state with { LastReassertAt = now };
    }

    private static VrrpInstanceState StepDown(VrrpInstanceState state, VrrpSettings settings, AdvertReceived advert, TransitionReason reason, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        // One last advert at our priority: a new master that never heard us (we were partitioned) learns
        // that a lower node held the VIP and re-asserts with GARPs (see Reassert). Sent before the VIPs go, so
        // that its GARPs are on their way while we still answer the clients that have our MAC.
        actions.Add(new SendAdvert(settings.Priority));
        var toChosen = settings.Preferred is { } chosen && chosen.Equals(advert.Source);
        if (toChosen && settings.Linger > TimeSpan.Zero)
        {
            // Make-before-break: the chosen master has taken over and sent its GARPs; clients still sending to our MAC
            // are answered until the linger is over.
            var lingering = BecomeBackup(state, settings, TransitionReason.Switchover, now, actions, MasterInterval(settings, advert.AdvertInterval));
            return lingering with { MasterAddress = advert.Source, ReleaseAt = now + settings.Linger };
        }

        actions.Add(RemoveVips);
        var backup = BecomeBackup(state, settings, toChosen ? TransitionReason.Switchover : reason, now, actions,
            MasterInterval(settings, advert.AdvertInterval));
        return backup with { MasterAddress = advert.Source };
    }

    /// <summary>
    /// Probe, do not retry blindly: becoming Master again only to fail would preempt a healthy backup-turned-master
    /// every interval. The probe's answer (<see cref="VipsBindable"/>) clears the fault; until then, probe again later.
    /// </summary>
    private static VrrpInstanceState FaultTick(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.FaultRetryAt is not { } retryAt || retryAt > now)
        {
            return state;
        }

        actions.Add(ProbeVips);
        return state with { FaultRetryAt = now + VrrpTimers.MasterDownInterval(settings.Version, settings.Priority, settings.AdvertInterval) };
    }

    private static VrrpInstanceState AddFault(VrrpInstanceState state, VrrpSettings settings, FaultCauses cause, TransitionReason reason, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        var faulted = Release(state, actions) with { Faults = state.Faults | cause };
        if (cause == FaultCauses.VipBindFailed)
        {
            // Retry after a Master_Down_Interval: the address may be free again, without hammering netlink.
            faulted = faulted with { FaultRetryAt = now + VrrpTimers.MasterDownInterval(settings.Version, settings.Priority, settings.AdvertInterval) };
        }

        if (state.State == VrrpState.Fault)
        {
            return faulted;
        }

        if (state.State == VrrpState.Master)
        {
            actions.Add(RemoveVips);
            if (cause != FaultCauses.InterfaceDown)
            {
                // The link still works: tell the backups to take over after Skew_Time instead of Master_Down_Interval.
                actions.Add(new SendAdvert(0));
            }
        }

        return Transition(ClearTimers(faulted), VrrpState.Fault, reason, settings, actions);
    }

    private static VrrpInstanceState ClearFault(VrrpInstanceState state, VrrpSettings settings, FaultCauses cause, TransitionReason reason, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        var remaining = state with { Faults = state.Faults & ~cause };
        if (state.State != VrrpState.Fault || remaining.Faults != FaultCauses.None)
        {
            return remaining;
        }

        // Leaving FAULT is a new start (RFC 3768 §6.4.1): the address owner is master at once, the others wait.
        return settings.IsAddressOwner
            ? BecomeMaster(remaining, settings, reason, now, actions)
            : BecomeBackup(remaining, settings, reason, now, actions, settings.AdvertInterval);
    }

    private static VrrpInstanceState Stop(VrrpInstanceState state, VrrpSettings settings, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (state.State == VrrpState.Master)
        {
            // RFC 3768 §6.4.3: on shutdown a master sends priority 0 so a backup takes over after Skew_Time.
            actions.Add(new SendAdvert(0));
            actions.Add(RemoveVips);
        }

        return Transition(ClearTimers(Release(state, actions)), VrrpState.Stopped, TransitionReason.Shutdown, settings, actions);
    }

    private static VrrpInstanceState BecomeMaster(VrrpInstanceState state, VrrpSettings settings, TransitionReason reason, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        // RFC 5798 §6.4.2's order, after the VIPs are bound (an instance that cannot bind them never advertises its own
        // priority): the advert first, then the transition is recorded (logged, counted, told to notify scripts, the
        // sync group and the controller), then the GARPs — nothing between the deadline and the advert that can wait.
        actions.Add(AddVips);
        actions.Add(new SendAdvert(settings.Priority));
        var master = Transition(state, VrrpState.Master, reason, settings, actions);
        actions.Add(new SendGratuitousArps(settings.GarpMasterRepeat));
        return ClearTimers(master) with
        {
            AdvertAt = now + settings.AdvertInterval,
            GarpDelayedAt = settings.GarpMasterDelay > TimeSpan.Zero ? now + settings.GarpMasterDelay : null,
            GarpRefreshAt = settings.GarpMasterRefresh > TimeSpan.Zero ? now + settings.GarpMasterRefresh : null,
            MasterAddress = settings.PrimaryAddress,
            MasterAdverInterval = settings.AdvertInterval,
        };
    }

    private static VrrpInstanceState BecomeBackup(VrrpInstanceState state, VrrpSettings settings, TransitionReason reason, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions, TimeSpan masterInterval)
    {
        var backup = ClearTimers(state) with
        {
            MasterDownAt = now + VrrpTimers.MasterDownInterval(settings.Version, settings.Priority, masterInterval),
            MasterAdverInterval = masterInterval,
            TakeoverReason = TransitionReason.MasterDownTimer,
            MasterAddress = null,
        };
        return Transition(backup, VrrpState.Backup, reason, settings, actions);
    }

    /// <summary>The one place a state changes: it records the reason, which the runner logs and counts.</summary>
    private static VrrpInstanceState Transition(VrrpInstanceState state, VrrpState to, TransitionReason reason, VrrpSettings settings, ImmutableArray<VrrpAction>.Builder actions)
    {
        actions.Add(new StateChanged(state.State, to, reason, settings.Priority));
        return state with { State = to };
    }

    private static VrrpInstanceState ClearTimers(VrrpInstanceState state) => state with
    {
        MasterDownAt = null,
        AdvertAt = null,
        GarpDelayedAt = null,
        GarpRefreshAt = null,
        PreemptAt = null,
        LastReassertAt = null,
        ReleaseAt = null,
    };

    /// <summary>v3 backups adopt the master's interval (RFC 5798 §6.4.2); v2 intervals must match anyway.</summary>
    private static TimeSpan MasterInterval(VrrpSettings settings, TimeSpan advertised) =>
        settings.Version == 3 && advertised > TimeSpan.Zero ? advertised : settings.AdvertInterval;

    /// <summary>Absolute deadlines keep the schedule from drifting; if we were late, start again from now.</summary>
    private static TimeSpan NextPeriod(TimeSpan previous, TimeSpan period, TimeSpan now)
    {
        var next = previous + period;
        return next > now ? next : now + period;
    }
}
