using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>
/// HMAC keys made and rotated by the controller, on real agents: a rotation and a PASS → HMAC migration, each under a
/// client pinging the VIP every 10 ms — no ping lost, no transition, no advert refused — and the key shown nowhere.
/// </summary>
public partial class HmacKeysTests
{
    private static readonly IPAddress WebVip = IPAddress.Parse("192.0.2.100");

    [SkippableFact]
    public async Task RotateKey_UnderA10msPing_NoPingLost_NoTransition_NoAdvertRefused_TheKeyShownNowhere()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        var web = cluster.Group("web", 27, "192.0.2.100", 100, 90) with { AuthPass = null, Auth = "hmac" };
        await cluster.CreateAsync(web);
        await cluster.WaitForMasterAsync("web", "n1");
        var first = await HmacAsync(cluster);
        Assert.Equal((1, "enforce", false), (first.GetProperty("activeKey").GetInt32(), first.GetProperty("mode").GetString(), first.GetProperty("rolling").GetBoolean()));
        var marks = cluster.Agents.ToDictionary(a => a.Key, a => a.Value.Process.OutputLength);
        var ping = ClientLoad.Start(cluster.Lab, WebVip, TimeSpan.FromSeconds(12));
        await Task.Delay(TimeSpan.FromSeconds(1)); // waits for the ping to run before the rotation starts

        var rotate = await cluster.Controller.Http.PostAsync("/api/v1/groups/web/rotate-key", null);
        Assert.Equal(HttpStatusCode.Accepted, rotate.StatusCode);
        var again = await cluster.Controller.Http.PostAsync("/api/v1/groups/web/rotate-key", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await cluster.WaitForAsync("key 2 signing, key 1 retired", async () =>
            await HmacAsync(cluster) is var h && h.GetProperty("activeKey").GetInt32() == 2 && !h.GetProperty("rolling").GetBoolean());

        var (sent, lost, _, _, _) = await ping.ResultAsync();
        Assert.True(sent > 500 && lost == 0, $"{lost} of {sent} pings lost during the rotation");
        foreach (var (host, mark) in marks)
        {
            Assert.DoesNotContain("VRRP transition", cluster.Agents[host].Process.Output[mark..], StringComparison.Ordinal);
            var metrics = await MetricsAsync(cluster, host);
            Assert.Equal(0, PrometheusText.Sum(metrics, "hacluster_hmac_invalid_total") + PrometheusText.Sum(metrics, "hacluster_hmac_unknown_key_total") + PrometheusText.Sum(metrics, "hacluster_hmac_missing_total"));
        }

        // The steps are audited (no key in them) and every member's config went through accepting key 2 before it signed.
        var audit = await cluster.Controller.Http.GetStringAsync("/api/v1/audit?target=web&limit=100");
        Assert.Contains("hmac.rotate", audit, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(audit, "hmac.step").Count);
        var n2Config = await cluster.Controller.Http.GetStringAsync("/api/v1/groups/web/config/n2");
        Assert.Matches(@"auth_hmac \{\s+key 2 \(redacted\)\s+active_key 2", n2Config);
        var group = await cluster.Controller.Http.GetStringAsync("/api/v1/groups/web");
        var pushed = await File.ReadAllTextAsync(Directory.GetFiles(AgentProcess.StateDir(cluster.Lab, cluster.Lab["n2"]), "*.conf", SearchOption.AllDirectories).First());
        var key = KeyLine().Match(pushed).Groups["key"].Value;
        Assert.Equal(64, key.Length);
        Assert.DoesNotContain(key, group + audit + n2Config, StringComparison.OrdinalIgnoreCase);
        // Encrypted at rest: the controller's database file does not hold it.
        foreach (var file in Directory.GetFiles(cluster.Controller.DataDir, "*.db*"))
        {
            Assert.DoesNotContain(key, Convert.ToHexString(await File.ReadAllBytesAsync(file)), StringComparison.OrdinalIgnoreCase);
        }
    }

    [SkippableFact]
    public async Task PassGroupMovedToHmac_ReceiveOnlyThenPermissiveThenEnforce_UnderA10msPing_NoPingLost_NoTransition()
    {
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2);
        var web = cluster.Group("web", 27, "192.0.2.100", 100, 90);
        await cluster.CreateAsync(web);
        await cluster.WaitForMasterAsync("web", "n1");
        var marks = cluster.Agents.ToDictionary(a => a.Key, a => a.Value.Process.OutputLength);
        var ping = ClientLoad.Start(cluster.Lab, WebVip, TimeSpan.FromSeconds(12));
        await Task.Delay(TimeSpan.FromSeconds(1)); // waits for the ping to run before the change

        await cluster.UpdateAsync(web with { AuthPass = null, Auth = "hmac" });
        await cluster.WaitForAsync("enforced", async () =>
            await HmacAsync(cluster) is var h && h.GetProperty("mode").GetString() == "enforce" && !h.GetProperty("rolling").GetBoolean());

        var (sent, lost, _, _, _) = await ping.ResultAsync();
        Assert.True(sent > 500 && lost == 0, $"{lost} of {sent} pings lost during the migration");
        foreach (var (host, mark) in marks)
        {
            Assert.DoesNotContain("VRRP transition", cluster.Agents[host].Process.Output[mark..], StringComparison.Ordinal);
        }

        var audit = await cluster.Controller.Http.GetStringAsync("/api/v1/audit?target=web&action=hmac.step&limit=100");
        // Two steps after the change itself (which set receive-only): to permissive, then to enforce.
        Assert.Equal(2, Regex.Matches(audit, "\"action\":\"hmac.step\"").Count);
        Assert.Contains("permissive", audit, StringComparison.Ordinal);
        var group = await cluster.Controller.GetAsync<JsonElement>("/api/v1/groups/web");
        Assert.False(group.GetProperty("authPassSet").GetBoolean());
        Assert.True(PrometheusText.Sum(await MetricsAsync(cluster, "n2"), "hacluster_hmac_verified_total") > 0);
    }

    private static async Task<JsonElement> HmacAsync(ManagedCluster cluster) =>
        (await cluster.Controller.GetAsync<JsonElement>("/api/v1/groups/web")).GetProperty("hmac");

    private static async Task<string> MetricsAsync(ManagedCluster cluster, string host)
    {
        var result = await cluster.Lab.ExecAsync(cluster.Lab[host], "sh", "-c", "printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' | socat -t 2 - TCP:127.0.0.1:9650");
        Assert.True(result.Succeeded, result.ToString());
        return result.Stdout;
    }


    [GeneratedRegex(@"key \d+ hex:(?<key>[0-9a-f]+)")]
    private static partial Regex KeyLine();
}
