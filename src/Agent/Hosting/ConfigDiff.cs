using System.Text;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Hosting;

/// <summary>What a reload changes, by instance name: only <see cref="Changed"/>, <see cref="Added"/> and <see cref="Removed"/> are touched.</summary>
public sealed record ConfigDiff(IReadOnlyList<string> Unchanged, IReadOnlyList<string> Changed, IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public static ConfigDiff Between(KeepalivedConfig before, KeepalivedConfig after)
    {
        var old = before.Instances.ToDictionary(i => i.Name, i => Fingerprint(before, i));
        var now = after.Instances.ToDictionary(i => i.Name, i => Fingerprint(after, i));
        return new ConfigDiff(
            [.. now.Keys.Where(n => old.TryGetValue(n, out var f) && f == now[n])],
            [.. now.Keys.Where(n => old.TryGetValue(n, out var f) && f != now[n])],
            [.. now.Keys.Where(n => !old.ContainsKey(n))],
            [.. old.Keys.Where(n => !now.ContainsKey(n))]);
    }

    /// <summary>
    /// Everything that shapes how an instance runs: its own block (canonical text), the definitions of what it tracks,
    /// and its sync group. Text, because the model's arrays compare by reference.
    /// </summary>
    public static string Fingerprint(KeepalivedConfig config, VrrpInstanceConfig instance)
    {
        var text = new StringBuilder(KeepalivedConfigRenderer.RenderInstance(instance));
        foreach (var track in instance.Tracks)
        {
            // Locations are left out: moving a block in the file changes nothing.
            text.Append(track with { Location = default }).Append(track.Kind switch
            {
                TrackKind.Script => config.Scripts.FirstOrDefault(s => s.Name == track.Name) is { } s ? (s with { Location = default }).ToString() : "",
                TrackKind.File => config.TrackFiles.FirstOrDefault(f => f.Name == track.Name) is { } f ? (f with { Location = default }).ToString() : "",
                _ => "",
            });
        }

        var group = config.SyncGroups.FirstOrDefault(g => g.Instances.Contains(instance.Name));
        text.Append(group is null ? "" : $"{group.Name}:{string.Join(',', group.Instances)}:{group.Notify}");
        return text.ToString();
    }
}
