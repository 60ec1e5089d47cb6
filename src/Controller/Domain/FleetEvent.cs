using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Domain;

/// <summary>
/// One entry of the fleet's append-only history. Transitions come from agents and are unique per node, boot and
/// sequence (so a replayed one is stored once); health, node and config entries come from the controller. Which
/// fields are set depends on <see cref="Kind"/>.
/// </summary>
public sealed record FleetEvent(EventKind Kind, DateTimeOffset At)
{
    /// <summary>Assigned when stored.</summary>
    public long Id { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public string? Node { get; init; }

    /// <summary>The agent process (boot) and its numbering of the event: what makes a replay recognisable.</summary>
    public string? BootId { get; init; }

    public long? Sequence { get; init; }

    public string? Group { get; init; }

    public string? Instance { get; init; }

    public VrrpState? FromState { get; init; }

    public VrrpState? ToState { get; init; }

    public TransitionReason? Reason { get; init; }

    public int? Priority { get; init; }

    /// <summary>A health event: the group's settled health before (null before its first) and after.</summary>
    public GroupHealth? FromHealth { get; init; }

    public GroupHealth? ToHealth { get; init; }

    /// <summary>A node event: the agent connected (true) or disconnected.</summary>
    public bool? Connected { get; init; }

    /// <summary>A config event: the agent applied (true) or rejected its pushed config.</summary>
    public bool? Accepted { get; init; }

    public string? Detail { get; init; }

    /// <summary>On a takeover: from when the new master last heard the old one to when it took over.</summary>
    public double? TakeoverMs { get; init; }

    /// <summary>A transition: the priority breakdown, revision and other members when it was stored (the "why did it fail over" view).</summary>
    public TransitionContext? Context { get; init; }

    /// <summary>A transition to MASTER: what failover alerts and "last failover" are about.</summary>
    public bool IsTakeover => Kind == EventKind.Transition && ToState == VrrpState.Master;

    public static FleetEvent Health(string group, GroupHealth? from, GroupHealth to, string detail, DateTimeOffset at) =>
        new(EventKind.Health, at) { ReceivedAt = at, Group = group, FromHealth = from, ToHealth = to, Detail = detail };

    public static FleetEvent NodeLink(string node, bool connected, string detail, DateTimeOffset at) =>
        new(EventKind.Node, at) { ReceivedAt = at, Node = node, Connected = connected, Detail = detail };

    public static FleetEvent ConfigResult(string node, bool accepted, string detail, DateTimeOffset at) =>
        new(EventKind.Config, at) { ReceivedAt = at, Node = node, Accepted = accepted, Detail = detail };
}

/// <summary>Which events to list; every field optional. Newest first, at most <see cref="Limit"/>.</summary>
public sealed record EventFilter(string? Group = null, string? Node = null, EventKind? Kind = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = EventFilter.DefaultLimit)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 10_000;
}

/// <summary>Where the controller's own events (health, node, config) go to be stored: queued, never waited for.</summary>
public interface IEventRecorder
{
    void Record(FleetEvent @event);
}

/// <summary>Told that an agent's events up to a sequence are stored, so that agent may forget them.</summary>
public interface IEventAcknowledger
{
    void Acknowledge(string bootId, ulong sequence);
}

/// <summary>Told of each batch of events once it is stored (the fleet's live view follows the transitions in it).</summary>
public interface IStoredEventsObserver
{
    void Stored(IReadOnlyList<FleetEvent> events);
}
