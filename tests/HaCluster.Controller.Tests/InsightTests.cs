using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>"Why did it fail over" and "is it flapping": the transition's view, the group's analytics and metrics.</summary>
public sealed class InsightTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Instance = "HC_web";

    [Fact]
    public void Compute_HoursPercentilesAndTheFlappingRule()
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 30, 0, TimeSpan.Zero);
        var events = new List<FleetEvent>();
        for (var i = 0; i < 100; i++)
        {
            // 100 takeovers of 1..100 ms, one per 30 s back from now; and a step down after each.
            var at = now.AddSeconds(-30 * (i + 1));
            events.Add(new FleetEvent(EventKind.Transition, at) { Node = "n1", Group = "web", ToState = VrrpState.Master, FromState = VrrpState.Backup, TakeoverMs = i + 1 });
            events.Add(new FleetEvent(EventKind.Transition, at.AddSeconds(1)) { Node = "n1", Group = "web", ToState = VrrpState.Backup, FromState = VrrpState.Master });
        }

        var a = FlapAnalytics.Compute("web", now.AddHours(-2), now, now, events, now.AddSeconds(-30), new FlappingRule(6, TimeSpan.FromMinutes(10)));

        Assert.Equal((200, 100), (a.TransitionsTotal, a.TakeoversTotal));
        Assert.Equal((100, 50.0, 99.0, 100.0), (a.Takeover.Measured, a.Takeover.P50Ms, a.Takeover.P99Ms, a.Takeover.MaxMs));
        Assert.Equal([0, 80, 120], a.Hours.Select(h => h.Transitions)); // 10:00 (none yet), 11:40–12:00, 12:00–12:30
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), a.Hours[0].Hour);
        Assert.Equal((true, 19), (a.Flapping, a.RecentTakeovers)); // 30 s to 570 s ago: the one exactly 10 min ago is out
        Assert.Equal(30, a.SecondsSinceLastFailover);
        Assert.False(FlapAnalytics.Compute("web", now.AddHours(-2), now, now.AddHours(1), events, null, new FlappingRule(6, TimeSpan.FromMinutes(10))).Flapping);
        Assert.Null(FlapAnalytics.Rank([], 0.5));
    }

    [Fact]
    public async Task TenTakeoversInAMinute_AnalyticsSayFlapping_WithTheirTimes_AndTheMetricsCountThem()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await app.RegisterNodesAsync(Samples.Nodes);
        (await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).EnsureSuccessStatusCode();
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);
        for (var i = 0; i < 10; i++)
        {
            var at = DateTimeOffset.UtcNow;
            var takeover = n1.Transition(Instance, VrrpState.Backup, VrrpState.Master, at: at);
            takeover.MasterLastHeardAt = Timestamp.FromDateTimeOffset(at.AddMilliseconds(-(100 * (i + 1))));
            await n1.SendEventsAsync(takeover, n1.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, at: at.AddMilliseconds(1)));
            await n1.WaitForAckAsync((ulong)(2 * (i + 1)));
        }

        var a = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/analytics");
        Assert.True(a.GetProperty("flapping").GetBoolean());
        Assert.Equal((20, 10, 10), (a.GetProperty("transitionsTotal").GetInt32(), a.GetProperty("takeoversTotal").GetInt32(), a.GetProperty("recentTakeovers").GetInt32()));
        var times = a.GetProperty("takeover");
        Assert.Equal((500.0, 1000.0, 1000.0), (times.GetProperty("p50Ms").GetDouble(), times.GetProperty("p99Ms").GetDouble(), times.GetProperty("maxMs").GetDouble()));
        Assert.Equal(10, a.GetProperty("hours").EnumerateArray().Sum(h => h.GetProperty("takeovers").GetInt32()));
        Assert.InRange(a.GetProperty("secondsSinceLastFailover").GetDouble(), 0, 60);

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Equal(10, PrometheusText.Value(metrics, "hacluster_controller_group_transitions_total{group=\"web\",to=\"MASTER\"}"));
        Assert.Equal(10, PrometheusText.Value(metrics, "hacluster_controller_group_takeover_seconds_count{group=\"web\"}"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/groups/nope/analytics")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/groups/web/analytics?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z")).StatusCode);
    }

    [Fact]
    public async Task Why_CauseInWords_TheMoversBreakdown_ThePeerAsReported_TheRevisionAndTheEventsAround()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await app.RegisterNodesAsync(Samples.Nodes);
        (await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).EnsureSuccessStatusCode();
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);
        await using var n2 = await SimulatedAgent.ConnectAsync(app.Agents(), "n2", ["192.0.2.11/24"]);
        foreach (var agent in new[] { n1, n2 })
        {
            await agent.SendAppliedAsync(await ConfigWithAsync(agent, Instance));
        }

        await n2.SendEventsAsync(n2.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, 80));
        var stepDown = n1.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, 70);
        stepDown.Breakdown = Breakdown(100, 70, ("script", "chk_web", -30, "failed", -30));
        await n1.SendEventsAsync(stepDown);
        var takeover = n2.Transition(Instance, VrrpState.Backup, VrrpState.Master, TransitionReason.Preempt, 80);
        takeover.Breakdown = Breakdown(80, 80, ("script", "chk_web", -30, "ok", 0));
        await n2.SendEventsAsync(takeover);
        await n2.WaitForAckAsync(2);

        var events = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/events?kind=transition&group=web");
        var id = events!.First(e => e.GetProperty("node").GetString() == "n1" && e.GetProperty("toState").GetString() == "BACKUP").GetProperty("id").GetInt64();
        var why = await client.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}/why");

        Assert.Equal("n1 heard a higher priority and stepped down to BACKUP. Its priority was 70: 100 base, script chk_web failed −30.", why.GetProperty("cause").GetString());
        Assert.Equal(70, why.GetProperty("breakdown").GetProperty("effectivePriority").GetInt32());
        Assert.Equal(1, why.GetProperty("revision").GetInt32());
        var peer = why.GetProperty("peers").EnumerateArray().Single();
        Assert.Equal(("n2", 80, "ok"), (peer.GetProperty("node").GetString(), peer.GetProperty("breakdown").GetProperty("effectivePriority").GetInt32(),
            peer.GetProperty("breakdown").GetProperty("tracks")[0].GetProperty("state").GetString()));
        Assert.Equal(3, why.GetProperty("around").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "transition"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/events/999999/why")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/events/x/why")).StatusCode);
    }

    /// <summary>After an edit: the transition names the revision its node ran, and the view carries its diff from the one before.</summary>
    [Fact]
    public async Task Why_AfterAnEdit_TheRevisionInForceAndItsDiffFromThePrevious()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await app.RegisterNodesAsync(Samples.Nodes);
        (await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).EnsureSuccessStatusCode();
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);
        await n1.SendAppliedAsync(await ConfigWithAsync(n1, Instance));
        (await client.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with
        {
            Members = [new Member("n1", "192.0.2.10", 110), new Member("n2", "192.0.2.11", 80)],
        }))).EnsureSuccessStatusCode();
        await n1.SendAppliedAsync(await ConfigWithAsync(n1, "priority 110"));

        var stepDown = n1.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, 80);
        stepDown.Breakdown = Breakdown(110, 80, ("script", "chk_web", -30, "failed", -30));
        await n1.SendEventsAsync(stepDown);
        await n1.WaitForAckAsync(1);
        var events = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/events?kind=transition&group=web");
        var why = await client.GetFromJsonAsync<JsonElement>($"/api/v1/events/{events!.Single().GetProperty("id").GetInt64()}/why");

        Assert.Equal(2, why.GetProperty("revision").GetInt32());
        var diff = why.GetProperty("revisionDiff");
        Assert.Equal((1, 2), (diff.GetProperty("from").GetInt32(), diff.GetProperty("to").GetInt32()));
        var n1Lines = diff.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("node").GetString() == "n1").GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(n1Lines, l => l.StartsWith('-') && l.Contains("priority 100", StringComparison.Ordinal));
        Assert.Contains(n1Lines, l => l.StartsWith('+') && l.Contains("priority 110", StringComparison.Ordinal));
    }

    private static async Task<DesiredConfig> ConfigWithAsync(SimulatedAgent agent, string text)
    {
        var config = await agent.NextConfigAsync();
        while (!config.Text.Contains(text, StringComparison.Ordinal))
        {
            config = await agent.NextConfigAsync();
        }

        return config;
    }

    private static PriorityBreakdown Breakdown(int basePriority, int effective, params (string Kind, string Name, int Weight, string State, int Delta)[] tracks)
    {
        var breakdown = new PriorityBreakdown { BasePriority = basePriority, EffectivePriority = effective };
        breakdown.Tracks.AddRange(tracks.Select(t => new TrackPart { Kind = t.Kind, Name = t.Name, Weight = t.Weight, State = t.State, Delta = t.Delta }));
        return breakdown;
    }
}
