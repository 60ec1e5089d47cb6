using System.Globalization;
using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Vocabulary;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Alerts;

/// <summary>
/// Writes the alerts of stored events in the same transaction as the events (<see cref="IEventOutbox"/>): each joins its
/// subject's open incident (or opens one), is suppressed when its group is quiet, in maintenance or its incident
/// acknowledged (kept, listed, not sent), and otherwise gets a pending delivery for each channel whose rules take it.
/// A group whose takeovers exceed the flapping rule gets a flapping alert too. The delivery worker is woken on commit.
/// </summary>
public sealed class AlertOutbox(AlertChannels channels, DesiredState desired, FlappingRule flapping, IOptions<AlertOptions> settings, TimeProvider clock) : IEventOutbox
{
    public const int MaxSummary = 4000;
    private static readonly HashSet<string> QuietInMaintenance = [AlertKinds.Failover, AlertKinds.Health, AlertKinds.Recovery, AlertKinds.Flapping];
    private readonly AlertOptions options = settings.Value;
    private readonly SemaphoreSlim _queued = new(0, 1);

    /// <summary>Completes when alerts were committed since the last call (or at once if they were before it).</summary>
    public async Task WaitForQueuedAsync(TimeSpan timeout, CancellationToken ct) => await _queued.WaitAsync(timeout, ct);

    public void Committed(int added)
    {
        if (added > 0)
        {
            Wake();
        }
    }

    public void Wake()
    {
        try
        {
            _queued.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public async Task<int> AddAsync(HaClusterContext db, IReadOnlyList<FleetEvent> stored, CancellationToken ct)
    {
        var drafts = stored.Select(e => (Event: e, Draft: AlertRules.For(e))).Where(d => d.Draft is not null).ToList();
        if (drafts.Count == 0)
        {
            return 0;
        }

        // The whole batch in three writes (incidents, alerts, deliveries), not three per alert: a batch of a storm's
        // takeovers took a round trip and a scan of every tracked row per alert, and ingest fell from 30,000 events/s
        // to a few hundred (issue 12's bench).
        var now = clock.GetUtcNow();
        var all = await channels.AllAsync(ct);
        var groups = drafts.Select(d => d.Event.Group).OfType<string>().Distinct().ToList();
        var quiet = await db.GroupQuiet.AsNoTracking().Where(q => groups.Contains(q.GroupName) && q.Until > now).Select(q => q.GroupName).ToListAsync(ct);
        var incidents = new Incidents(db, now - options.IncidentWindow);
        var planned = new List<(AlertEntity Alert, IncidentEntity Incident, List<AlertChannel> Takers)>();
        // The batch's events are stored already, so the flapping count is the same for each of its takeovers: once a group.
        var flappingChecked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (e, found) in drafts)
        {
            var draft = found!;
            var subject = AlertRules.SubjectOf(e);
            var why = quiet.Contains(subject) ? Suppression.Quiet : InMaintenance(e, draft.Kind) ? Suppression.Maintenance : null;
            planned.Add(await PlanAsync(incidents, all, e.At, subject, e.Group, draft, e.Id, why, now, ct));
            if (draft.Kind == AlertKinds.Failover && e.Group is { } group && flappingChecked.Add(group) && await FlappingAsync(db, group, now, ct) is { } flapping)
            {
                planned.Add(await PlanAsync(incidents, all, e.At, subject, group, flapping, null, why, now, ct));
            }
        }

        await db.SaveChangesAsync(ct); // the incidents, opened or joined: their ids
        foreach (var (alert, incident, _) in planned)
        {
            alert.IncidentId = incident.Id;
            db.Alerts.Add(alert);
        }

        await db.SaveChangesAsync(ct); // the alerts: their ids
        foreach (var (alert, _, takers) in planned)
        {
            db.AlertDeliveries.AddRange(takers.Select(channel => AlertRows.Pending(alert, channel.Name, now + options.Window)));
        }

        await db.SaveChangesAsync(ct);
        return planned.Count;
    }

    private async Task<(AlertEntity, IncidentEntity, List<AlertChannel>)> PlanAsync(
        Incidents incidents, IReadOnlyList<AlertChannel> all, DateTimeOffset at, string subject, string? group, AlertDraft draft,
        long? eventId, string? suppressed, DateTimeOffset now, CancellationToken ct)
    {
        var summary = draft.Summary.Length <= MaxSummary ? draft.Summary : draft.Summary[..(MaxSummary - 1)] + "…";
        var incident = await incidents.JoinAsync(subject, group, summary, draft, now, ct);
        // An acknowledged incident repeats nothing; its recovery is still news.
        suppressed ??= incident.AcknowledgedAt is not null && !draft.Recovers ? Suppression.Acknowledged : null;
        var takers = suppressed is null ? all.Where(c => c.Enabled && c.Route.Takes(group, draft.Kind, draft.Severity)).ToList() : [];
        var alert = new AlertEntity
        {
            At = at,
            CreatedAt = now,
            Subject = subject,
            GroupName = group,
            Kind = draft.Kind,
            Severity = draft.Severity.Name(),
            Summary = summary,
            EventId = eventId,
            Suppressed = suppressed ?? (takers.Count == 0 ? Suppression.NoChannel : null),
        };
        return (alert, incident, takers);
    }

    /// <summary>A node of the event's group (or the event's node) is in maintenance: its failovers and health are expected.</summary>
    private bool InMaintenance(FleetEvent e, string kind)
    {
        if (!QuietInMaintenance.Contains(kind))
        {
            return false;
        }

        var nodes = e.Group is { } group && desired.Get(group) is { } stored ? stored.Group.Members.Select(m => m.Node) : [];
        return nodes.Append(e.Node).OfType<string>().Any(n => desired.MaintenanceOf(n) is not null);
    }

    /// <summary>The flapping alert when this takeover is one more than the rule allows in its window, once per window.</summary>
    private async Task<AlertDraft?> FlappingAsync(HaClusterContext db, string group, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - flapping.Window;
        var (transition, master) = (EventKind.Transition.Name(), VrrpState.Master.Name());
        var takeovers = await db.Events.CountAsync(e => e.GroupName == group && e.Kind == transition && e.ToState == master && e.At >= since, ct);
        if (takeovers <= flapping.Transitions
            || await db.Alerts.AnyAsync(a => a.GroupName == group && a.Kind == AlertKinds.Flapping && a.CreatedAt >= since, ct))
        {
            return null;
        }

        return new AlertDraft(AlertKinds.Flapping, AlertSeverity.Critical,
            string.Create(CultureInfo.InvariantCulture,
                $"{group}: flapping: {takeovers} takeovers in the last {flapping.Window.TotalMinutes:0.##} min (the rule allows {flapping.Transitions})"));
    }

    /// <summary>The subjects' incidents of this batch: the newest within the window joined, else a new one.</summary>
    private sealed class Incidents(HaClusterContext db, DateTimeOffset cutoff)
    {
        private readonly Dictionary<string, IncidentEntity> _open = new(StringComparer.Ordinal);

        public async Task<IncidentEntity> JoinAsync(string subject, string? group, string summary, AlertDraft draft, DateTimeOffset now, CancellationToken ct)
        {
            if (!_open.TryGetValue(subject, out var incident))
            {
                incident = await db.Incidents.Where(i => i.Subject == subject && i.LastAlertAt >= cutoff).OrderByDescending(i => i.Id).FirstOrDefaultAsync(ct);
            }

            if (incident is null)
            {
                incident = new IncidentEntity { Subject = subject, GroupName = group, Title = summary, Severity = draft.Severity.Name(), OpenedAt = now };
                db.Incidents.Add(incident);
            }

            incident.LastAlertAt = now;
            incident.Alerts++;
            incident.RecoveredAt = draft.Recovers ? now : null;
            if (AlertSeverities.TryParse(incident.Severity, out var was) && draft.Severity > was)
            {
                incident.Severity = draft.Severity.Name();
            }

            // Saved with the batch's other incidents (AddAsync).
            _open[subject] = incident;
            return incident;
        }
    }
}
