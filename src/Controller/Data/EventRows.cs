using System.Text.Json;
using System.Text.Json.Serialization;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Data;

/// <summary>
/// <see cref="FleetEvent"/> ↔ its row. The columns keep the vocabulary's names (<see cref="Names"/>), so the history
/// reads in plain SQL; the from/to columns hold what the kind says: VRRP states, health, connected/disconnected,
/// applied/rejected.
/// </summary>
internal static class EventRows
{
    private const string Connected = "connected", Disconnected = "disconnected", Applied = "applied", Rejected = "rejected";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static EventEntity ToEntity(FleetEvent e) => new()
    {
        Id = e.Id,
        Kind = e.Kind.Name(),
        At = e.At,
        ReceivedAt = e.ReceivedAt,
        Node = e.Node,
        BootId = e.BootId,
        Sequence = e.Sequence,
        GroupName = e.Group,
        Instance = e.Instance,
        FromState = e.Kind switch
        {
            EventKind.Transition => e.FromState?.Name(),
            EventKind.Health => e.FromHealth?.Name(),
            EventKind.Node => e.Connected is { } up ? (up ? Disconnected : Connected) : null,
            _ => null,
        },
        ToState = e.Kind switch
        {
            EventKind.Transition => e.ToState?.Name(),
            EventKind.Health => e.ToHealth?.Name(),
            EventKind.Node => e.Connected is { } up ? (up ? Connected : Disconnected) : null,
            EventKind.Config => e.Accepted is { } ok ? (ok ? Applied : Rejected) : null,
            _ => null,
        },
        Reason = e.Reason?.Name(),
        Priority = e.Priority,
        Detail = e.Detail,
        TakeoverMs = e.TakeoverMs,
        Context = e.Context is null ? null : JsonSerializer.Serialize(e.Context, Json),
    };

    public static FleetEvent ToDomain(EventEntity row)
    {
        Names.TryParse(row.Kind, out EventKind kind);
        return new FleetEvent(kind, row.At)
        {
            Id = row.Id,
            ReceivedAt = row.ReceivedAt,
            Node = row.Node,
            BootId = row.BootId,
            Sequence = row.Sequence,
            Group = row.GroupName,
            Instance = row.Instance,
            FromState = kind == EventKind.Transition ? State(row.FromState) : null,
            ToState = kind == EventKind.Transition ? State(row.ToState) : null,
            Reason = Names.TryParse(row.Reason, out TransitionReason reason) ? reason : null,
            Priority = row.Priority,
            FromHealth = kind == EventKind.Health ? Health(row.FromState) : null,
            ToHealth = kind == EventKind.Health ? Health(row.ToState) : null,
            Connected = kind == EventKind.Node ? row.ToState == Connected : null,
            Accepted = kind == EventKind.Config ? row.ToState == Applied : null,
            Detail = row.Detail,
            TakeoverMs = row.TakeoverMs,
            Context = ReadContext(row.Context),
        };
    }

    private static TransitionContext? ReadContext(string? json)
    {
        try
        {
            return json is null ? null : JsonSerializer.Deserialize<TransitionContext>(json, Json);
        }
        catch (JsonException)
        {
            return null; // a row written by another version: the event without its context
        }
    }

    /// <summary>The value a kind filter compares the column with.</summary>
    public static string Column(EventKind kind) => kind.Name();

    /// <summary>The value of a transition's to-state column for <paramref name="state"/>.</summary>
    public static string Column(VrrpState state) => state.Name();

    private static VrrpState? State(string? name) => Names.TryParse(name, out VrrpState state) ? state : null;

    private static GroupHealth? Health(string? name) => Names.TryParse(name, out GroupHealth health) ? health : null;
}
