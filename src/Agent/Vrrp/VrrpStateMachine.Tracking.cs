using System.Collections.Immutable;
using HaCluster.Shared.Vocabulary;
using static HaCluster.Agent.Vrrp.VrrpAction;

namespace HaCluster.Agent.Vrrp;

/// <summary>The events from outside the protocol: tracking (keepalived's track_*) and sync groups.</summary>
public static partial class VrrpStateMachine
{
    private static VrrpInstanceState Track(VrrpInstanceState state, VrrpSettings settings, bool faulted, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (faulted)
        {
            return AddFault(state, settings, FaultCauses.Tracking, TransitionReason.TrackingFailed, now, actions);
        }

        if (state.State == VrrpState.Master)
        {
            // The new priority goes out at once (our schedule stays): a backup that now outranks us preempts sooner.
            actions.Add(new SendAdvert(settings.Priority));
        }

        return ClearFault(state, settings, FaultCauses.Tracking, TransitionReason.TrackingRecovered, now, actions);
    }

    /// <summary>keepalived's sync groups: a member's MASTER, BACKUP or FAULT is followed by the others.</summary>
    private static VrrpInstanceState FollowGroup(VrrpInstanceState state, VrrpSettings settings, VrrpState target, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        if (target == VrrpState.Fault)
        {
            return AddFault(state, settings, FaultCauses.SyncGroup, TransitionReason.SyncGroup, now, actions);
        }

        state = ClearFault(state, settings, FaultCauses.SyncGroup, TransitionReason.SyncGroup, now, actions);
        return (target, state.State) switch
        {
            (VrrpState.Master, VrrpState.Backup) => BecomeMaster(state, settings, TransitionReason.SyncGroup, now, actions),
            (VrrpState.Backup, VrrpState.Master) => LeaveMaster(state, settings, now, actions),
            _ => state,
        };
    }

    private static VrrpInstanceState LeaveMaster(VrrpInstanceState state, VrrpSettings settings, TimeSpan now, ImmutableArray<VrrpAction>.Builder actions)
    {
        actions.Add(RemoveVips);
        return BecomeBackup(state, settings, TransitionReason.SyncGroup, now, actions, settings.AdvertInterval);
    }
}
