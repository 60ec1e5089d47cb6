using System.Net;
using System.Net.Http.Json;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.Shared.Vocabulary;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>
/// The alert outbox writes a whole batch of stored events at once (on PostgreSQL by binary COPY, with ids drawn from
/// the sequences): every row it writes must point at the right event, incident and alert, once per provider.
/// </summary>
public abstract class AlertOutboxTests(IStorageBackend backend)
{
    [SkippableFact]
    public async Task StormBatch_EachTakeoverItsAlert_OneIncidentAndOneFlappingAlertPerGroup_DeliveriesPointAtTheirAlerts()
    {
        await using var hook = WebhookReceiver.Start();
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using (var client = app.CreateClient())
        {
            var created = await client.PutAsJsonAsync("/api/v1/alert-channels/hook", new { type = "webhook", url = hook.Url.ToString(), secret = "a-webhook-secret-of-some-length" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // (EF logs an error when Migrate first connects to a PostgreSQL database it then creates.)
        var errorsAtStart = app.ErrorLogs.Count;
        var history = app.Services.GetRequiredService<EventRepository>();
        var now = DateTimeOffset.UtcNow;
        // Three groups, eight takeovers each (the flapping rule allows 6 in 10 minutes), and a link event with no alert.
        var batch = Enumerable.Range(0, 3).SelectMany(g => Enumerable.Range(0, 8).Select(i => Takeover($"g{g}", $"n{i % 2}", i + 1, now.AddMilliseconds(i))))
            .Append(FleetEvent.NodeLink("n0", connected: true, "test", now)).ToList();

        var stored = await history.InsertAsync(batch, CancellationToken.None);

        Assert.Equal(batch.Count, stored.Select(e => e.Id).Distinct().Count());
        var (events, alerts, incidents, deliveries) = await app.QueryAsync(async db => (
            await db.Events.AsNoTracking().ToListAsync(), await db.Alerts.AsNoTracking().ToListAsync(),
            await db.Incidents.AsNoTracking().ToListAsync(), await db.AlertDeliveries.AsNoTracking().ToListAsync()));
        // The controller's own events (its start, the channel) are stored too: the batch's are those with its ids.
        var ids = stored.Select(e => e.Id).ToHashSet();
        Assert.Equal(stored.Select(e => (e.Id, e.Node, e.Sequence)).Order(), events.Where(e => ids.Contains(e.Id)).Select(e => (e.Id, e.Node, e.Sequence)).Order());
        alerts = [.. alerts.Where(a => a.GroupName is ['g', _])];
        incidents = [.. incidents.Where(i => i.Subject is ['g', _])];
        deliveries = [.. deliveries.Where(d => alerts.Any(a => a.Id == d.AlertId))];
        var failovers = alerts.Where(a => a.Kind == AlertKinds.Failover).ToList();
        Assert.Equal(stored.Where(e => e.IsTakeover).Select(e => e.Id).Order(), failovers.Select(a => a.EventId!.Value).Order());
        Assert.All(failovers, a => Assert.Equal(stored.Single(e => e.Id == a.EventId).Group, a.GroupName));
        var flapping = alerts.Where(a => a.Kind == AlertKinds.Flapping).ToList();
        Assert.Equal(["g0", "g1", "g2"], flapping.Select(a => a.GroupName!).Order());
        Assert.All(flapping, a => Assert.Equal($"{a.GroupName}: flapping: 8 takeovers in the last 10 min (the rule allows 6)", a.Summary));
        Assert.Equal(["g0", "g1", "g2"], incidents.Select(i => i.Subject).Order());
        Assert.All(incidents, i => Assert.Equal(9, i.Alerts));
        Assert.All(alerts, a => Assert.Equal(incidents.Single(i => i.Subject == a.GroupName).Id, a.IncidentId));
        Assert.Equal(alerts.Select(a => a.Id).Order(), deliveries.Select(d => d.AlertId).Order());
        Assert.All(deliveries, d => Assert.Equal(alerts.Single(a => a.Id == d.AlertId).IncidentId, d.IncidentId));

        // The next batch joins the open incidents, and flapping is not said again within its window.
        await history.InsertAsync([Takeover("g0", "n1", 9, now.AddSeconds(1))], CancellationToken.None);

        var (after, joined) = await app.QueryAsync(async db => (await db.Alerts.AsNoTracking().ToListAsync(), await db.Incidents.AsNoTracking().SingleAsync(i => i.Subject == "g0")));
        Assert.Equal(alerts.Count + 1, after.Count);
        Assert.Equal(joined.Id, after.Single(a => a.Id > alerts.Max(b => b.Id)).IncidentId);
        Assert.Equal(10, joined.Alerts);
        Assert.Empty(app.ErrorLogs.Skip(errorsAtStart));
    }

    private static FleetEvent Takeover(string group, string node, long sequence, DateTimeOffset at) => new(EventKind.Transition, at)
    {
        ReceivedAt = at,
        Node = node,
        BootId = $"boot-{group}",
        Sequence = sequence,
        Group = group,
        Instance = $"HC_{group}",
        FromState = VrrpState.Backup,
        ToState = VrrpState.Master,
        Reason = TransitionReason.MasterDownTimer,
        Priority = 100,
    };
}

public sealed class SqliteAlertOutboxTests(SqliteBackendFixture sqlite) : AlertOutboxTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertOutboxTests(PostgresServer server) : AlertOutboxTests(new PostgresBackend(server));
