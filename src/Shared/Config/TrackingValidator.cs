namespace HaCluster.Shared.Config;

/// <summary>Checks between tracking objects, the instances that track them and the sync groups that bind instances.</summary>
internal static class TrackingValidator
{
    public static void Validate(MappedConfig mapped, DiagnosticBag d)
    {
        foreach (var instance in mapped.AllInstances)
        {
            CheckReferences(instance, mapped, d);
            CheckOwnerWeights(instance, mapped.Config, d);
        }

        CheckUntracked(mapped, d);
        CheckSyncGroups(mapped, d);
    }

    private static void CheckReferences(VrrpInstanceConfig instance, MappedConfig mapped, DiagnosticBag d)
    {
        var seen = new Dictionary<(TrackKind, string), SourceLocation>();
        foreach (var track in instance.Tracks)
        {
            if (!seen.TryAdd((track.Kind, track.Name), track.Location))
            {
                d.Warning(track.Location, $"{InstanceTracking.Keyword(track.Kind)} '{track.Name}' is listed twice (first at {seen[(track.Kind, track.Name)]})");
            }
            else if (track.Kind == TrackKind.Script && !mapped.ScriptNames.Contains(track.Name))
            {
                d.Error(track.Location, $"track_script: vrrp_script '{track.Name}' is not defined");
            }
            else if (track.Kind == TrackKind.File && !mapped.TrackFileNames.Contains(track.Name))
            {
                d.Error(track.Location, $"track_file: vrrp_track_file '{track.Name}' is not defined");
            }
        }
    }

    /// <summary>keepalived never moves an address owner's priority, so its weights only mislead the reader.</summary>
    private static void CheckOwnerWeights(VrrpInstanceConfig instance, KeepalivedConfig config, DiagnosticBag d)
    {
        var weighted = instance.Priority == 255
            ? instance.Tracks.FirstOrDefault(t => config.EffectiveWeight(t).Weight != 0)
            : null;
        if (weighted is not null)
        {
            d.Warning(weighted.Location,
                $"vrrp_instance '{instance.Name}': priority 255 (address owner) is never changed by tracking weights");
        }
    }

    private static void CheckUntracked(MappedConfig mapped, DiagnosticBag d)
    {
        var tracked = mapped.AllInstances.SelectMany(i => i.Tracks).Where(t => t.Kind == TrackKind.Script).Select(t => t.Name).ToHashSet();
        foreach (var script in mapped.Config.Scripts.Where(s => !tracked.Contains(s.Name)))
        {
            d.Warning(script.Location, $"vrrp_script '{script.Name}' is not tracked by any vrrp_instance; it will never run");
        }
    }

    private static void CheckSyncGroups(MappedConfig mapped, DiagnosticBag d)
    {
        var defined = mapped.AllInstances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var memberOf = new Dictionary<string, (SyncGroupConfig Group, SourceLocation At)>(StringComparer.Ordinal);
        foreach (var group in mapped.Config.SyncGroups)
        {
            CheckSize(group, d);
            for (var i = 0; i < group.Instances.Length; i++)
            {
                var name = group.Instances[i];
                var at = i < group.InstanceLocations.Length ? group.InstanceLocations[i] : group.Location;
                if (!defined.Contains(name))
                {
                    d.Error(at, $"vrrp_sync_group '{group.Name}': vrrp_instance '{name}' is not defined");
                }
                else if (!memberOf.TryAdd(name, (group, at)))
                {
                    ReportSecondMembership(name, group, at, memberOf[name], d);
                }
            }
        }
    }

    private static void ReportSecondMembership(
        string name, SyncGroupConfig group, SourceLocation at, (SyncGroupConfig Group, SourceLocation At) first, DiagnosticBag d)
    {
        if (ReferenceEquals(first.Group, group))
        {
            d.Warning(at, $"vrrp_sync_group '{group.Name}': vrrp_instance '{name}' is listed twice (first at {first.At})");
        }
        else
        {
            d.Error(at, $"vrrp_instance '{name}' is already in vrrp_sync_group '{first.Group.Name}' at {first.At}; an instance can be in one sync group only");
        }
    }

    private static void CheckSize(SyncGroupConfig group, DiagnosticBag d)
    {
        var count = group.Instances.Distinct(StringComparer.Ordinal).Count();
        if (count == 0)
        {
            d.Error(group.Location, $"vrrp_sync_group '{group.Name}' has no instances (expected group {{ NAME ... }})");
        }
        else if (count == 1)
        {
            d.Warning(group.Location, $"vrrp_sync_group '{group.Name}' has only 1 instance; a sync group is meant for several");
        }
    }
}
