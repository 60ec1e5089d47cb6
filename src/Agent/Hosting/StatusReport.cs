using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Hosting;

/// <summary>What <c>hacluster-agent status</c> shows: one row per instance of the running agent.</summary>
public sealed record InstanceStatus(
    string Instance,
    string Interface,
    int Vrid,
    string State,
    int Priority,
    int BasePriority,
    string? Master,
    DateTimeOffset? LastTransitionAt,
    string? LastTransition,
    string? Reason)
{
    public static InstanceStatus From(InstanceRunner runner) => new(
        runner.Name,
        runner.Interface,
        runner.VirtualRouterId,
        runner.State.State.Name(),
        runner.Settings.Priority,
        runner.BasePriority,
        runner.State.MasterAddress?.ToString(),
        runner.LastTransition?.At,
        runner.LastTransition is { } t ? $"{t.From.Name()} -> {t.To.Name()}" : null,
        runner.LastTransition?.Reason.Name());

    public static string Table(IReadOnlyList<InstanceStatus> rows)
    {
        string[] header = ["INSTANCE", "INTERFACE", "VRID", "STATE", "PRIORITY", "MASTER", "LAST TRANSITION", "REASON"];
        var cells = rows.Select(r => new[]
        {
            r.Instance, r.Interface, r.Vrid.ToString(CultureInfo.InvariantCulture), r.State,
            r.Priority == r.BasePriority ? $"{r.Priority}" : $"{r.Priority} (base {r.BasePriority})",
            r.Master ?? "-",
            r.LastTransitionAt is { } at ? $"{r.LastTransition} at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "-",
            r.Reason ?? "-",
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<InstanceStatus>))]
internal sealed partial class StatusJson : JsonSerializerContext;
