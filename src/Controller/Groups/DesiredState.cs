using System.Collections.Immutable;
using System.Text.Json;
using HaCluster.Controller.Data;
using HaCluster.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Groups;

/// <summary>A group saved in a change: before, after, or both.</summary>
public sealed record GroupChange(StoredGroup? Before, StoredGroup? After)
{
    public string Name => (After ?? Before)!.Group.Name;

    /// <summary>Every node that was or is a member: their configs may have changed.</summary>
    public IEnumerable<string> Nodes => DesiredState.NodesOf(Before).Union(DesiredState.NodesOf(After), StringComparer.Ordinal);
}

/// <summary>One node's whole managed config, as pushed: every group it is a member of.</summary>
public sealed record NodeConfig(string Node, string Text, string Hash, IReadOnlyList<GroupRevisionRef> Groups);

public sealed record GroupRevisionRef(string Group, int Revision);

/// <summary>
/// Every saved group at its current revision, in memory: what configs are rendered from and statuses are built on.
/// Loaded once at start; <see cref="GroupStore"/> reports each committed change, and <see cref="Changed"/> tells the
/// pusher and the fleet view.
/// </summary>
public sealed class DesiredState
{
    private readonly Lock _lock = new();
    private ImmutableSortedDictionary<string, StoredGroup> _groups = ImmutableSortedDictionary<string, StoredGroup>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Raised after a change is committed (outside any lock of this class).</summary>
    public event Action<GroupChange>? Changed;

    public IReadOnlyCollection<StoredGroup> Groups => _groups.Values.ToList();

    public StoredGroup? Get(string name) => _groups.GetValueOrDefault(name);

    public async Task LoadAsync(HaClusterContext db, CancellationToken ct)
    {
        var rows = await db.Groups.AsNoTracking().ToListAsync(ct);
        _groups = _groups.SetItems(rows.Select(r => KeyValuePair.Create(r.Name,
            new StoredGroup(JsonSerializer.Deserialize(r.Json, GroupJson.Default.VipGroup)!, r.Revision))));
    }

    public void Saved(StoredGroup group)
    {
        StoredGroup? before;
        lock (_lock)
        {
            before = _groups.GetValueOrDefault(group.Group.Name);
            _groups = _groups.SetItem(group.Group.Name, group);
        }

        Changed?.Invoke(new GroupChange(before, group));
    }

    public void Removed(string name)
    {
        StoredGroup? before;
        lock (_lock)
        {
            before = _groups.GetValueOrDefault(name);
            _groups = _groups.Remove(name);
        }

        if (before is not null)
        {
            Changed?.Invoke(new GroupChange(before, null));
        }
    }

    /// <summary>Groups <paramref name="node"/> is a member of, by name.</summary>
    public IReadOnlyList<StoredGroup> GroupsOf(string node) =>
        [.. _groups.Values.Where(g => NodesOf(g).Contains(node, StringComparer.Ordinal))];

    public NodeConfig ConfigFor(string node)
    {
        var groups = GroupsOf(node);
        var text = GroupRenderer.RenderNode(groups.Select(g => g.Group), node);
        return new NodeConfig(node, text, GroupRenderer.Hash(text), [.. groups.Select(g => new GroupRevisionRef(g.Group.Name, g.Revision))]);
    }

    public static IEnumerable<string> NodesOf(StoredGroup? group) =>
        group is null ? [] : GroupValidator.OrEmpty(group.Group.Members).Select(m => m.Node);
}
