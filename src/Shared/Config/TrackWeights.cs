namespace HaCluster.Shared.Config;

/// <summary>The <c>W [reverse]</c> that follows <c>weight</c> in tracking blocks and track_* lines.</summary>
internal static class TrackWeights
{
    /// <summary>keepalived.conf(5) limits every tracking weight to ±253.</summary>
    public const int Max = 253;

    /// <summary>Reads <c>W [reverse]</c> from a non-empty <paramref name="tail"/>.</summary>
    public static bool TryParse(IReadOnlyList<string> tail, string owner, SourceLocation at, DiagnosticBag d, out int weight, out bool reverse)
    {
        reverse = tail.Count > 1 && tail[1] == "reverse";
        var extra = tail.Skip(reverse ? 2 : 1).ToList();
        if (extra.Count > 0)
        {
            d.Warning(at, $"'{owner}': extra arguments ignored: {string.Join(' ', extra)}");
        }

        if (!ConfigValues.TryInt(tail[0], "weight", int.MinValue, int.MaxValue, at, d, out weight))
        {
            return false;
        }

        if (weight is >= -Max and <= Max)
        {
            return true;
        }

        d.Error(at, $"weight {weight} is out of range ({-Max} to {Max})");
        return false;
    }
}
