using System.Net;
using System.Text.Json;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>"Why did it fail over", for a real failover caused by a tracked script on real agents connected to a controller.</summary>
public class TransitionWhyTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    [SkippableFact]
    public async Task TrackedScriptFails_TheTransitionsViewShowsTheScriptItsWeightAndBothNodesPriorities()
    {
        // Each host's own keepalived.conf: one instance tracking a script that checks a flag file (weight −30).
        static string Local(NetnsLab lab, LabHost host) =>
            $"vrrp_script chk_web {{\n    script \"test -f {Path.Combine(lab.WorkDir, host.Name + "-healthy")}\"\n    interval 1\n    weight -30\n}}\n"
            + Keepalived.Config(host.Name, KeepalivedInstance.Unicast(host, lab.Hosts, 51, host.Name == "n1" ? 100 : 80, Vip, "VI_web") with
            {
                AuthPass = "1111",
                ExtraLines = ["track_script {\n        chk_web\n    }"],
            });
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2, localConfig: (lab, host) =>
        {
            File.WriteAllText(Path.Combine(lab.WorkDir, host.Name + "-healthy"), "1");
            return Local(lab, host);
        });
        var lab = cluster.Lab;
        Assert.NotNull(await lab.WaitForAnswerAsync(Vip, "n1", ManagedCluster.Patience));

        File.Delete(Path.Combine(lab.WorkDir, "n1-healthy")); // n1: 100 − 30 = 70 < n2's 80, which preempts
        Assert.NotNull(await lab.WaitForAnswerAsync(Vip, "n2", TimeSpan.FromSeconds(15)));
        JsonElement takeover = default;
        await cluster.WaitForAsync("n2's takeover stored", async () =>
            (await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/events?kind=transition&node=n2")).FirstOrDefault(e => e.GetProperty("toState").GetString() == "MASTER" && e.GetProperty("reason").GetString() == "preempt") is { ValueKind: JsonValueKind.Object } found
            && (takeover = found).ValueKind == JsonValueKind.Object);
        JsonElement stepDown = default;
        await cluster.WaitForAsync("n1's step down stored", async () =>
            (await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/events?kind=transition&node=n1")).FirstOrDefault(e => e.GetProperty("toState").GetString() == "BACKUP" && e.GetProperty("fromState").GetString() == "MASTER") is { ValueKind: JsonValueKind.Object } found
            && (stepDown = found).ValueKind == JsonValueKind.Object);

        // n1's step down: its script failed, weight −30, priority 70; n2 at 80 beside it.
        var why = await cluster.Controller.GetAsync<JsonElement>($"/api/v1/events/{stepDown.GetProperty("id").GetInt64()}/why");
        Assert.Contains("heard a higher priority", why.GetProperty("cause").GetString(), StringComparison.Ordinal);
        Assert.Contains("Its priority was 70: 100 base, script chk_web failed −30.", why.GetProperty("cause").GetString(), StringComparison.Ordinal);
        var mine = why.GetProperty("breakdown");
        Assert.Equal((100, 70), (mine.GetProperty("basePriority").GetInt32(), mine.GetProperty("effectivePriority").GetInt32()));
        var script = mine.GetProperty("tracks").EnumerateArray().Single();
        Assert.Equal(("script", "chk_web", -30, "failed", -30), (script.GetProperty("kind").GetString(), script.GetProperty("name").GetString(),
            script.GetProperty("weight").GetInt32(), script.GetProperty("state").GetString(), script.GetProperty("delta").GetInt32()));
        var peer = why.GetProperty("peers").EnumerateArray().Single();
        Assert.Equal("n2", peer.GetProperty("node").GetString());
        Assert.Equal(80, peer.GetProperty("breakdown").GetProperty("effectivePriority").GetInt32());
        Assert.Equal("ok", peer.GetProperty("breakdown").GetProperty("tracks")[0].GetProperty("state").GetString());
        Assert.Contains(why.GetProperty("around").EnumerateArray(), e => e.GetProperty("id").GetInt64() == takeover.GetProperty("id").GetInt64());

        // n2's takeover: it preempted at 80 while n1 was at 70.
        why = await cluster.Controller.GetAsync<JsonElement>($"/api/v1/events/{takeover.GetProperty("id").GetInt64()}/why");
        Assert.Contains("n2 preempted the master: its priority 80 is higher", why.GetProperty("cause").GetString(), StringComparison.Ordinal);
        Assert.Equal(70, why.GetProperty("peers")[0].GetProperty("breakdown").GetProperty("effectivePriority").GetInt32());
    }
}
