using HaCluster.Controller.Data;
using HaCluster.Controller.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Events;

/// <summary>
/// The history does not grow for ever: events older than <c>Storage:RetentionDays</c> are deleted at start and every
/// hour, and the alerts (with their deliveries and incidents) as old.
/// </summary>
public sealed partial class EventRetention(EventRepository events, AlertRepository alerts, IOptions<StorageOptions> storage, TimeProvider clock, ILogger<EventRetention> logger)
    : StoppableService
{
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>One pass: how many events it deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(storage.Value.RetentionDays);
        var deleted = await events.DeleteOlderThanAsync(cutoff, ct);
        var alertsDeleted = await alerts.DeleteOlderThanAsync(cutoff, ct);
        if (deleted + alertsDeleted > 0)
        {
            LogDeleted(logger, deleted, alertsDeleted, storage.Value.RetentionDays, cutoff);
        }

        return deleted;
    }

    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        do
        {
            await RunOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 80, Level = LogLevel.Information, Message = "retention: {Count} event(s) and {Alerts} alert(s) older than {Days} days (before {Cutoff:u}) deleted")]
    private static partial void LogDeleted(ILogger logger, int count, int alerts, int days, DateTimeOffset cutoff);
}
