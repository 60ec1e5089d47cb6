using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Events;
using HaCluster.Controller.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>The history does not grow for ever: events older than Storage:RetentionDays go, newer ones and the audit stay.</summary>
public abstract class RetentionTests(IStorageBackend backend)
{
    [SkippableFact]
    public async Task OlderThanTheRetention_Deleted_NewerKept_AuditKept()
    {
        var settings = new Dictionary<string, string>(backend.NewSettings()) { ["Storage:RetentionDays"] = "30" };
        await using var app = await ControllerApp.StartAsync(settings);
        await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web));
        var now = DateTimeOffset.UtcNow;
        await app.QueryAsync(async db =>
        {
            db.Events.AddRange(
                new EventEntity { Kind = "node", At = now.AddDays(-31), ReceivedAt = now.AddDays(-31), Node = "old" },
                new EventEntity { Kind = "node", At = now.AddDays(-29), ReceivedAt = now.AddDays(-29), Node = "recent" });
            return await db.SaveChangesAsync();
        });

        await app.QueryAsync(async db =>
        {
            var old = new IncidentEntity { Subject = "old", Title = "old", Severity = "warning", OpenedAt = now.AddDays(-31), LastAlertAt = now.AddDays(-31) };
            var recent = new IncidentEntity { Subject = "recent", Title = "recent", Severity = "warning", OpenedAt = now.AddDays(-29), LastAlertAt = now.AddDays(-29) };
            db.Incidents.AddRange(old, recent);
            await db.SaveChangesAsync();
            var alerts = new[] { (old, now.AddDays(-31)), (recent, now.AddDays(-29)) }.Select(i => new AlertEntity
            {
                At = i.Item2,
                CreatedAt = i.Item2,
                Subject = i.Item1.Subject,
                Kind = "failover",
                Severity = "warning",
                Summary = i.Item1.Subject,
                IncidentId = i.Item1.Id,
            }).ToList();
            db.Alerts.AddRange(alerts);
            await db.SaveChangesAsync();
            db.AlertDeliveries.AddRange(alerts.Select(a => new AlertDeliveryEntity { AlertId = a.Id, Channel = "hook", Status = "delivered", CreatedAt = a.CreatedAt }));
            return await db.SaveChangesAsync();
        });

        var deleted = await app.Services.GetRequiredService<EventRetention>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        var nodes = await app.QueryAsync(db => db.Events.Where(e => e.Node == "old" || e.Node == "recent").Select(e => e.Node).ToListAsync());
        Assert.Equal(["recent"], nodes);
        // The alerts as old go with their deliveries and incidents (the group's own health alert, just made, stays too).
        Assert.Equal(["recent"], await app.QueryAsync(db => db.Alerts.Where(a => a.Subject == "old" || a.Subject == "recent").Select(a => a.Subject).ToListAsync()));
        Assert.Equal(["recent"], await app.QueryAsync(db => db.Incidents.Where(i => i.Subject == "old" || i.Subject == "recent").Select(i => i.Subject).ToListAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.AlertDeliveries.CountAsync(d => d.Channel == "hook")));
        Assert.Equal(1, (await app.CountRowsAsync()).Audit);
    }
}

public sealed class SqliteRetentionTests(SqliteBackendFixture sqlite) : RetentionTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests(HaCluster.TestSupport.PostgresServer server) : RetentionTests(new PostgresBackend(server));
