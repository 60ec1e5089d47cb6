using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Fleet;

/// <summary>
/// The live view of the fleet: who is connected, what each agent reports of each instance, and each group's health
/// derived from it (<see cref="GroupHealthRules"/>). Fed by the agent link and the event ingest; read by the APIs.
/// Changes mark groups and nodes dirty; <see cref="FleetMonitor"/> publishes them and settles health.
/// </summary>
public sealed partial class FleetState(DesiredState desired, TimeProvider clock, IOptions<FleetOptions> options) : IStoredEventsObserver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealthRecord> _health = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyGroups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyNodes = new(StringComparer.Ordinal);

    public void Known(KnownNode node)
    {
        lock (_lock)
        {
            var record = Record(node.Name);
            (record.Addresses, record.Interfaces, record.AgentVersion, record.BootId, record.LastSeenAt) =
                (node.Facts.Addresses, node.Facts.Interfaces, node.AgentVersion, node.BootId, node.LastSeenAt);
        }
    }

    public void LastFailover(string group, DateTimeOffset at)
    {
        lock (_lock)
        {
            Health(group).LastFailoverAt = at;
        }
    }

    public void Connected(NodeHello hello, Guid session)
    {
        lock (_lock)
        {
            var node = Record(hello.Name);
            (node.Addresses, node.Interfaces, node.AgentVersion) = (hello.Addresses, hello.Interfaces, hello.AgentVersion);
            if (node.BootId != hello.BootId)
            {
                // A new agent process: what the old one said of its instances no longer holds.
                node.Instances.Clear();
            }

            (node.BootId, node.Session, node.Connected, node.Applied) = (hello.BootId, session, true, hello.Running);
            node.ConnectedAt = node.LastSeenAt = clock.GetUtcNow();
            Touch(node);
        }
    }

    /// <summary>Only the session that is current for the node may mark it disconnected (a replaced one may end later).</summary>
    public bool Disconnected(string name, Guid session)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(name, out var node) || node.Session != session)
            {
                return false;
            }

            (node.Connected, node.Session, node.ConnectedAt, node.LastSeenAt) = (false, null, null, clock.GetUtcNow());
            Touch(node);
            return true;
        }
    }

    public void Snapshot(string name, IReadOnlyDictionary<string, InstanceView> instances)
    {
        lock (_lock)
        {
            var node = Record(name);
            // A snapshot says what runs and how; the counters (HMAC) come in their own report and stay until the next one.
            var counted = node.Instances.Where(i => i.Value.Hmac is not null).ToDictionary(i => i.Key, i => i.Value.Hmac, StringComparer.Ordinal);
            node.Instances.Clear();
            foreach (var (instance, view) in instances)
            {
                node.Instances[instance] = view with { Hmac = view.Hmac ?? counted.GetValueOrDefault(instance) };
            }

            Touch(node);
        }
    }

    public void Counters(string name, IReadOnlyDictionary<string, InstanceCountsView> counts)
    {
        lock (_lock)
        {
            var node = Record(name);
            node.LastSeenAt = clock.GetUtcNow();
            foreach (var (instance, count) in counts)
            {
                if (node.Instances.TryGetValue(instance, out var view) && (count.LastAdvertAt is { } at && view.LastAdvertAt != at || view.Hmac != count.Hmac))
                {
                    node.Instances[instance] = view with { LastAdvertAt = count.LastAdvertAt ?? view.LastAdvertAt, Hmac = count.Hmac };
                    MarkGroupOf(instance);
                }
            }
        }
    }

    public void Applied(string name, AppliedConfig running)
    {
        lock (_lock)
        {
            var node = Record(name);
            node.Applied = running;
            Touch(node);
        }
    }

    /// <summary>Stored transitions move the instance's current state, unless older than what the agent reported since.</summary>
    public void Stored(IReadOnlyList<FleetEvent> stored)
    {
        lock (_lock)
        {
            foreach (var e in stored.Where(e => e.Kind == EventKind.Transition && e.Node is not null && e.Instance is not null))
            {
                var node = Record(e.Node!);
                var current = node.Instances.GetValueOrDefault(e.Instance!);
                if (current?.LastTransitionAt > e.At)
                {
                    continue;
                }

                node.Instances[e.Instance!] = new InstanceView(e.ToState ?? VrrpState.Unspecified, e.Priority ?? 0, current?.BasePriority ?? e.Priority ?? 0,
                    current?.MasterAddress, e.At, e.Reason, current?.LastAdvertAt, current?.Hmac, e.Context?.Breakdown ?? current?.Breakdown);
                if (e.Group is { } group && e.IsTakeover)
                {
                    Health(group).LastFailoverAt = e.At;
                }

                MarkGroupOf(e.Instance!);
            }
        }
    }

    /// <summary>
    /// Each transition with what the fleet knows of it now: the revision of its group the node runs, and every other node
    /// that is a member of the group (or, for an instance of the host's own file, runs one of that name) as it stands.
    /// One lock for the whole batch: under a storm a thousand streams took it once an event, and spun on it.
    /// </summary>
    public IReadOnlyList<FleetEvent> WithContexts(IReadOnlyList<FleetEvent> events)
    {
        if (!events.Any(e => e is { Kind: EventKind.Transition, Node: not null, Instance: not null }))
        {
            return events;
        }

        lock (_lock)
        {
            return [.. events.Select(e => e is { Kind: EventKind.Transition, Node: { } node, Instance: { } instance } ? e with { Context = ContextOf(e, node, instance) } : e)];
        }
    }

    private TransitionContext ContextOf(FleetEvent e, string nodeName, string instance)
    {
        var others = e.Group is { } group && desired.Get(group) is { } stored
            ? stored.Group.Members.Select(m => m.Node)
            : _nodes.Values.Where(n => n.Instances.ContainsKey(instance)).Select(n => n.Name);
        var peers = others.Where(n => n != nodeName).Distinct().Order(StringComparer.Ordinal).Select(name =>
        {
            var node = _nodes.GetValueOrDefault(name);
            var view = node?.Instances.GetValueOrDefault(instance);
            return new PeerAtTransition(name, view?.State, view?.Priority, node is not null && IsStale(node), node?.Connected ?? false, view?.Breakdown);
        }).ToList();
        var revision = e.Group is { } g && _nodes.GetValueOrDefault(nodeName)?.Applied?.Groups.TryGetValue(g, out var r) == true ? r : (int?)null;
        return new TransitionContext(e.Context?.Breakdown, revision, peers);
    }

    /// <summary>A node's config changed without a group changing (maintenance): its view and its groups' are shown again.</summary>
    public void NodeConfigChanged(string name)
    {
        lock (_lock)
        {
            Touch(Record(name));
        }
    }

    public void GroupChanged(GroupChange change)
    {
        lock (_lock)
        {
            _dirtyGroups.Add(change.Name);
            if (change.After is null)
            {
                _health.Remove(change.Name);
            }
        }
    }

    /// <summary>Groups and nodes changed since the last call.</summary>
    public (IReadOnlyList<string> Groups, IReadOnlyList<string> Nodes) TakeDirty()
    {
        lock (_lock)
        {
            var result = (_dirtyGroups.ToList(), _dirtyNodes.ToList());
            _dirtyGroups.Clear();
            _dirtyNodes.Clear();
            return result;
        }
    }

    private NodeRecord Record(string name)
    {
        if (!_nodes.TryGetValue(name, out var node))
        {
            _nodes[name] = node = new NodeRecord(name);
        }

        return node;
    }

    private HealthRecord Health(string group)
    {
        if (!_health.TryGetValue(group, out var record))
        {
            _health[group] = record = new HealthRecord();
        }

        return record;
    }

    /// <summary>Connected, and not heard for longer than <see cref="FleetOptions.StaleAfter"/>.</summary>
    private bool IsStale(NodeRecord node) => node.Connected && node.LastSeenAt is { } heard && clock.GetUtcNow() - heard > options.Value.StaleAfter;

    /// <summary>Staleness comes with time, not with a message: each node whose staleness flipped is shown again.</summary>
    private void RefreshStaleness()
    {
        foreach (var node in _nodes.Values)
        {
            if (IsStale(node) != node.WasStale)
            {
                node.WasStale = !node.WasStale;
                Touch(node);
            }
        }
    }

    private void Touch(NodeRecord node)
    {
        _dirtyNodes.Add(node.Name);
        foreach (var group in desired.GroupsOf(node.Name))
        {
            _dirtyGroups.Add(group.Group.Name);
        }
    }

    private void MarkGroupOf(string instance)
    {
        if (instance.StartsWith(GroupRenderer.InstancePrefix, StringComparison.Ordinal)
            && instance[GroupRenderer.InstancePrefix.Length..] is var group && desired.Get(group) is not null)
        {
            _dirtyGroups.Add(group);
        }
    }

    private sealed class NodeRecord(string name)
    {
        public string Name { get; } = name;
        public IReadOnlyList<string> Addresses { get; set; } = [];
        public IReadOnlyList<string> Interfaces { get; set; } = [];
        public string AgentVersion { get; set; } = "";
        public string BootId { get; set; } = "";
        public bool Connected { get; set; }
        public Guid? Session { get; set; }
        public DateTimeOffset? ConnectedAt { get; set; }
        public DateTimeOffset? LastSeenAt { get; set; }

        /// <summary>Whether it was stale when last looked at: a change is published.</summary>
        public bool WasStale { get; set; }
        public AppliedConfig? Applied { get; set; }
        public Dictionary<string, InstanceView> Instances { get; } = new(StringComparer.Ordinal);
    }

    private sealed class HealthRecord
    {
        public GroupHealth? Committed { get; set; }
        public DateTimeOffset? Since { get; set; }
        public GroupHealth? Pending { get; set; }
        public DateTimeOffset PendingSince { get; set; }
        public IReadOnlyList<string> Problems { get; set; } = [];
        public DateTimeOffset? LastFailoverAt { get; set; }
    }
}
