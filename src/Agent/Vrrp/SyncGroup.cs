using HaCluster.Agent.Tracking;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// keepalived's vrrp_sync_group: when a member changes state on its own (not because of the group), the other
/// members follow — MASTER, BACKUP or FAULT — so the addresses of the group move together.
/// </summary>
public sealed class SyncGroup : IDisposable
{
    private readonly IReadOnlyList<InstanceRunner> _members;
    private readonly NotifyDispatcher _notify;

    public SyncGroup(SyncGroupConfig config, IReadOnlyList<InstanceRunner> members, NotifyDispatcher notify)
    {
        (Config, _members, _notify) = (config, members, notify);
        foreach (var member in _members)
        {
            member.Transitioned += OnTransition;
        }
    }

    public SyncGroupConfig Config { get; }

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Transitioned -= OnTransition;
        }

        _notify.Dispose();
    }

    private void OnTransition(InstanceRunner member, TransitionRecord transition)
    {
        if (transition.Reason == TransitionReason.SyncGroup || transition.To is VrrpState.Stopped or VrrpState.Initialize)
        {
            return;
        }

        _notify.Enqueue(transition.To, transition.Priority);
        foreach (var other in _members.Where(m => m != member))
        {
            other.Post(new VrrpEvent.SyncGroupChanged(transition.To));
        }
    }
}
