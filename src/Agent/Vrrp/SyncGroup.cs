using HaCluster.Shared.Config;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// keepalived's vrrp_sync_group: when a member changes state on its own (not because of the group), the other
/// members follow — MASTER, BACKUP or FAULT — so the addresses of the group move together.
/// </summary>
public sealed class SyncGroup : IDisposable
{
    private readonly IReadOnlyList<InstanceRunner> _members;

    public SyncGroup(SyncGroupConfig config, IReadOnlyList<InstanceRunner> members)
    {
        (Config, _members) = (config, members);
        foreach (var member in _members)
        {
            member.Transitioned += OnTransition;
        }
    }

    public SyncGroupConfig Config { get; }

    /// <summary>
    /// The group's own state changes (a member's, which the others then follow), on the engine thread; handlers must
    /// only queue work (the group's notify scripts).
    /// </summary>
    public event Action<SyncGroup, TransitionRecord>? Transitioned;

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Transitioned -= OnTransition;
        }
    }

    private void OnTransition(InstanceRunner member, TransitionRecord transition)
    {
        if (transition.Reason == TransitionReason.SyncGroup || transition.To is VrrpState.Stopped or VrrpState.Init)
        {
            return;
        }

        Transitioned?.Invoke(this, transition);
        foreach (var other in _members)
        {
            if (other != member)
            {
                other.Post(new VrrpEvent.SyncGroupChanged(transition.To));
            }
        }
    }
}
