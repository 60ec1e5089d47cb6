namespace HaCluster.Controller.Data.Entities;

/// <summary>
/// One entry of the fleet's append-only history. Transitions come from agents and are unique per node, boot and
/// sequence (so a replayed one is stored once); health, node and config entries come from the controller.
/// </summary>
public sealed class EventEntity
{
    public long Id { get; set; }

    public required string Kind { get; set; }

    /// <summary>The agent's clock for transitions, the controller's for the rest.</summary>
    public DateTimeOffset At { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Node { get; set; }

    public string? BootId { get; set; }

    public long? Sequence { get; set; }

    public string? GroupName { get; set; }

    public string? Instance { get; set; }

    public string? FromState { get; set; }

    public string? ToState { get; set; }

    public string? Reason { get; set; }

    public int? Priority { get; set; }

    public string? Detail { get; set; }

    /// <summary>On a takeover: from when the new master last heard the old one to when it took over.</summary>
    public double? TakeoverMs { get; set; }

    /// <summary>A transition's context (<c>TransitionContext</c> as JSON): the breakdown, revision and other members.</summary>
    public string? Context { get; set; }
}

public static class EventKinds
{
    public const string Transition = "transition";
    public const string Health = "health";
    public const string Node = "node";
    public const string Config = "config";

    public static readonly IReadOnlyList<string> All = [Transition, Health, Node, Config];
}
