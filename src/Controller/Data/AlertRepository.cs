using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>Which alerts to list: newest first, at most <see cref="Limit"/>.</summary>
public sealed record AlertFilter(string? Group = null, long? Incident = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = AlertFilter.DefaultLimit)
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 2000;
}

/// <summary>
/// The alert outbox as the API and the delivery worker read it: alerts with their deliveries, incidents (and their
/// acknowledgement), groups' quiet periods and the channels created through the API; each change with its audit entry.
/// </summary>
public sealed class AlertRepository(IDbContextFactory<HaClusterContext> contexts, SecretProtector protector)
{
    public async Task<IReadOnlyList<Alert>> ListAsync(AlertFilter filter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Alerts.AsNoTracking();
        if (filter.Group is { } group)
        {
            query = query.Where(a => a.GroupName == group);
        }

        if (filter.Incident is { } incident)
        {
            query = query.Where(a => a.IncidentId == incident);
        }

        if (filter.From is { } from)
        {
            query = query.Where(a => a.At >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(a => a.At < to);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(filter.Limit).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var deliveries = (await db.AlertDeliveries.AsNoTracking().Where(d => ids.Contains(d.AlertId)).ToListAsync(ct)).ToLookup(d => d.AlertId);
        return [.. rows.Select(r => AlertRows.ToDomain(r, deliveries[r.Id]))];
    }

    /// <summary>Queues a test alert for one channel, alone (no incident, no waiting for others), with its audit entry; its id.</summary>
    public async Task<long> AddTestAsync(string channel, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var alert = new AlertEntity
        {
            At = audit.At,
            CreatedAt = audit.At,
            Subject = "test",
            Kind = AlertKinds.Test,
            Severity = AlertSeverity.Info.Name(),
            Summary = $"test alert to channel {channel}, sent by {audit.Actor.Describe()}: if you read this, alerts reach you here",
        };
        db.Alerts.Add(alert);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
        db.AlertDeliveries.Add(AlertRows.Pending(alert, channel, audit.At));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return alert.Id;
    }

    /// <summary>Deletes the alerts (with their deliveries) stored before <paramref name="cutoff"/> and the incidents quiet since; how many alerts.</summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.AlertDeliveries.Where(d => d.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        var alerts = await db.Alerts.Where(a => a.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        await db.Incidents.Where(i => i.LastAlertAt < cutoff).ExecuteDeleteAsync(ct);
        return alerts;
    }

    public async Task<IReadOnlyList<Incident>> IncidentsAsync(string? group, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Incidents.AsNoTracking();
        if (group is not null)
        {
            query = query.Where(i => i.GroupName == group);
        }

        return [.. (await query.OrderByDescending(i => i.Id).Take(limit).ToListAsync(ct)).Select(AlertRows.ToDomain)];
    }

    /// <summary>Acknowledges an incident: its later alerts (but its recovery) are kept and not sent. Null when there is no such incident.</summary>
    public async Task<Incident?> AcknowledgeAsync(long id, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Incidents.SingleOrDefaultAsync(i => i.Id == id, ct) is not { } row)
        {
            return null;
        }

        if (row.AcknowledgedAt is null)
        {
            (row.AcknowledgedAt, row.AcknowledgedBy) = (audit.At, audit.Actor.Describe());
            db.AuditEntries.Add(AuditRepository.Row(audit));
            await db.SaveChangesAsync(ct);
        }

        return AlertRows.ToDomain(row);
    }

    public async Task<IReadOnlyList<GroupQuiet>> QuietAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.GroupQuiet.AsNoTracking().Where(q => q.Until > now).OrderBy(q => q.GroupName).ToListAsync(ct);
        return [.. rows.Select(q => new GroupQuiet(q.GroupName, q.Since, q.Until, q.Reason, q.By))];
    }

    public async Task SaveQuietAsync(GroupQuiet quiet, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.GroupQuiet.SingleOrDefaultAsync(q => q.GroupName == quiet.Group, ct);
        if (row is null)
        {
            row = new GroupQuietEntity { GroupName = quiet.Group, By = "" };
            db.GroupQuiet.Add(row);
        }

        (row.Since, row.Until, row.Reason, row.By) = (quiet.Since, quiet.Until, quiet.Reason, quiet.By);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends a group's quiet period; false when it had none.</summary>
    public async Task<bool> EndQuietAsync(string group, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.GroupQuiet.SingleOrDefaultAsync(q => q.GroupName == group, ct) is not { } row)
        {
            return false;
        }

        db.GroupQuiet.Remove(row);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<AlertChannel>> ChannelsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.AlertChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return [.. rows.Select(r => AlertRows.ToDomain(r, protector))];
    }

    /// <summary>Creates or replaces a channel (secrets encrypted) with its audit entry; true when it was created.</summary>
    public async Task<bool> SaveChannelAsync(AlertChannel channel, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.AlertChannels.SingleOrDefaultAsync(c => c.Name == channel.Name, ct);
        var created = row is null;
        if (row is null)
        {
            row = new AlertChannelEntity { Name = channel.Name, Type = channel.Type, SettingsJson = "{}", UpdatedBy = "" };
            db.AlertChannels.Add(row);
        }

        AlertRows.Fill(row, channel, protector);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
        return created;
    }

    public async Task<bool> DeleteChannelAsync(string name, AuditEvent audit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.AlertChannels.SingleOrDefaultAsync(c => c.Name == name, ct) is not { } row)
        {
            return false;
        }

        db.AlertChannels.Remove(row);
        db.AuditEntries.Add(AuditRepository.Row(audit));
        await db.SaveChangesAsync(ct);
        return true;
    }
}
