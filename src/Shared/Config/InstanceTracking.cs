namespace HaCluster.Shared.Config;

/// <summary>The <c>track_script</c>, <c>track_interface</c> and <c>track_file</c> blocks of a vrrp_instance.</summary>
internal static class InstanceTracking
{
    /// <summary>Linux IFNAMSIZ is 16 including the terminating NUL.</summary>
    private const int MaxInterfaceName = 15;

    public static TrackKind? KindOf(string keyword) => keyword switch
    {
        "track_script" => TrackKind.Script,
        "track_interface" => TrackKind.Interface,
        "track_file" => TrackKind.File,
        _ => null,
    };

    public static string Keyword(TrackKind kind) => kind switch
    {
        TrackKind.Script => "track_script",
        TrackKind.Interface => "track_interface",
        _ => "track_file",
    };

    /// <summary>One entry per line: <c>NAME [weight W [reverse]]</c>. Lines with errors are left out.</summary>
    public static List<TrackReference> Block(ConfigStatement block, TrackKind kind, DiagnosticBag d)
    {
        var references = new List<TrackReference>();
        if (!block.RequireBlock(d))
        {
            return references;
        }

        if (!block.Args.IsEmpty)
        {
            d.Warning(block.Location, $"'{block.Keyword}': arguments ignored: {string.Join(' ', block.Args)}");
        }

        foreach (var line in block.Children)
        {
            if (Reference(line, kind, block.Keyword, d) is { } reference)
            {
                references.Add(reference);
            }
        }

        return references;
    }

    private static TrackReference? Reference(ConfigStatement line, TrackKind kind, string what, DiagnosticBag d)
    {
        if (line.HasBlock)
        {
            d.Warning(line.Location, $"{what}: block after '{line.Keyword}' ignored");
        }

        if (kind == TrackKind.Interface && !IsInterfaceName(line, d))
        {
            return null;
        }

        var reference = new TrackReference(kind, line.Keyword) { Location = line.Location };
        if (line.Args.IsEmpty)
        {
            return reference;
        }

        if (line.Args[0] != "weight")
        {
            d.Warning(line.Location, $"{what}: unknown option '{line.Args[0]}' ignored");
            return reference;
        }

        if (line.Args.Length == 1)
        {
            d.Error(line.Location, $"{what}: 'weight' requires a value");
            return null;
        }

        return TrackWeights.TryParse(line.Args[1..], what, line.Location, d, out var weight, out var reverse)
            ? reference with { Weight = weight, Reverse = reverse }
            : null;
    }

    private static bool IsInterfaceName(ConfigStatement line, DiagnosticBag d)
    {
        if (line.Keyword.Length > MaxInterfaceName)
        {
            d.Error(line.Location, $"track_interface: '{line.Keyword}' is longer than {MaxInterfaceName} characters");
            return false;
        }

        return InterfaceNames.Check(line.Keyword, "track_interface", line.Location, d);
    }
}
