using System.Globalization;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Fleet;

/// <summary>Failover drills: run now or on a group's schedule, each step a switchover held to the group's limit.</summary>
public sealed partial class PlannedWork
{
    /// <summary>
    /// A failover drill: the group is switched over to its next member and back, each step watched and held to the
    /// group's limit; it fails — and says so in an operation event, so an alert — when there is no master, a member is
    /// missing (nothing is moved then), a step is refused, has no takeover, or takes longer than the limit.
    /// </summary>
    public async Task<(DrillRecord? Drill, OperationRefused? Refused)> DrillAsync(string group, Actor who, CancellationToken ct)
    {
        if (fleet.Status(group) is not { } status)
        {
            return (null, new OperationRefused(StatusCodes.Status404NotFound, $"there is no group named '{group}'"));
        }

        if (!_drilling.TryAdd(group, true))
        {
            return (null, new OperationRefused(StatusCodes.Status409Conflict, $"a drill of group '{group}' is under way"));
        }

        try
        {
            var started = clock.GetUtcNow();
            var (steps, problems) = (new List<DrillStep>(), new List<string>());
            var master = status.MasterNode;
            var missing = status.Members.Where(m => m.Node != master && Unfit(m) is not null).Select(m => $"{m.Node} {Unfit(m)}").ToList();
            if (master is null)
            {
                problems.Add("there is no master to switch over from");
            }
            else if (missing.Count > 0)
            {
                problems.Add($"a member is missing: {string.Join("; ", missing)}");
            }
            else
            {
                var next = Best(status, master)!;
                foreach (var (to, why) in new[] { (next, $"drill: over to {next}"), (master, $"drill: back to {master}") })
                {
                    var (result, refused) = await SwitchoverAsync(group, to, why, who, ct);
                    if (result is null)
                    {
                        problems.Add($"the switchover to {to} was refused: {refused!.Detail}");
                        break;
                    }

                    steps.Add(new DrillStep(result.From, result.To, result.Completed, result.TookMs, result.HandoffMs, result.Detail));
                    if (!result.Completed)
                    {
                        problems.Add($"{to}: {result.Detail}");
                    }
                    else if (result.TookMs > status.Group.DrillLimitMs)
                    {
                        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{to} took over {result.TookMs} ms after the request: longer than the group's limit, {status.Group.DrillLimitMs} ms"));
                    }
                }

                if (status.Group.Primary is null && steps.Count == 2)
                {
                    // As before the drill: no chosen master (the priorities decide; the master is the same).
                    await groups.SetPrimaryAsync(group, "", who, "drill done: no chosen master, as before", ct);
                }
            }

            var ok = problems.Count == 0;
            var detail = ok
                ? $"{group}: drill by {who.Describe()} passed: {string.Join("; ", steps.Select(s => s.Detail))}"
                : $"{group}: drill by {who.Describe()} FAILED: {string.Join("; ", problems)}";
            var drill = await drills.AddAsync(new DrillRecord(0, group, started, clock.GetUtcNow(), who.Describe(), ok, detail, steps), ct);
            LogDrill(group, ok ? "passed" : "FAILED", detail);
            Record(group, master ?? "", detail);
            return (drill, null);
        }
        finally
        {
            _drilling.TryRemove(group, out _);
        }
    }

    public Task<IReadOnlyList<DrillRecord>> DrillsAsync(string? group, int limit, CancellationToken ct) => drills.ListAsync(group, Math.Clamp(limit, 1, 1000), ct);

    private void StartScheduledDrills(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var stored in desired.Groups)
        {
            if (stored.Group.DrillSchedule is not { } schedule || !DrillSchedules.TryParse(schedule, out var cron))
            {
                _schedules.Remove(stored.Group.Name);
                continue;
            }

            if (!_schedules.TryGetValue(stored.Group.Name, out var planned) || planned.Schedule != schedule)
            {
                // From now on: a schedule seen for the first time (or changed) does not catch up on the past.
                _schedules[stored.Group.Name] = (schedule, cron.GetNextOccurrence(now.UtcDateTime) is { } first ? new DateTimeOffset(first) : DateTimeOffset.MaxValue);
                continue;
            }

            if (planned.Next <= now)
            {
                _schedules[stored.Group.Name] = (schedule, cron.GetNextOccurrence(now.UtcDateTime) is { } next ? new DateTimeOffset(next) : DateTimeOffset.MaxValue);
                var name = stored.Group.Name;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await DrillAsync(name, Scheduled, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogDrill(name, "FAILED", e.Message);
                    }
                }, ct);
            }
        }
    }
}
