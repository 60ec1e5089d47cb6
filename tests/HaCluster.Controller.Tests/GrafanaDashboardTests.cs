using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>deploy/grafana/hacluster.json: valid JSON whose every query names a series the agent or the controller exposes.</summary>
public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public void EveryQueriedSeries_IsOneTheAgentOrTheControllerExposes()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "grafana", "hacluster.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
        var names = queries.SelectMany(q => SeriesName().Matches(q).Select(m => m.Value)).Select(n => BucketSuffix().Replace(n, "")).Distinct().ToList();
        var sources = string.Join("\n", new[] { "src/Agent", "src/Controller" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Repository.Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .Select(File.ReadAllText));

        Assert.True(names.Count >= 15, string.Join(", ", names));
        Assert.DoesNotContain(names, n => !sources.Contains('"' + n, StringComparison.Ordinal));
    }

    [GeneratedRegex("hacluster_[a-z_]+")]
    private static partial Regex SeriesName();

    [GeneratedRegex("_bucket$")]
    private static partial Regex BucketSuffix();
}
