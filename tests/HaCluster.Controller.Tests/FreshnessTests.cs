using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>States that say how old they are: a member whose agent stopped reporting is stale, never a plain MASTER.</summary>
public sealed class FreshnessTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Instance = "HC_web";

    [Fact]
    public async Task MasterWhoseAgentStopsReporting_Stale_NotTheMaster_GroupUnreachable_FreshAgainWithItsNextReport()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Fleet:StaleAfter"] = "00:00:02" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        await using var n2 = await SimulatedAgent.ConnectAsync(agents, "n2", ["192.0.2.11/24"]);
        using var client = app.CreateClient();
        Assert.True((await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).IsSuccessStatusCode);
        foreach (var agent in new[] { n1, n2 })
        {
            var config = await agent.NextConfigAsync();
            while (!config.Text.Contains(Instance, StringComparison.Ordinal))
            {
                config = await agent.NextConfigAsync();
            }

            await agent.SendAppliedAsync(config);
        }
        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup), n1.Transition(Instance, VrrpState.Backup, VrrpState.Master));
        await n2.SendEventsAsync(n2.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup));
        using var reporting = new CancellationTokenSource();
        var n2Reports = ReportEveryHalfSecondAsync(n2, reporting.Token);

        // n1 says nothing more (its agent frozen): after 2 s it is stale.
        var status = await WaitForStatusAsync(client, s => Member(s, "n1").GetProperty("stale").GetBoolean() && s.GetProperty("health").GetString() == "unreachable");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("masterNode").ValueKind);
        Assert.Contains("n1 stale (its agent stopped reporting; last known MASTER)", status.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("MASTER", Member(status, "n1").GetProperty("state").GetString());
        Assert.False(Member(status, "n2").GetProperty("stale").GetBoolean());
        Assert.True(DateTimeOffset.UtcNow - Member(status, "n1").GetProperty("lastHeardAt").GetDateTimeOffset() > TimeSpan.FromSeconds(2));
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/v1/nodes/n1")).GetProperty("stale").GetBoolean());
        using var channel = app.Channel(await app.IssueAsync("vera", HaCluster.Shared.Vocabulary.Role.Viewer));
        var grpc = await new Admin.AdminClient(channel).GetGroupStatusAsync(new GroupRef { Name = "web" });
        Assert.True(grpc.Members.Single(m => m.Node == "n1").Stale);
        Assert.NotNull(grpc.Members.Single(m => m.Node == "n1").LastHeardAt);

        // It reports again: fresh, and the master again.
        var n1Reports = ReportEveryHalfSecondAsync(n1, reporting.Token);
        status = await WaitForStatusAsync(client, s => !Member(s, "n1").GetProperty("stale").GetBoolean() && s.GetProperty("health").GetString() == "ok");
        Assert.Equal("n1", status.GetProperty("masterNode").GetString());
        await reporting.CancelAsync();
        await Task.WhenAll(n1Reports, n2Reports);
    }

    private static JsonElement Member(JsonElement status, string node) =>
        status.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("node").GetString() == node);

    private static async Task ReportEveryHalfSecondAsync(SimulatedAgent agent, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await agent.SendAsync(new AgentMessage { Counters = new CountersReport { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) } });
            await Task.Delay(500, ct).ContinueWith(_ => { }, TaskScheduler.Default); // as the agent's periodic report, faster
        }
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/status");
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the status never got there: {status}");
            await Task.Delay(100); // polls the controller's view
        }
    }
}
