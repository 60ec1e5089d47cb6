using HaCluster.Shared.Collections;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// Everything that shapes how an instance runs: its own block, the definitions of what it tracks, and its sync
/// group — without where they were written. Compared by value: equal definitions run the same.
/// </summary>
public sealed record InstanceDefinition(
    VrrpInstanceConfig Instance, EquatableArray<VrrpScriptConfig> Scripts, EquatableArray<TrackFileConfig> Files, SyncGroupConfig? SyncGroup)
{
    public static InstanceDefinition Of(KeepalivedConfig config, VrrpInstanceConfig instance) => new(
        instance.WithoutLocations(),
        [.. instance.Tracks.Where(t => t.Kind == TrackKind.Script).Select(t => config.FindScript(t.Name)).OfType<VrrpScriptConfig>().Select(s => s.WithoutLocation())],
        [.. instance.Tracks.Where(t => t.Kind == TrackKind.File).Select(t => config.FindTrackFile(t.Name)).OfType<TrackFileConfig>().Select(f => f.WithoutLocation())],
        config.SyncGroups.FirstOrDefault(g => g.Instances.Contains(instance.Name))?.WithoutLocations());

    public InstanceDefinition WithInstance(VrrpInstanceConfig instance) => this with { Instance = instance.WithoutLocations() };
}

/// <summary>What a reload changes, by instance name: only <see cref="Changed"/>, <see cref="Added"/> and <see cref="Removed"/> are touched.</summary>
public sealed record ConfigDiff(IReadOnlyList<string> Unchanged, IReadOnlyList<string> Changed, IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public static ConfigDiff Between(KeepalivedConfig before, KeepalivedConfig after)
    {
        var old = before.Instances.ToDictionary(i => i.Name, i => InstanceDefinition.Of(before, i));
        var now = after.Instances.ToDictionary(i => i.Name, i => InstanceDefinition.Of(after, i));
        return new ConfigDiff(
            [.. now.Keys.Where(n => old.TryGetValue(n, out var d) && d == now[n])],
            [.. now.Keys.Where(n => old.TryGetValue(n, out var d) && d != now[n])],
            [.. now.Keys.Where(n => !old.ContainsKey(n))],
            [.. old.Keys.Where(n => !now.ContainsKey(n))]);
    }
}
