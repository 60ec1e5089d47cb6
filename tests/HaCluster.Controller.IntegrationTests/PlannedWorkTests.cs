using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>
/// Planned work on real agents in namespaces, with a client pinging the VIP every 10 ms and sending a TCP request every
/// 10 ms: a switchover there and back, a node's maintenance, and a controller killed in the middle of a switchover.
/// </summary>
public class PlannedWorkTests
{
    private static readonly IPAddress WebVip = IPAddress.Parse("192.0.2.100");

    [SkippableFact]
    public async Task SwitchoverToN2_ThenAwayBack_UnderA10msPingAndTcpClient_NothingLost_EachMeasured_NoFailoverOnTheWay()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 90));
        await cluster.WaitForMasterAsync("web", "n1");
        var load = ClientLoad.Start(cluster.Lab, WebVip, TimeSpan.FromSeconds(8), requests: true);
        await Task.Delay(TimeSpan.FromSeconds(1)); // lets the client run before the switchover

        var there = await SwitchoverAsync(cluster, new { to = "n2", comment = "patching n1" });
        await cluster.WaitForMasterAsync("web", "n2");
        await Task.Delay(TimeSpan.FromSeconds(2)); // n2 holds it: nothing preempts it back (it is the chosen master now)
        var back = await SwitchoverAsync(cluster, new { });
        await cluster.WaitForMasterAsync("web", "n1");
        var (pings, pingsLost, requests, failed, answers) = await load.ResultAsync();

        Assert.True(pings > 300 && pingsLost == 0, $"{pingsLost} of {pings} pings lost");
        Assert.True(requests > 200 && failed == 0, $"{failed} of {requests} requests failed");
        Assert.True(answers.GetValueOrDefault("n1") > 0 && answers.GetValueOrDefault("n2") > 0, $"answers by host: {string.Join(", ", answers)}");
        Assert.Equal(("n1", "n2", true), (there.GetProperty("from").GetString(), there.GetProperty("to").GetString(), there.GetProperty("completed").GetBoolean()));
        Assert.Equal(("n2", "n1", true), (back.GetProperty("from").GetString(), back.GetProperty("to").GetString(), back.GetProperty("completed").GetBoolean()));
        // Make-before-break, from the agents' own clocks: the target took over first, the old master stepped down after it.
        Assert.True(there.GetProperty("handoffMs").GetDouble() >= 0, there.ToString());
        // (Before them, a start-up race may have made n2 master for a moment before it heard n1: not the switchovers' doing.)
        Assert.Equal(["BACKUP>MASTER:switchover", "MASTER>BACKUP:switchover"], cluster.LoggedTransitions("n2", "HC_web")[^2..]);
        Assert.Equal(["MASTER>BACKUP:switchover", "BACKUP>MASTER:switchover"], cluster.LoggedTransitions("n1", "HC_web")[^2..]);
        // Each target guarded the handoff (segments of the old master's connections dropped, not reset), then let it go.
        Assert.All(["n1", "n2"], n => Assert.Contains("are dropped here, not reset (nftables table hacluster_HC_web", cluster.Agents[n].Process.Output, StringComparison.Ordinal));
        await cluster.WaitForAsync("the guards removed", async () =>
        {
            foreach (var host in cluster.Lab.Hosts)
            {
                if ((await cluster.Lab.ExecAsync(host, "nft", "list", "tables")).Stdout.Contains("hacluster", StringComparison.Ordinal))
                    return false;
            }

            return true;
        });
        await cluster.WaitForAsync("both switchovers stored as operations", async () =>
            (await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/events?kind=operation&group=web")).Length == 2);

        // A rollback to the first revision: every agent runs exactly that revision's config again (the same hash).
        Assert.True((await cluster.Controller.Http.PostAsJsonAsync("/api/v1/groups/web/rollback", new { to = 1 })).IsSuccessStatusCode);
        var first = await cluster.Controller.GetAsync<JsonElement>("/api/v1/groups/web/revisions/1");
        await cluster.WaitForAsync("each agent runs revision 1's config", async () =>
        {
            foreach (var config in first.GetProperty("configs").EnumerateArray())
            {
                var node = await cluster.Controller.GetAsync<JsonElement>($"/api/v1/nodes/{config.GetProperty("node").GetString()}");
                if (node.GetProperty("appliedHash").GetString() != config.GetProperty("hash").GetString())
                    return false;
            }

            return true;
        });
    }

    [SkippableFact]
    public async Task Maintenance_OfTheMaster_MovesItsGroupWithNothingLost_SurvivesAnAgentRestart_LastResortUnlessStrict()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        var lab = cluster.Lab;
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 90));
        await cluster.WaitForMasterAsync("web", "n1");
        var load = ClientLoad.Start(lab, WebVip, TimeSpan.FromSeconds(5), requests: true);
        await Task.Delay(TimeSpan.FromSeconds(1)); // lets the client run before the drain

        var preview = await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/nodes/n1/maintenance/preview");
        var drain = await cluster.Controller.Http.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { reason = "kernel update" });
        Assert.True(drain.StatusCode == HttpStatusCode.OK, await drain.Content.ReadAsStringAsync());
        await cluster.WaitForMasterAsync("web", "n2");
        var (pings, pingsLost, requests, failed, _) = await load.ResultAsync();

        Assert.Equal("n2", Assert.Single(preview).GetProperty("to").GetString());
        Assert.True(pings > 150 && pingsLost == 0, $"{pingsLost} of {pings} pings lost");
        Assert.True(requests > 50 && failed == 0, $"{failed} of {requests} requests failed");
        var moved = Assert.Single((await drain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").EnumerateArray());
        Assert.True(moved.GetProperty("completed").GetBoolean(), moved.ToString());

        // The agent restarts: its stored config still says maintenance (priority 1), and it does not take the group back.
        await cluster.Agents["n1"].Process.StopAsync();
        await cluster.StartAgentAsync(lab["n1"]);
        await cluster.WaitForAsync("n1 back as a BACKUP at priority 1", async () =>
            await cluster.StatusAsync("web") is var s && s.GetProperty("members")[0] is var n1
            && n1.GetProperty("connected").GetBoolean() && n1.GetProperty("state").GetString() == "BACKUP" && n1.GetProperty("effectivePriority").GetInt32() == 1);
        Assert.Equal("n2", (await cluster.StatusAsync("web")).GetProperty("masterNode").GetString());

        // The controller restarts: the maintenance is still there, and n1 still runs it.
        await cluster.Controller.StopAsync();
        await cluster.Controller.RestartAsync();
        await cluster.WaitForAsync("n1 still in maintenance after a controller restart", async () =>
            await cluster.Controller.GetAsync<JsonElement>("/api/v1/nodes/n1") is var n && n.GetProperty("maintenance").ValueKind == JsonValueKind.Object
            && n.GetProperty("connected").GetBoolean() && n.GetProperty("appliedHash").GetString() == n.GetProperty("desiredHash").GetString());
        await cluster.WaitForMasterAsync("web", "n2");

        // Every other member gone: n1 takes over as the last resort.
        await cluster.Agents["n2"].Process.KillAsync();
        await cluster.WaitForAsync("n1 master as the last resort", async () =>
            await lab.HasAddressAsync(lab["n1"], WebVip));

        // Strict: n2 back (it preempts, as the chosen master), then gone again: n1 stays BACKUP and the VIP stays down.
        await cluster.StartAgentAsync(lab["n2"]);
        await cluster.WaitForMasterAsync("web", "n2");
        Assert.Equal(HttpStatusCode.OK, (await cluster.Controller.Http.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { reason = "kernel update", strict = true })).StatusCode);
        await cluster.WaitForAsync("n1 runs strict maintenance", async () =>
            (await cluster.Controller.GetAsync<JsonElement>("/api/v1/nodes/n1")) is var n && n.GetProperty("appliedHash").GetString() == n.GetProperty("desiredHash").GetString());
        var mark = cluster.Agents["n1"].Process.OutputLength;
        await cluster.Agents["n2"].Process.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(5)); // three Master_Down_Intervals and more: a strict node must not take over
        Assert.DoesNotContain("MASTER", cluster.Agents["n1"].Process.Output[mark..], StringComparison.Ordinal);
        Assert.False(await lab.HasAddressAsync(lab["n1"], WebVip));

        // Maintenance ended: the node takes the group as any member would.
        Assert.Equal(HttpStatusCode.NoContent, (await cluster.Controller.Http.DeleteAsync("/api/v1/nodes/n1/maintenance")).StatusCode);
        await cluster.WaitForAsync("n1 master once maintenance ended", async () =>
            await lab.HasAddressAsync(lab["n1"], WebVip));

        // A maintenance with an end ends by itself: n1 back at its own priority.
        var until = DateTimeOffset.UtcNow.AddSeconds(5);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Controller.Http.PostAsJsonAsync("/api/v1/nodes/n1/maintenance", new { until, reason = "short" })).StatusCode);
        await cluster.WaitForAsync("n1 at priority 1", async () => (await cluster.StatusAsync("web")).GetProperty("members")[0].GetProperty("effectivePriority").GetInt32() == 1);
        await cluster.WaitForAsync("n1 back at priority 100 after until", async () =>
            await cluster.StatusAsync("web") is var s && s.GetProperty("members")[0].GetProperty("effectivePriority").GetInt32() == 100
            && !(s.GetProperty("members")[0].TryGetProperty("maintenance", out var m) && m.ValueKind != JsonValueKind.Null));
        Assert.True(DateTimeOffset.UtcNow >= until);
    }

    [SkippableFact]
    public async Task Drill_OnRealAgents_OverAndBackWithNothingLost_ThenWithAMemberKilled_FailsAndMovesNothing()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 90));
        await cluster.WaitForMasterAsync("web", "n1");
        var load = ClientLoad.Start(cluster.Lab, WebVip, TimeSpan.FromSeconds(4));

        var passed = await cluster.Controller.Http.PostAsync("/api/v1/groups/web/drill", null);
        var drill = JsonDocument.Parse(await passed.Content.ReadAsStringAsync()).RootElement;
        var (pings, lost, _, _, _) = await load.ResultAsync();

        Assert.True(drill.GetProperty("ok").GetBoolean(), drill.ToString());
        Assert.Equal(["n2", "n1"], drill.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("to").GetString()));
        Assert.True(pings > 100 && lost == 0, $"{lost} of {pings} pings lost during the drill");
        await cluster.WaitForMasterAsync("web", "n1");

        await cluster.Agents["n2"].Process.KillAsync();
        await cluster.WaitForAsync("n2 unreachable", async () => (await cluster.StatusAsync("web")).GetProperty("members")[1].GetProperty("connected").GetBoolean() == false);
        var failed = JsonDocument.Parse(await (await cluster.Controller.Http.PostAsync("/api/v1/groups/web/drill", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.False(failed.GetProperty("ok").GetBoolean());
        Assert.Contains("a member is missing: n2 is unreachable", failed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("n1", (await cluster.StatusAsync("web")).GetProperty("masterNode").GetString());
    }

    [SkippableFact]
    public async Task ControllerKilledDuringASwitchover_ThePairStaysConsistent_ExactlyOneHoldsTheVip()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        var lab = cluster.Lab;
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 90));
        await cluster.WaitForMasterAsync("web", "n1");

        var request = cluster.Controller.Http.PostAsJsonAsync("/api/v1/groups/web/switchover", new { to = "n2" });
        await Task.Delay(30); // the request is under way: saved and pushed to one, both or neither member
        await cluster.Controller.Process!.KillAsync();
        await request.ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.Delay(TimeSpan.FromSeconds(4)); // a Master_Down_Interval and the linger, with no controller

        var holders = new List<string>();
        foreach (var host in lab.Hosts)
        {
            if (await lab.HasAddressAsync(host, WebVip))
                holders.Add(host.Name);
        }

        Assert.Single(holders);
        Assert.True(await lab.PingAsync(WebVip), "the VIP does not answer");
    }

    private static async Task<JsonElement> SwitchoverAsync(ManagedCluster cluster, object body)
    {
        var response = await cluster.Controller.Http.PostAsJsonAsync("/api/v1/groups/web/switchover", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
