using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Infrastructure;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Confirm-or-revert (VyOS's commit-confirm): a save made with <c>confirmWithin</c> that is not confirmed by its
/// deadline is undone — the group goes back to its last confirmed revision, pushed like any save, stored as an
/// operation event (and so alerted). Deadlines are in the database: a controller restarted meanwhile still reverts.
/// </summary>
public sealed partial class ConfirmOrRevert(ConfirmRepository confirms, GroupService groups, IEventRecorder events, TimeProvider clock, ILogger<ConfirmOrRevert> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, clock);
        while (await Ticks.NextAsync(timer, stoppingToken))
        {
            try
            {
                foreach (var due in (await confirms.ListAsync(stoppingToken)).Where(p => p.Deadline <= clock.GetUtcNow()))
                {
                    var result = await groups.RevertAsync(due, stoppingToken);
                    var detail = result is SaveResult.Saved saved
                        ? $"{due.Group}: revision {due.Revision} by {due.By} was not confirmed within {due.Within}: back to revision {due.RevertTo}'s desired state (revision {saved.Revision})"
                        : $"{due.Group}: revision {due.Revision} by {due.By} was not confirmed within {due.Within}, and could not be reverted: {result?.ToString() ?? "the group or the revision is gone"}";
                    LogReverted(detail);
                    events.Record(new FleetEvent(EventKind.Operation, clock.GetUtcNow()) { ReceivedAt = clock.GetUtcNow(), Group = due.Group, Detail = detail });
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 88, Level = LogLevel.Warning, Message = "{Detail}")]
    private partial void LogReverted(string detail);

    [LoggerMessage(EventId = 89, Level = LogLevel.Warning, Message = "confirm-or-revert: the pending saves could not be checked: {Error}")]
    private partial void LogFailed(string error);
}
