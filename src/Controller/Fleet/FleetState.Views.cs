using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Fleet;

public sealed partial class FleetState
{
    public GroupStatusView? Status(string group) => desired.Get(group) is { } stored ? Status(stored) : null;

    public IReadOnlyList<GroupStatusView> Statuses() => [.. desired.Groups.Select(Status)];

    public IReadOnlyList<NodeView> Nodes()
    {
        lock (_lock)
        {
            return [.. _nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).Select(View)];
        }
    }

    public NodeView? Node(string name)
    {
        lock (_lock)
        {
            return _nodes.TryGetValue(name, out var node) ? View(node) : null;
        }
    }

    /// <summary>
    /// Health as it stands now for every group; a change is committed (and returned, to be stored) only once it has
    /// held for <paramref name="settle"/>: the moment between a new master's MASTER and the old one's BACKUP is no
    /// split brain.
    /// </summary>
    public IReadOnlyList<HealthChange> SettleHealth(TimeSpan settle)
    {
        var now = clock.GetUtcNow();
        var changes = new List<HealthChange>();
        lock (_lock)
        {
            RefreshStaleness();
        }

        foreach (var stored in desired.Groups)
        {
            var status = Compute(stored);
            lock (_lock)
            {
                var record = Health(stored.Group.Name);
                if (status.Health == record.Committed)
                {
                    record.Pending = null;
                    record.Problems = status.Problems;
                    continue;
                }

                if (status.Health != record.Pending)
                {
                    (record.Pending, record.PendingSince) = (status.Health, now);
                }

                if (record.Committed is null || now - record.PendingSince >= settle)
                {
                    changes.Add(new HealthChange(stored.Group.Name, record.Committed, status.Health, status.Problems, now));
                    (record.Committed, record.Since, record.Pending, record.Problems) = (status.Health, now, null, status.Problems);
                    _dirtyGroups.Add(stored.Group.Name);
                }
            }
        }

        return changes;
    }

    /// <summary>The status with the settled health: until a change has held long enough, the group shows the one before.</summary>
    private GroupStatusView Status(StoredGroup stored)
    {
        lock (_lock)
        {
            var computed = Compute(stored);
            var record = _health.GetValueOrDefault(stored.Group.Name);
            var shown = record?.Committed ?? computed.Health;
            return computed with
            {
                Health = shown,
                Problems = shown == computed.Health ? computed.Problems : record!.Problems,
                HealthSince = record?.Since,
            };
        }
    }

    /// <summary>The status as the members' reports say right now.</summary>
    private GroupStatusView Compute(StoredGroup stored)
    {
        lock (_lock)
        {
            var instance = GroupRenderer.InstanceName(stored.Group.Name);
            var members = stored.Group.Members.Select(m => Member(m, instance, stored)).ToList();
            var (health, problems, master) = GroupHealthRules.Evaluate(stored.Revision, members);
            var record = _health.GetValueOrDefault(stored.Group.Name);
            return new GroupStatusView(stored.Group, stored.Revision, health, problems, null, members, master, record?.LastFailoverAt);
        }
    }

    private MemberStatusView Member(Member member, string instance, StoredGroup group)
    {
        var node = _nodes.GetValueOrDefault(member.Node);
        var view = node?.Instances.GetValueOrDefault(instance);
        var applied = node?.Applied?.Groups.GetValueOrDefault(group.Group.Name);
        var connected = node?.Connected ?? false;
        return new MemberStatusView(member.Node, member.Address, member.Priority, connected,
            view?.State ?? VrrpState.Unspecified, view?.Priority, applied,
            connected && (applied ?? 0) < group.Revision,
            view?.LastTransitionAt, view?.LastReason, view?.LastAdvertAt, view?.Hmac, desired.MaintenanceOf(member.Node),
            node?.LastSeenAt, node is not null && IsStale(node));
    }

    private NodeView View(NodeRecord node) =>
        new(node.Name, node.Addresses, node.Interfaces, node.AgentVersion, node.BootId, node.Connected, node.ConnectedAt, node.LastSeenAt,
            node.Applied?.Hash, desired.ConfigFor(node.Name).Hash, desired.MaintenanceOf(node.Name), IsStale(node));
}
