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
        // Every lookup of the batch is one query for all its subjects and groups: a storm's batch of 2,000 events holds
        // takeovers of hundreds of groups, and a round trip each held ingest near 4,000 events/s (issue 12's bench).
        var incidents = await Incidents.LoadAsync(db, drafts.Select(d => AlertRules.SubjectOf(d.Event)), now - options.IncidentWindow, ct);
        var failing = drafts.Where(d => d.Draft!.Kind == AlertKinds.Failover).Select(d => d.Event.Group).OfType<string>().Distinct().ToList();
        var flappingNow = await FlappingAsync(db, failing, now, ct);
        var planned = new List<(AlertEntity Alert, IncidentEntity Incident, List<AlertChannel> Takers)>();
        foreach (var (e, found) in drafts)
        {
            var draft = found!;
            var subject = AlertRules.SubjectOf(e);
            var why = quiet.Contains(subject) ? Suppression.Quiet : InMaintenance(e, draft.Kind) ? Suppression.Maintenance : null;
            planned.Add(Plan(incidents, all, e.At, subject, e.Group, draft, e.Id, why, now));
            // The batch's events are stored already, so the flapping count is the same for each of its takeovers: the
            // alert follows the group's first one.
            if (draft.Kind == AlertKinds.Failover && e.Group is { } group && flappingNow.Remove(group, out var flapping))
            {
                planned.Add(Plan(incidents, all, e.At, subject, group, flapping, null, why, now));
            }
        }

        await db.SaveChangesAsync(ct); // the incidents, opened or joined: their ids
        foreach (var (alert, incident, _) in planned)
        {
            alert.IncidentId = incident.Id;
        }

        await BatchInsert.InsertAsync(db, [.. planned.Select(p => p.Alert)], ct); // their ids
        await BatchInsert.InsertAsync(db, [.. planned.SelectMany(p => p.Takers.Select(channel => AlertRows.Pending(p.Alert, channel.Name, now + options.Window)))], ct);
        return planned.Count;
    }

    private static (AlertEntity, IncidentEntity, List<AlertChannel>) Plan(
        Incidents incidents, IReadOnlyList<AlertChannel> all, DateTimeOffset at, string subject, string? group, AlertDraft draft,
        long? eventId, string? suppressed, DateTimeOffset now)
    {
        var summary = draft.Summary.Length <= MaxSummary ? draft.Summary : draft.Summary[..(MaxSummary - 1)] + "…";
        var incident = incidents.Join(subject, group, summary, draft, now);
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

    /// <summary>
    /// Of <paramref name="groups"/> (each with a takeover in the batch), those whose takeovers are more than the rule
    /// allows in its window, with their flapping alert; once per window, so not those alerted within it.
    /// </summary>
    private async Task<Dictionary<string, AlertDraft>> FlappingAsync(HaClusterContext db, List<string> groups, DateTimeOffset now, CancellationToken ct)
    {
        if (groups.Count == 0)
        {
            return [];
        }

        // Those alerted within the window first: in a storm that is most of them, and their takeovers need no count.
        var since = now - flapping.Window;
        var alerted = await db.Alerts
            .Where(a => a.GroupName != null && groups.Contains(a.GroupName) && a.Kind == AlertKinds.Flapping && a.CreatedAt >= since)
            .Select(a => a.GroupName!).Distinct().ToListAsync(ct);
        var open = groups.Except(alerted, StringComparer.Ordinal).ToList();
        if (open.Count == 0)
        {
            return [];
        }

        var (transition, master) = (EventKind.Transition.Name(), VrrpState.Master.Name());
        var over = await db.Events
            .Where(e => e.GroupName != null && open.Contains(e.GroupName) && e.Kind == transition && e.ToState == master && e.At >= since)
            .GroupBy(e => e.GroupName!)
            .Select(g => new { Group = g.Key, Takeovers = g.Count() })
            .Where(g => g.Takeovers > flapping.Transitions)
            .ToListAsync(ct);
        return over.ToDictionary(g => g.Group, g => new AlertDraft(AlertKinds.Flapping, AlertSeverity.Critical,
            string.Create(CultureInfo.InvariantCulture,
                $"{g.Group}: flapping: {g.Takeovers} takeovers in the last {flapping.Window.TotalMinutes:0.##} min (the rule allows {flapping.Transitions})")),
            StringComparer.Ordinal);
    }

    /// <summary>The subjects' incidents of this batch: the newest within the window joined, else a new one.</summary>
    private sealed class Incidents(HaClusterContext db, Dictionary<string, IncidentEntity> open)
    {
        /// <summary>The newest incident within the window of each of <paramref name="subjects"/> that has one, in two queries.</summary>
        public static async Task<Incidents> LoadAsync(HaClusterContext db, IEnumerable<string> subjects, DateTimeOffset cutoff, CancellationToken ct)
        {
            var wanted = subjects.Distinct().ToList();
            var newest = await db.Incidents.Where(i => wanted.Contains(i.Subject) && i.LastAlertAt >= cutoff)
                .GroupBy(i => i.Subject).Select(g => g.Max(i => i.Id)).ToListAsync(ct);
            var open = newest.Count == 0 ? [] : await db.Incidents.Where(i => newest.Contains(i.Id)).ToDictionaryAsync(i => i.Subject, StringComparer.Ordinal, ct);
            return new Incidents(db, open);
        }

        public IncidentEntity Join(string subject, string? group, string summary, AlertDraft draft, DateTimeOffset now)
        {
            if (!open.TryGetValue(subject, out var incident))
            {
                incident = new IncidentEntity { Subject = subject, GroupName = group, Title = summary, Severity = draft.Severity.Name(), OpenedAt = now };
                db.Incidents.Add(incident);
                open[subject] = incident;
            }

            incident.LastAlertAt = now;
            incident.Alerts++;
            incident.RecoveredAt = draft.Recovers ? now : null;
            if (AlertSeverities.TryParse(incident.Severity, out var was) && draft.Severity > was)
            {
                incident.Severity = draft.Severity.Name();
            }

            // Saved with the batch's other incidents (AddAsync).
            return incident;
        }
    }
}
