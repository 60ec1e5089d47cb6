using HaCluster.Controller.Data.Entities;

namespace HaCluster.Controller.Events;

/// <summary>One stored event as the APIs show it (REST <c>GET /events</c>).</summary>
public sealed record EventRecord(
    long Id,
    string Kind,
    DateTimeOffset At,
    DateTimeOffset ReceivedAt,
    string? Node,
    string? Group,
    string? Instance,
    string? From,
    string? To,
    string? Reason,
    int? Priority,
    string? Detail,
    double? TakeoverMs)
{
    public static EventRecord Of(EventEntity e) =>
        new(e.Id, e.Kind, e.At, e.ReceivedAt, e.Node, e.GroupName, e.Instance, e.FromState, e.ToState, e.Reason, e.Priority, e.Detail, e.TakeoverMs);
}
