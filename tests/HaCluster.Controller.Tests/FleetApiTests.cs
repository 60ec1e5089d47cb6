using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>REST reads of what the agents report: status, nodes, the event history and its filters.</summary>
public abstract class FleetApiTests(IStorageBackend backend)
{
    [SkippableFact]
    public async Task GroupEvents_BetweenTwoTimes_OnlyThatGroupsInRangeNewestFirst()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var t0 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        await n1.SendEventsAsync(
            n1.Transition("HC_web", VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, at: t0),
            n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master, at: t0.AddMinutes(10)),
            n1.Transition("HC_db", VrrpState.Backup, VrrpState.Master, at: t0.AddMinutes(11)),
            n1.Transition("HC_web", VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, at: t0.AddMinutes(20)),
            n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master, at: t0.AddMinutes(30)));
        await n1.WaitForAckAsync(5);

        var events = await app.CreateClient().GetFromJsonAsync<JsonElement[]>(
            "/api/v1/groups/web/events?from=2026-11-01T12:05:00Z&to=2026-11-01T12:30:00Z") ?? [];

        Assert.Equal(["2026-11-01T12:20:00+00:00", "2026-11-01T12:10:00+00:00"], events.Select(e => e.GetProperty("at").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz")));
        Assert.All(events, e => Assert.Equal("web", e.GetProperty("group").GetString()));
    }

    [SkippableFact]
    public async Task Events_BadQuery_ProblemDetailsNamingEveryBadParameter()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());

        var response = await app.CreateClient().GetAsync("/api/v1/events?from=yesterday&kind=gossip&limit=-1");
        var reversed = await app.CreateClient().GetAsync("/api/v1/events?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["from", "kind", "limit"], (await Samples.ReadErrorPathsAsync(response)).Order());
        Assert.Equal(["to"], await Samples.ReadErrorPathsAsync(reversed));
    }

    [SkippableFact]
    public async Task UnknownGroupOrNode_NotFoundProblem()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();

        foreach (var path in new[] { "/api/v1/groups/nope/status", "/api/v1/groups/nope/events", "/api/v1/nodes/nope" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var problem = await Samples.ReadProblemAsync(response);
            Assert.Contains("nope", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Nodes_KnownAfterTheirHello_DisconnectedAfterHangingUp()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());

        var nodes = await app.CreateClient().GetFromJsonAsync<JsonElement[]>("/api/v1/nodes") ?? [];

        Assert.Equal(["n1", "n2", "n3"], nodes.Select(n => n.GetProperty("name").GetString()));
        Assert.All(nodes, n => Assert.False(n.GetProperty("connected").GetBoolean()));
        Assert.Equal("192.0.2.11/24", nodes[1].GetProperty("addresses")[0].GetString());
    }

    [SkippableFact]
    public async Task OpenApi_DescribesEveryRoute()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());

        using var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));

        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/groups", "/api/v1/groups/{name}", "/api/v1/groups/{name}/status", "/api/v1/groups/{name}/events",
                     "/api/v1/groups/{name}/config/{node}", "/api/v1/nodes", "/api/v1/events" })
        {
            Assert.Contains(path, paths);
        }
    }
}

public sealed class SqliteFleetApiTests(SqliteBackendFixture sqlite) : FleetApiTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFleetApiTests(PostgresServer server) : FleetApiTests(new PostgresBackend(server));
