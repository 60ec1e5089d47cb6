namespace HaCluster.Shared.Config;

/// <summary>Maps one <c>vrrp_track_file NAME { ... }</c> block.</summary>
internal static class TrackFileMapper
{
    private const string Overwrite = "overwrite";

    /// <summary>Returns null without a name or a usable <c>file</c>.</summary>
    public static TrackFileConfig? Map(ConfigStatement block, DiagnosticBag d)
    {
        if (!block.TryName(d, out var name))
        {
            return null;
        }

        var file = new TrackFileConfig(name, "") { Location = block.Location };
        foreach (var statement in block.Children)
        {
            file = Apply(file, statement, d);
        }

        if (!block.Children.Any(c => c.Keyword == "file"))
        {
            d.Error(block.Location, $"vrrp_track_file '{name}' has no 'file'");
        }

        return file.Path.Length == 0 ? null : file;
    }

    private static TrackFileConfig Apply(TrackFileConfig c, ConfigStatement s, DiagnosticBag d) => s.Keyword switch
    {
        "file" => s.TryValue(d, out var path) ? c with { Path = path } : c,
        "weight" => s.TryWeight(d, out var weight, out var reverse) ? c with { Weight = weight, WeightReverse = reverse } : c,
        "init_file" => InitFile(c, s, d),
        _ => Unknown(c, s, d),
    };

    /// <summary><c>init_file [VALUE] [overwrite]</c>; VALUE defaults to 0.</summary>
    private static TrackFileConfig InitFile(TrackFileConfig c, ConfigStatement s, DiagnosticBag d)
    {
        if (s.HasBlock)
        {
            d.Warning(s.Location, $"'{s.Keyword}' does not take a {{ }} block; block ignored");
        }

        var args = s.Args.ToList();
        var overwrite = args.Remove(Overwrite);
        var value = 0;
        if (args.Count > 0 && !ConfigValues.TryInt(args[0], "init_file", int.MinValue, int.MaxValue, s.Location, d, out value))
        {
            return c;
        }

        if (args.Count > 1)
        {
            d.Warning(s.Location, $"'{s.Keyword}': extra arguments ignored: {string.Join(' ', args.Skip(1))}");
        }

        return c with { InitValue = value, InitOverwrite = overwrite };
    }

    private static TrackFileConfig Unknown(TrackFileConfig c, ConfigStatement s, DiagnosticBag d)
    {
        s.WarnUnknown(d);
        return c;
    }
}
