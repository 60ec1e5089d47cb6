using System.Collections.Immutable;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Every saved group at its current revision, in memory, with each member's rendered part and each node's composed
/// config: what is pushed, shown and hashed. A member's part is rendered once per revision (on save, or once when
/// loaded at start) and a node's config composed once per change of its groups; every read is served from these.
/// <see cref="GroupService"/> reports each committed change, and <see cref="Changed"/> tells the pusher and the fleet view.
/// </summary>
public sealed class DesiredState
{
    private static readonly NodeConfig NoGroups = GroupRenderer.ComposeNode("", []);
    private readonly Lock _lock = new();
    private ImmutableSortedDictionary<string, Desired> _groups = ImmutableSortedDictionary<string, Desired>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableDictionary<string, NodeConfig> _nodes = ImmutableDictionary<string, NodeConfig>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, NodeMaintenance> _maintenance = ImmutableSortedDictionary<string, NodeMaintenance>.Empty.WithComparers(StringComparer.Ordinal);

    private sealed record Desired(StoredGroup Stored, IReadOnlyList<MemberConfig> Parts);

    /// <summary>Raised after a change is committed (outside any lock of this class).</summary>
    public event Action<GroupChange>? Changed;

    /// <summary>Raised after a node's config changed without a group changing (its maintenance started or ended).</summary>
    public event Action<string>? NodeChanged;

    /// <summary>Nodes in maintenance, by name.</summary>
    public IReadOnlyCollection<NodeMaintenance> Maintenance => [.. _maintenance.Values];

    public NodeMaintenance? MaintenanceOf(string node) => _maintenance.GetValueOrDefault(node);

    /// <summary>
    /// Starts, replaces (<paramref name="maintenance"/>) or ends (null) a node's maintenance: its config is composed
    /// again with <c>hacluster_maintenance</c> in every instance (the group revisions, and their hashes, stay as saved).
    /// </summary>
    public void SetMaintenance(string node, NodeMaintenance? maintenance)
    {
        lock (_lock)
        {
            _maintenance = maintenance is null ? _maintenance.Remove(node) : _maintenance.SetItem(node, maintenance);
            Compose(node);
        }

        NodeChanged?.Invoke(node);
    }

    public IReadOnlyCollection<StoredGroup> Groups => [.. _groups.Values.Select(d => d.Stored)];

    public StoredGroup? Get(string name) => _groups.GetValueOrDefault(name)?.Stored;

    /// <summary>A member's part of the group's current revision; null when there is no such group or member.</summary>
    public MemberConfig? Part(string group, string node) => _groups.GetValueOrDefault(group)?.Parts.FirstOrDefault(p => p.Node == node);

    /// <summary>The saved groups at start: each member's part rendered once.</summary>
    public void Load(IEnumerable<StoredGroup> groups)
    {
        lock (_lock)
        {
            foreach (var stored in groups)
            {
                _groups = _groups.SetItem(stored.Group.Name, new Desired(stored, GroupRenderer.RenderMembers(stored.Group, stored.Revision)));
            }

            _nodes = _nodes.Clear();
            foreach (var node in _groups.Values.SelectMany(d => d.Parts).Select(p => p.Node).Union(_maintenance.Keys).Distinct(StringComparer.Ordinal))
            {
                Compose(node);
            }
        }
    }

    /// <summary>A committed save, with the parts rendered for it.</summary>
    public void Saved(StoredGroup group, IReadOnlyList<MemberConfig> parts)
    {
        StoredGroup? before;
        lock (_lock)
        {
            before = Get(group.Group.Name);
            _groups = _groups.SetItem(group.Group.Name, new Desired(group, parts));
            Recompose(new GroupChange(before, group));
        }

        Changed?.Invoke(new GroupChange(before, group));
    }

    public void Removed(string name)
    {
        StoredGroup? before;
        lock (_lock)
        {
            before = Get(name);
            _groups = _groups.Remove(name);
            if (before is not null)
            {
                Recompose(new GroupChange(before, null));
            }
        }

        if (before is not null)
        {
            Changed?.Invoke(new GroupChange(before, null));
        }
    }

    /// <summary>Groups <paramref name="node"/> is a member of, by name.</summary>
    public IReadOnlyList<StoredGroup> GroupsOf(string node) =>
        _nodes.TryGetValue(node, out var config) ? [.. config.Groups.Select(g => Get(g.Group)).OfType<StoredGroup>()] : [];

    /// <summary>The node's whole managed config (global_defs only for a node in no group).</summary>
    public NodeConfig ConfigFor(string node) => _nodes.TryGetValue(node, out var config) ? config : NoGroups with { Node = node };

    private void Recompose(GroupChange change)
    {
        foreach (var node in change.Nodes)
        {
            Compose(node);
        }
    }

    private void Compose(string node)
    {
        var parts = _groups.Values.SelectMany(d => d.Parts).Where(p => p.Node == node).ToList();
        if (_maintenance.GetValueOrDefault(node) is { } drained)
        {
            parts = [.. parts.Select(p => GroupRenderer.RenderMember(_groups[p.Group].Stored.Group, p.Revision, node, drained.Mode))];
        }

        _nodes = parts.Count == 0 ? _nodes.Remove(node) : _nodes.SetItem(node, GroupRenderer.ComposeNode(node, parts));
    }
}
