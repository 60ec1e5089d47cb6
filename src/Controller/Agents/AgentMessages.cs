using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Config;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Agents;

/// <summary>
/// The controller's side of the agent link's messages: every field checked, proto → domain, only here. A bad hello
/// ends the stream with a reason; a bad event or instance entry is dropped with a reason (counted and logged).
/// </summary>
public static class AgentMessages
{
    private const int MaxText = 64;
    private const int MaxErrors = 100;
    private const int MaxErrorLength = 1000;

    /// <summary>Addresses, interfaces and running groups kept from one hello: a host with more is still served, by its first ones.</summary>
    public const int MaxFacts = 1024;

    /// <summary>Null and the reason when the hello cannot be accepted.</summary>
    public static NodeHello? ToHello(Hello hello, out string? problem)
    {
        problem = !GroupValidator.IsValidName(hello.Node) ? $"node '{Show(hello.Node)}' is not a node name (1-64 characters from A-Z a-z 0-9 _ . -)"
            : !IsToken(hello.BootId) ? $"boot_id '{Show(hello.BootId)}' is not 1-64 characters from A-Z a-z 0-9 -"
            : null;
        if (problem is not null)
        {
            return null;
        }

        var addresses = hello.Addresses.Take(MaxFacts * 4).Where(a => Ipv4.TryParseWithPrefix(a, out _, out _)).Distinct().Take(MaxFacts).ToList();
        var interfaces = hello.Interfaces.Take(MaxFacts * 4).Where(InterfaceNames.IsValid).Distinct().Take(MaxFacts).ToList();
        return new NodeHello(hello.Node, addresses, interfaces, Truncate(hello.AgentVersion), hello.BootId, ToApplied(hello.Running));
    }

    public static AppliedConfig ToApplied(ConfigRevision? revision)
    {
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in (revision?.Groups ?? []).Take(MaxFacts))
        {
            if (GroupValidator.IsValidName(group.Group) && group.Revision > 0)
            {
                groups[group.Group] = group.Revision;
            }
        }

        return new AppliedConfig(Truncate(revision?.Hash ?? ""), groups);
    }

    /// <summary>The event as stored, or null and why it is dropped.</summary>
    public static FleetEvent? ToEvent(string node, StateEvent e, DateTimeOffset receivedAt, out string? dropReason)
    {
        dropReason = !IsToken(e.BootId) ? "boot_id"
            : e.Sequence is 0 or > long.MaxValue ? "sequence"
            : !IsInstanceName(e.Instance) ? "instance"
            : !IsState(e.From) || !IsState(e.To) ? "state"
            : e.Priority is < 0 or > 255 ? "priority"
            : !IsReason(e.Reason) ? "reason"
            : ToTime(e.At) is null ? "timestamp"
            : null;
        if (dropReason is not null)
        {
            return null;
        }

        var at = ToTime(e.At)!.Value;
        var heard = ToTime(e.MasterLastHeardAt);
        return new FleetEvent(EventKind.Transition, at)
        {
            ReceivedAt = receivedAt,
            Node = node,
            BootId = e.BootId,
            Sequence = (long)e.Sequence,
            Instance = e.Instance,
            Group = GroupOf(e.Instance),
            FromState = e.From,
            ToState = e.To,
            Reason = e.Reason,
            Priority = e.Priority,
            TakeoverMs = e.To == VrrpState.Master && heard is { } h && h <= at ? (at - h).TotalMilliseconds : null,
            Context = ToParts(e.Breakdown) is { } parts ? new TransitionContext(parts, null, []) : null,
        };
    }

    private static readonly HashSet<string> TrackKinds = ["script", "interface", "file"];
    private static readonly HashSet<string> TrackStates = ["ok", "failed", "unknown"];

    /// <summary>A priority breakdown as the controller keeps it: bounded (64 tracks, names cut), unknown words dropped; null when none was sent.</summary>
    public static PriorityParts? ToParts(PriorityBreakdown? b) => b is null ? null : new PriorityParts(
        Math.Clamp(b.BasePriority, 0, 255), Math.Clamp(b.EffectivePriority, 0, 255), b.Maintenance, b.Fault,
        [.. b.Tracks.Where(t => TrackKinds.Contains(t.Kind) && TrackStates.Contains(t.State)).Take(PriorityParts.MaxTracks)
            .Select(t => new TrackShare(t.Kind, Show(t.Name), Math.Clamp(t.Weight, -254, 254), t.Reverse, t.State, t.Value, Math.Clamp(t.Delta, -510, 510), t.Faults))]);

    public static Dictionary<string, InstanceView> ToInstances(InstanceSnapshot snapshot, Action<string> dropped)
    {
        var views = new Dictionary<string, InstanceView>(StringComparer.Ordinal);
        foreach (var i in snapshot.Instances)
        {
            if (!IsInstanceName(i.Instance) || !IsState(i.State) || i.Priority is < 0 or > 255)
            {
                dropped("snapshot_instance");
                continue;
            }

            views[i.Instance] = new InstanceView(i.State, i.Priority, Math.Clamp(i.BasePriority, 0, 255),
                Ipv4.TryParse(i.MasterAddress, out var master) ? master.ToString() : null,
                ToTime(i.LastTransitionAt), IsReason(i.LastReason) ? i.LastReason : null, ToTime(i.LastAdvertAt), Breakdown: ToParts(i.Breakdown));
        }

        return views;
    }

    public static Dictionary<string, InstanceCountsView> ToCounts(CountersReport report) =>
        report.Instances
            .Where(c => IsInstanceName(c.Instance))
            .GroupBy(c => c.Instance)
            .ToDictionary(g => g.Key, g => g.Last() is var c
                ? new InstanceCountsView(ToTime(c.LastAdvertAt), c.HmacVerified + c.HmacRefused + c.HmacSigned > 0
                    ? new HmacCounts((long)Math.Min(c.HmacVerified, long.MaxValue), (long)Math.Min(c.HmacRefused, long.MaxValue)) : null)
                : null!, StringComparer.Ordinal);

    public static IReadOnlyList<string> Errors(ConfigApplied applied) =>
        [.. applied.Errors.Take(MaxErrors).Select(e => e.Length > MaxErrorLength ? e[..MaxErrorLength] + "…" : e)];

    /// <summary>The group an instance belongs to when the controller rendered it (<c>HC_name</c>), else null.</summary>
    public static string? GroupOf(string instance) =>
        instance.StartsWith(GroupRenderer.InstancePrefix, StringComparison.Ordinal) && GroupValidator.IsValidName(instance[GroupRenderer.InstancePrefix.Length..])
            ? instance[GroupRenderer.InstancePrefix.Length..]
            : null;

    private static bool IsState(VrrpState state) => state is VrrpState.Init or VrrpState.Backup or VrrpState.Master or VrrpState.Fault or VrrpState.Stopped;

    /// <summary>A reason this controller knows (a newer agent's new reason is dropped with the event, and counted).</summary>
    private static bool IsReason(TransitionReason reason) => reason != TransitionReason.Unspecified && System.Enum.IsDefined(reason);

    private static bool IsToken(string text) => text.Length is > 0 and <= MaxText && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsInstanceName(string text) => text.Length is > 0 and <= MaxText && text.All(c => c is > ' ' and < '\u007f');

    /// <summary>Null for a missing or impossible timestamp (outside year 1–9999) instead of an exception.</summary>
    private static DateTimeOffset? ToTime(Timestamp? t) =>
        t is { Seconds: >= -62135596800 and <= 253402300799, Nanos: >= 0 and < 1_000_000_000 } ? t.ToDateTimeOffset() : null;

    private static string Truncate(string text) => text.Length <= MaxText ? text : text[..MaxText];

    private static string Show(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";
}
