using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Fleet;

/// <summary><c>Fleet</c> in appsettings: how long a group's new health must hold before it counts (and is stored and alerted on), and how often changes are published.</summary>
public sealed class FleetOptions
{
    public TimeSpan HealthSettle { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A connected agent not heard for longer than this (three of its 10 s reports) is stale: its last known state is shown
    /// as such, never as a plain MASTER, and no switchover goes to it.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Every problem with <see cref="FleetOptions"/>, checked at start.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        if (options.HealthSettle < TimeSpan.Zero || options.HealthSettle > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Fleet:HealthSettle: {options.HealthSettle} is not 0 to 10 minutes");
        }

        if (options.PublishInterval < TimeSpan.FromMilliseconds(10) || options.PublishInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Fleet:PublishInterval: {options.PublishInterval} is not 10 ms to 1 minute");
        }

        if (options.StaleAfter < TimeSpan.FromSeconds(1) || options.StaleAfter > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Fleet:StaleAfter: {options.StaleAfter} is not 1 second to 10 minutes");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// A few times a second: publishes the statuses of groups and nodes that changed to the live streams, and stores each
/// settled change of a group's health as an event.
/// </summary>
public sealed class FleetMonitor(FleetState fleet, FleetBus bus, IEventRecorder events, IOptions<FleetOptions> options, TimeProvider clock)
    : StoppableService
{
    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublishInterval, clock);
        do
        {
            foreach (var change in fleet.SettleHealth(options.Value.HealthSettle))
            {
                events.Record(FleetEvent.Health(change.Group, change.From, change.To, string.Join("; ", change.Problems), change.At));
            }

            var (groups, nodes) = fleet.TakeDirty();
            foreach (var name in groups)
            {
                bus.Publish(fleet.Status(name) is { } status ? new FleetUpdate.GroupStatusChanged(status) : new FleetUpdate.GroupRemoved(name));
            }

            foreach (var name in nodes)
            {
                if (fleet.Node(name) is { } node)
                {
                    bus.Publish(new FleetUpdate.NodeChanged(node));
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
