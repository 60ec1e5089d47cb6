using System.Globalization;

namespace HaCluster.TestSupport;

/// <summary>Reads Prometheus text exposition, as the agents' and the controller's /metrics serve it.</summary>
public static class PrometheusText
{
    /// <summary>The sum of every series of <paramref name="name"/> (all its label sets); 0 when there is none.</summary>
    public static long Sum(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>The value of one series, named with its labels as exposed (<c>name{a="b"}</c>); null when there is none.</summary>
    public static double? Value(string metrics, string series) =>
        metrics.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
}
