using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// The config plus what validation needs beyond it: every instance that could be named, including incomplete
/// ones the config leaves out, and the names of every script and track file block, valid or not.
/// </summary>
internal sealed record MappedConfig(KeepalivedConfig Config, ImmutableArray<VrrpInstanceConfig> AllInstances)
{
    public ImmutableHashSet<string> ScriptNames { get; init; } = [];
    public ImmutableHashSet<string> TrackFileNames { get; init; } = [];
}

/// <summary>Maps the top level of the statement tree onto <see cref="KeepalivedConfig"/>.</summary>
internal static class ConfigMapper
{
    private const string GlobalDefs = "global_defs";
    private const string VrrpInstance = "vrrp_instance";

    public static MappedConfig Map(ImmutableArray<ConfigStatement> statements, DiagnosticBag d)
    {
        // global_defs first, so instance and script defaults do not depend on where global_defs sits in the file.
        var global = GlobalDefsMapper.Map(GlobalBlocks(statements, d), d);
        var instances = ImmutableArray.CreateBuilder<VrrpInstanceConfig>();
        var tracking = new TrackingBlocks(global);
        foreach (var s in statements.Where(s => s.Keyword != GlobalDefs))
        {
            if (s.Keyword == VrrpInstance)
            {
                if (s.RequireBlock(d) && VrrpInstanceMapper.Map(s, global, d) is { } instance)
                {
                    instances.Add(instance);
                }
            }
            else if (!tracking.TryAdd(s, d))
            {
                WarnUnsupported(s, d);
            }
        }

        var all = instances.ToImmutable();
        var config = tracking.AddTo(new KeepalivedConfig(global, [.. all.Where(VrrpInstanceMapper.IsComplete)]));
        return new MappedConfig(config, all) { ScriptNames = tracking.ScriptNames, TrackFileNames = tracking.TrackFileNames };
    }

    private static List<ConfigStatement> GlobalBlocks(ImmutableArray<ConfigStatement> statements, DiagnosticBag d)
    {
        var globalBlocks = new List<ConfigStatement>();
        foreach (var s in statements.Where(s => s.Keyword == GlobalDefs))
        {
            if (!s.Args.IsEmpty)
            {
                d.Warning(s.Location, $"'{GlobalDefs}': arguments ignored: {string.Join(' ', s.Args)}");
            }

            if (s.RequireBlock(d))
            {
                globalBlocks.Add(s);
            }
        }

        return globalBlocks;
    }

    private static void WarnUnsupported(ConfigStatement s, DiagnosticBag d)
    {
        if (s.HasBlock)
        {
            d.Warning(s.Location, $"'{s.Keyword}' is not supported yet, ignored");
        }
        else
        {
            s.WarnUnknown(d);
        }
    }
}
