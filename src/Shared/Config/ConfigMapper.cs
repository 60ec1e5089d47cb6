using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>Maps the top level of the statement tree onto <see cref="KeepalivedConfig"/>.</summary>
internal static class ConfigMapper
{
    private const string GlobalDefs = "global_defs";
    private const string VrrpInstance = "vrrp_instance";

    /// <summary>
    /// Returns the config plus every instance that could be named, including incomplete ones the config
    /// leaves out, so validation still reports their problems.
    /// </summary>
    public static (KeepalivedConfig Config, ImmutableArray<VrrpInstanceConfig> AllInstances) Map(
        ImmutableArray<ConfigStatement> statements, DiagnosticBag d)
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

        // global_defs first, so instance defaults do not depend on where global_defs sits in the file.
        var global = GlobalDefsMapper.Map(globalBlocks, d);
        var instances = ImmutableArray.CreateBuilder<VrrpInstanceConfig>();
        foreach (var s in statements.Where(s => s.Keyword != GlobalDefs))
        {
            if (s.Keyword != VrrpInstance)
            {
                WarnUnsupported(s, d);
            }
            else if (s.RequireBlock(d) && VrrpInstanceMapper.Map(s, global, d) is { } instance)
            {
                instances.Add(instance);
            }
        }

        var all = instances.ToImmutable();
        return (new KeepalivedConfig(global, [.. all.Where(VrrpInstanceMapper.IsComplete)]), all);
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
