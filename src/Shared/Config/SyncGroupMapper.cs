namespace HaCluster.Shared.Config;

/// <summary>Maps one <c>vrrp_sync_group NAME { group { ... } notify... }</c> block.</summary>
internal static class SyncGroupMapper
{
    public static SyncGroupConfig? Map(ConfigStatement block, GlobalDefs global, DiagnosticBag d)
    {
        if (!block.TryName(d, out var name))
        {
            return null;
        }

        var members = new List<(string Name, SourceLocation Location)>();
        var notify = NotifyConfig.None;
        foreach (var s in block.Children)
        {
            if (s.Keyword == "group")
            {
                members.AddRange(Members(s, d));
            }
            else if (NotifyLines.IsNotify(s.Keyword))
            {
                notify = NotifyLines.Apply(notify, s, d);
            }
            else
            {
                s.WarnUnknown(d);
            }
        }

        return new SyncGroupConfig(name, [.. members.Select(m => m.Name)])
        {
            Location = block.Location,
            InstanceLocations = [.. members.Select(m => m.Location)],
            Notify = notify.WithDefaultUser(global.ScriptUser, global.ScriptGroup),
        };
    }

    /// <summary>Instance names, any number per line: <c>group { VI_1 VI_2 }</c> is one statement with an argument.</summary>
    private static IEnumerable<(string Name, SourceLocation Location)> Members(ConfigStatement group, DiagnosticBag d)
    {
        if (!group.RequireBlock(d))
        {
            return [];
        }

        if (!group.Args.IsEmpty)
        {
            d.Warning(group.Location, $"'group': arguments ignored: {string.Join(' ', group.Args)}");
        }

        foreach (var nested in group.Children.Where(c => c.HasBlock))
        {
            d.Warning(nested.Location, $"'group': block after '{nested.Keyword}' ignored");
        }

        return group.Children.SelectMany(c => c.Args.Prepend(c.Keyword).Select(name => (name, c.Location))).ToList();
    }
}
