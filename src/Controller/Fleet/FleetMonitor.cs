using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Events;
using HaCluster.Controller.Extensions;

namespace HaCluster.Controller.Fleet;

/// <summary>How long a group's new health must hold before it counts (and is stored and alerted on).</summary>
public sealed record FleetOptions
{
    public TimeSpan HealthSettle { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// A few times a second: publishes the statuses of groups and nodes that changed to the live streams, and stores each
/// settled change of a group's health as an event.
/// </summary>
public sealed class FleetMonitor(FleetState fleet, FleetBus bus, EventIngest ingest, FleetOptions options, TimeProvider clock)
    : StoppableService
{
    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PublishInterval, clock);
        do
        {
            foreach (var change in fleet.SettleHealth(options.HealthSettle))
            {
                ingest.Record(new EventEntity
                {
                    Kind = EventKinds.Health,
                    At = change.At,
                    ReceivedAt = change.At,
                    GroupName = change.Group,
                    FromState = change.From.Length > 0 ? change.From : null,
                    ToState = change.To,
                    Detail = string.Join("; ", change.Problems),
                });
            }

            var (groups, nodes) = fleet.TakeDirty();
            foreach (var name in groups)
            {
                bus.Publish(fleet.Status(name) is { } status ? new FleetChange.GroupStatusChanged(status) : new FleetChange.GroupRemoved(name));
            }

            foreach (var name in nodes)
            {
                if (fleet.Node(name) is { } node)
                {
                    bus.Publish(new FleetChange.NodeChanged(node));
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
