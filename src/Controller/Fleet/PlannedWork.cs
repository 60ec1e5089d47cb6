using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Infrastructure;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Fleet;

/// <summary><c>Operations</c> in appsettings: how long a switchover is watched, how often maintenance ends are looked for.</summary>
public sealed class OperationsOptions
{
    /// <summary>How long the API waits for the agents to report a handoff before it answers "still under way".</summary>
    public TimeSpan HandoffTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>A planned switchover as the agents reported it: the takeover, the old master's step-down, and the figures.</summary>
public sealed record SwitchoverResult(
    string Group, string? From, string To, int Revision, DateTimeOffset RequestedAt, bool Completed,
    DateTimeOffset? TakeoverAt, DateTimeOffset? StepDownAt, double? TookMs, double? HandoffMs, double LingerMs, string Detail);

/// <summary>Where a group goes when a node is drained: to <see cref="To"/>, or it stays (and why).</summary>
public sealed record PlannedMove(string Group, string From, string? To, string? Why);

/// <summary>A node's maintenance: what it is, and each group it mastered, moved (with the handoff) or staying.</summary>
public sealed record MaintenanceResult(NodeMaintenance Maintenance, IReadOnlyList<SwitchoverResult> Moved, IReadOnlyList<PlannedMove> Staying);

/// <summary>Why a planned operation was refused: an HTTP status and the words for it.</summary>
public sealed record OperationRefused(int Status, string Detail);

/// <summary>
/// Planned work on the fleet — a switchover of a group to a chosen member, a node's maintenance (drain) — done the way
/// the agents can carry out alone: the controller only saves the intent (a group revision naming the chosen master, a
/// node's maintenance) and pushes it; the members hand over among themselves over VRRP, make-before-break, so a
/// controller gone in the middle leaves a consistent group. The controller then watches their reports for the figures,
/// stores the operation as an event with who asked, and ends each maintenance at its <c>until</c>.
/// </summary>
public sealed partial class PlannedWork(
    GroupService groups, DesiredState desired, FleetState fleet, FleetBus bus, IEventRecorder events, MaintenanceRepository maintenance, DrillRepository drills,
    IOptions<OperationsOptions> options, TimeProvider clock, ILogger<PlannedWork> logger) : BackgroundService
{
    private static readonly Actor UntilReached = Actor.Controller with { Name = "the controller (maintenance until)" };
    private static readonly Actor Scheduled = Actor.Controller with { Name = "the controller (drill schedule)" };
    private readonly ConcurrentDictionary<string, bool> _drilling = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Schedule, DateTimeOffset Next)> _schedules = new(StringComparer.Ordinal);

    /// <summary>
    /// Switches <paramref name="group"/> over to <paramref name="to"/> (null: away from the current master, to the
    /// healthy member with the highest priority), then waits for the handoff to be reported.
    /// </summary>
    public async Task<(SwitchoverResult? Result, OperationRefused? Refused)> SwitchoverAsync(string group, string? to, string? comment, Actor who, CancellationToken ct)
    {
        if (fleet.Status(group) is not { } status)
        {
            return (null, new OperationRefused(StatusCodes.Status404NotFound, $"there is no group named '{group}'"));
        }

        var target = to ?? Best(status, status.MasterNode);
        if (target is null)
        {
            return (null, new OperationRefused(StatusCodes.Status409Conflict,
                $"group '{group}': no other member can take over: {string.Join("; ", Unfit(status, status.MasterNode))}"));
        }

        if (status.Members.FirstOrDefault(m => m.Node == target) is not { } member)
        {
            return (null, new OperationRefused(StatusCodes.Status409Conflict, $"'{target}' is not a member of group '{group}'"));
        }

        if (target == status.MasterNode)
        {
            return (null, new OperationRefused(StatusCodes.Status409Conflict, $"'{target}' is the master of group '{group}' already"));
        }

        if (Unfit(member) is { } why)
        {
            return (null, new OperationRefused(StatusCodes.Status409Conflict, $"'{target}' cannot take over group '{group}': {why}"));
        }

        using var watch = bus.Subscribe();
        var move = new PlannedMove(group, status.MasterNode ?? "", target, null);
        var started = await StartAsync(move, comment ?? $"switchover to {target}", who, ct);
        if (started.Refused is { } refused)
        {
            return (null, refused);
        }

        var result = (await WatchAsync(watch.Reader, [started.Started!], ct))[0];
        Record(group, target, $"{group}: switchover to {target} asked by {who.Describe()}: {result.Detail}");
        return (result, null);
    }

    /// <summary>Where each group mastered on <paramref name="node"/> would go if it were drained now.</summary>
    public IReadOnlyList<PlannedMove> PreviewMaintenance(string node) =>
        [.. fleet.Statuses().Where(s => s.MasterNode == node).Select(s => Best(s, node) is { } to
            ? new PlannedMove(s.Group.Name, node, to, null)
            : new PlannedMove(s.Group.Name, node, null, $"no other member can take over: {string.Join("; ", Unfit(s, node))}"))];

    /// <summary>Whether <paramref name="node"/> is known: it reported to the controller or is a member of a group.</summary>
    public bool IsKnown(string node) => fleet.Node(node) is not null || desired.Groups.Any(g => g.Group.Members.Any(m => m.Node == node));

    /// <summary>
    /// Drains <paramref name="node"/>: each group it masters is switched over first (make-before-break), then the node's
    /// maintenance is stored and pushed, so that it takes no group back while another member is healthy.
    /// </summary>
    public async Task<MaintenanceResult> StartMaintenanceAsync(string node, DateTimeOffset? until, string? reason, bool strict, Actor who, CancellationToken ct)
    {
        var drained = new NodeMaintenance(node, clock.GetUtcNow(), until, reason, strict, who.Describe());
        using var watch = bus.Subscribe();
        var plan = PreviewMaintenance(node);
        var started = new List<Handoff>();
        var staying = plan.Where(p => p.To is null).ToList();
        foreach (var move in plan.Where(p => p.To is not null))
        {
            var step = await StartAsync(move, $"maintenance of {node}: switchover to {move.To}", who, ct);
            if (step.Started is { } handoff)
            {
                started.Add(handoff);
            }
            else
            {
                staying.Add(move with { To = null, Why = step.Refused!.Detail });
            }
        }

        await maintenance.SaveAsync(drained, new AuditEvent(AuditActions.MaintenanceStart, node, who, drained.Since, After: drained.Describe()), ct);
        desired.SetMaintenance(node, drained);
        LogStarted(node, drained.Describe(), who.Describe());
        var moved = await WatchAsync(watch.Reader, started, ct);
        var moves = string.Join("; ", moved.Select(m => $"{m.Group} to {m.To}: {m.Detail}").Concat(staying.Select(s => $"{s.Group} stays on {node}: {s.Why}")));
        Record(null, node, $"{node}: {drained.Describe()} started by {who.Describe()}{(moves.Length > 0 ? $"; {moves}" : "")}");
        return new MaintenanceResult(drained, moved, staying);
    }

    /// <summary>Ends <paramref name="node"/>'s maintenance (its groups stay where they are); false when it was not in maintenance.</summary>
    public async Task<bool> EndMaintenanceAsync(string node, Actor who, CancellationToken ct)
    {
        if (desired.MaintenanceOf(node) is not { } drained)
        {
            return false;
        }

        var ended = await maintenance.EndAsync(node, new AuditEvent(AuditActions.MaintenanceEnd, node, who, clock.GetUtcNow(), Before: drained.Describe()), ct);
        desired.SetMaintenance(node, null);
        if (ended)
        {
            LogEnded(node, who.Describe());
            Record(null, node, $"{node}: {drained.Describe()} ended by {who.Describe()}");
        }

        return ended;
    }

    /// <summary>Ends each maintenance whose <c>until</c> has passed; starts each drill whose schedule says it is time.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await Ticks.NextAsync(timer, stoppingToken))
        {
            StartScheduledDrills(stoppingToken);
            foreach (var due in desired.Maintenance.Where(m => m.Until <= clock.GetUtcNow()))
            {
                try
                {
                    await EndMaintenanceAsync(due.Node, UntilReached, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogEndFailed(due.Node, e.Message);
                }
            }
        }
    }

    private sealed record Handoff(PlannedMove Move, int Revision, double LingerMs, DateTimeOffset RequestedAt);

    private async Task<(Handoff? Started, OperationRefused? Refused)> StartAsync(PlannedMove move, string comment, Actor who, CancellationToken ct)
    {
        var requestedAt = clock.GetUtcNow();
        var saved = await groups.SetPrimaryAsync(move.Group, move.To!, who, comment, ct);
        LogSwitchover(move.Group, move.To!, who.Describe());
        return saved switch
        {
            SaveResult.Saved s => (new Handoff(move, s.Revision, Math.Round(s.Group.Linger * 1000), requestedAt), null),
            SaveResult.NotFound => (null, new OperationRefused(StatusCodes.Status404NotFound, $"there is no group named '{move.Group}'")),
            SaveResult.Conflict c => (null, new OperationRefused(StatusCodes.Status409Conflict, c.Detail)),
            SaveResult.Invalid i => (null, new OperationRefused(StatusCodes.Status409Conflict, string.Join("; ", i.Errors))),
            _ => (null, new OperationRefused(StatusCodes.Status500InternalServerError, "unexpected save result")),
        };
    }

    /// <summary>
    /// Reads the stored transitions until each handoff is reported — the target MASTER, the old master BACKUP — or the
    /// timeout passes (then the result says it is still under way: the agents carry it out whether or not we watch).
    /// </summary>
    private async Task<IReadOnlyList<SwitchoverResult>> WatchAsync(ChannelReader<FleetUpdate> updates, IReadOnlyList<Handoff> handoffs, CancellationToken ct)
    {
        var takeovers = new Dictionary<string, FleetEvent>(StringComparer.Ordinal);
        var stepDowns = new Dictionary<string, FleetEvent>(StringComparer.Ordinal);
        bool Done(Handoff h) => takeovers.ContainsKey(h.Move.Group) && (h.Move.From.Length == 0 || stepDowns.ContainsKey(h.Move.Group));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.HandoffTimeout);
        try
        {
            while (!handoffs.All(Done) && await updates.WaitToReadAsync(timeout.Token))
            {
                while (updates.TryRead(out var update))
                {
                    if (update is not FleetUpdate.EventAppended { Event: { Kind: EventKind.Transition } e })
                    {
                        continue;
                    }

                    foreach (var h in handoffs.Where(h => e.Instance == GroupRenderer.InstanceName(h.Move.Group)))
                    {
                        if (e.Node == h.Move.To && e.ToState == VrrpState.Master)
                        {
                            takeovers.TryAdd(h.Move.Group, e);
                        }
                        else if (e.Node == h.Move.From && e.FromState == VrrpState.Master)
                        {
                            stepDowns.TryAdd(h.Move.Group, e);
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && !ct.IsCancellationRequested)
        {
            // The timeout, or the watch fell behind: report what was seen.
        }

        return [.. handoffs.Select(h => Result(h, takeovers.GetValueOrDefault(h.Move.Group), stepDowns.GetValueOrDefault(h.Move.Group)))];
    }

    private static SwitchoverResult Result(Handoff h, FleetEvent? takeover, FleetEvent? stepDown)
    {
        var took = takeover is null ? (double?)null : Math.Round((takeover.At - h.RequestedAt).TotalMilliseconds, 1);
        var handoff = takeover is null || stepDown is null ? (double?)null : Math.Round((stepDown.At - takeover.At).TotalMilliseconds, 1);
        var from = h.Move.From.Length == 0 ? null : h.Move.From;
        var completed = takeover is not null && (from is null || stepDown is not null);
        var detail = (takeover, stepDown) switch
        {
            (null, _) => $"asked (revision {h.Revision}); no takeover by {h.Move.To} reported yet",
            (_, null) when from is not null => string.Create(CultureInfo.InvariantCulture,
                $"{h.Move.To} took over {took} ms after the request ({takeover.Reason?.Name()}); {from} has not reported stepping down yet"),
            _ when from is null => string.Create(CultureInfo.InvariantCulture, $"{h.Move.To} took over {took} ms after the request ({takeover.Reason?.Name()})"),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"{h.Move.To} took over {took} ms after the request ({takeover.Reason?.Name()}); {from} stepped down {handoff} ms later ({stepDown!.Reason?.Name()}) and answered {h.LingerMs} ms more"),
        };
        return new SwitchoverResult(h.Move.Group, from, h.Move.To!, h.Revision, h.RequestedAt, completed, takeover?.At, stepDown?.At, took, handoff, h.LingerMs, detail);
    }

    private void Record(string? group, string node, string detail) =>
        events.Record(new FleetEvent(EventKind.Operation, clock.GetUtcNow()) { ReceivedAt = clock.GetUtcNow(), Group = group, Node = node, Detail = detail });

    /// <summary>The healthy member with the highest priority other than <paramref name="except"/>, or null.</summary>
    private string? Best(GroupStatusView status, string? except) =>
        status.Members.Where(m => m.Node != except && Unfit(m) is null).OrderByDescending(m => m.Priority).Select(m => m.Node).FirstOrDefault();

    private IEnumerable<string> Unfit(GroupStatusView status, string? except) =>
        status.Members.Where(m => m.Node != except).Select(m => $"{m.Node} {Unfit(m)}");

    /// <summary>Why a member cannot take the master role now, or null when it can.</summary>
    private string? Unfit(MemberStatusView member) => member switch
    {
        { Connected: false } => "is unreachable (its agent is not connected)",
        { Maintenance: { } m } => $"is in {m.Describe()}",
        { State: VrrpState.Fault } => "is in FAULT",
        { State: not VrrpState.Backup and not VrrpState.Master } => $"is {member.State.Name()} (not BACKUP)",
        { Stale: true } => $"is stale (its agent was last heard {(clock.GetUtcNow() - (member.LastHeardAt ?? clock.GetUtcNow())).TotalSeconds:0} s ago)",
        _ when desired.MaintenanceOf(member.Node) is { } m => $"is in {m.Describe()}",
        _ => null,
    };

    [LoggerMessage(EventId = 84, Level = LogLevel.Information, Message = "group {Group}: switchover to {Node} asked by {Who}")]
    private partial void LogSwitchover(string group, string node, string who);

    [LoggerMessage(EventId = 85, Level = LogLevel.Information, Message = "node {Node}: {Maintenance} started by {Who}")]
    private partial void LogStarted(string node, string maintenance, string who);

    [LoggerMessage(EventId = 86, Level = LogLevel.Information, Message = "node {Node}: maintenance ended by {Who}")]
    private partial void LogEnded(string node, string who);

    [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "group {Group}: drill {Outcome}: {Detail}")]
    private partial void LogDrill(string group, string outcome, string detail);

    [LoggerMessage(EventId = 87, Level = LogLevel.Warning, Message = "node {Node}: its maintenance could not be ended at its until: {Error}")]
    private partial void LogEndFailed(string node, string error);
}
