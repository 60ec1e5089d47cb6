using System.Collections.Immutable;
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
    public static InstanceDefinition Of(KeepalivedConfig config, VrrpInstanceConfig instance)
    {
        // Loops rather than LINQ: each LINQ operator over a new element type is more code in the NativeAOT image.
        var scripts = ImmutableArray.CreateBuilder<VrrpScriptConfig>();
        var files = ImmutableArray.CreateBuilder<TrackFileConfig>();
        foreach (var track in instance.Tracks)
        {
            if (track.Kind == TrackKind.Script && config.FindScript(track.Name) is { } script)
            {
                scripts.Add(script.WithoutLocation());
            }
            else if (track.Kind == TrackKind.File && config.FindTrackFile(track.Name) is { } file)
            {
                files.Add(file.WithoutLocation());
            }
        }

        SyncGroupConfig? group = null;
        foreach (var candidate in config.SyncGroups)
        {
            if (candidate.Instances.AsImmutableArray().Contains(instance.Name))
            {
                group = candidate.WithoutLocations();
                break;
            }
        }

        return new(instance.WithoutLocations(), scripts.ToImmutable(), files.ToImmutable(), group);
    }

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
