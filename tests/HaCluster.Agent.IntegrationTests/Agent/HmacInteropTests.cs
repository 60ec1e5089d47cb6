using System.Globalization;
using System.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>
/// auth_hmac on the wire: our agent and keepalived 2.4.3 as the two peers of one signed unicast instance, a wrong key
/// on either side, and an attacker on the segment (forged, replayed and TTL-1 adverts).
/// </summary>
public class HmacInteropTests
{
    public const string Key = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    public const string WrongKey = "hex:ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>The agent master, keepalived 2.4.3 backup; SIGTERM and a cut link move the VIP both ways, every advert verified on both sides.</summary>
    [SkippableTheory]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.1)]
    public async Task AgentAndKeepalived24_SignedAdvertsVerifiedBothWays_SigtermAndLinkCutFailoverBothWays(int version, double advertSeconds)
    {
        Keepalived.Require24();
        await using var pair = await CreateAsync();
        var interval = TimeSpan.FromSeconds(advertSeconds);
        await using var agent = pair.StartAgent(pair.N1, Signed(pair, pair.N1, 100, version, advertSeconds, Key));
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience), agent.Process.Output);
        await using var keepalived = Keepalived.Start24(pair.Lab, pair.N2, Keepalived.Config("n2", Signed(pair, pair.N2, 80, version, advertSeconds, Key)));
        Assert.True(await keepalived.WaitForStateAsync("BACKUP", Patience), keepalived.Process.Output);
        // keepalived accepts our signed adverts: it stays backup well past its Master_Down_Interval.
        await Task.Delay(VrrpTimers.MasterDownInterval(version, 80, interval) + Second); // waits past keepalived's Master_Down_Interval
        Assert.DoesNotContain("Entering MASTER STATE", keepalived.Process.Output);
        await pair.AssertAnswersAsync(pair.N1, Patience);

        // SIGTERM of the agent: its signed priority-0 advert makes keepalived take over after Skew_Time.
        Assert.Equal(0, await agent.Process.StopAsync());
        await pair.AssertAnswersAsync(pair.N2, VrrpTimers.SkewTime(version, 80, interval) + Second);
        Assert.True(await keepalived.WaitForStateAsync("MASTER", Patience));

        // The agent again: it hears keepalived's signed adverts (lower priority) and preempts.
        await using var back = pair.StartAgent(pair.N1, Signed(pair, pair.N1, 100, version, advertSeconds, Key), "agent-n1-back");
        Assert.True(await back.WaitForStateAsync("MASTER", Patience), back.Process.Output);
        await pair.AssertAnswersAsync(pair.N1, Patience);
        Assert.Equal(["BACKUP", "MASTER"], back.Transitions());

        // The link of the master cut: keepalived takes over; back up: the agent preempts again.
        var mark = keepalived.Process.OutputLength;
        await pair.Lab.SetLinkAsync(pair.N1, up: false);
        Assert.True(await keepalived.WaitForStateAsync("MASTER", Patience, since: mark));
        await pair.Lab.SetLinkAsync(pair.N1, up: true);
        await pair.AssertAnswersAsync(pair.N1, Patience);

        var metrics = await TrackingTests.Metrics(pair, pair.N1);
        Assert.True(PrometheusText.Sum(metrics, "hacluster_hmac_verified_total") > 0, metrics);
        Assert.Equal(0, PrometheusText.Sum(metrics, "hacluster_hmac_invalid_total"));
        Assert.DoesNotContain("invalid authentication", keepalived.Process.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>keepalived 2.4.3 master, the agent backup: the agent verifies keepalived's adverts and stays backup, then takes over on SIGTERM.</summary>
    [SkippableTheory]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.1)]
    public async Task Keepalived24Master_AgentBackup_StaysBackupOnSignedAdverts_TakesOverOnSigterm(int version, double advertSeconds)
    {
        Keepalived.Require24();
        await using var pair = await CreateAsync();
        var interval = TimeSpan.FromSeconds(advertSeconds);
        await using var keepalived = Keepalived.Start24(pair.Lab, pair.N1, Keepalived.Config("n1", Signed(pair, pair.N1, 100, version, advertSeconds, Key)));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        await using var agent = pair.StartAgent(pair.N2, Signed(pair, pair.N2, 80, version, advertSeconds, Key));
        Assert.True(await agent.WaitForStateAsync("BACKUP", Patience));
        await Task.Delay(VrrpTimers.MasterDownInterval(version, 80, interval) + Second); // waits past the agent's Master_Down_Interval
        Assert.Equal(["BACKUP"], agent.Transitions());

        await keepalived.StopAsync();
        await pair.AssertAnswersAsync(pair.N2, VrrpTimers.SkewTime(version, 80, interval) + Second);
        Assert.Matches("to=MASTER reason=priority_zero_received", agent.Process.Output);

        // keepalived back (it preempts: the agent verifies its adverts and yields), then its link cut: the agent takes over.
        var mark = agent.Process.OutputLength;
        await using var back = Keepalived.Start24(pair.Lab, pair.N1, Keepalived.Config("n1", Signed(pair, pair.N1, 100, version, advertSeconds, Key)), "keepalived24-n1-back");
        Assert.True(await agent.WaitForStateAsync("BACKUP", Patience, since: mark), agent.Process.Output[mark..]);
        await pair.AssertAnswersAsync(pair.N1, Patience);
        mark = agent.Process.OutputLength;
        await pair.Lab.SetLinkAsync(pair.N1, up: false);
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience, since: mark));
        Assert.Matches("to=MASTER reason=master_down_timer", agent.Process.Output[mark..]);
        await pair.Lab.SetLinkAsync(pair.N1, up: true);
    }

    /// <summary>A wrong key on either side: each refuses the other's adverts and counts them (no takeover by them: both end up master).</summary>
    [SkippableFact]
    public async Task WrongKey_EachSideRefusesAndCountsTheOthersAdverts()
    {
        Keepalived.Require24();
        await using var pair = await CreateAsync();
        await using var agent = pair.StartAgent(pair.N1, Signed(pair, pair.N1, 100, 2, 1, Key));
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience));
        await using var keepalived = Keepalived.Start24(pair.Lab, pair.N2, Keepalived.Config("n2", Signed(pair, pair.N2, 80, 2, 1, WrongKey)));

        // keepalived never hears a valid advert from the agent: it becomes master too (as two keepalived with different keys do).
        Assert.True(await keepalived.WaitForStateAsync("MASTER", Patience), keepalived.Process.Output);
        Assert.True(await WaitForCountAsync(pair, pair.N1, "hacluster_hmac_invalid_total", 2), "the agent did not count keepalived's adverts as invalid");
        Assert.Contains("invalid authentication HMAC", keepalived.Process.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["BACKUP", "MASTER"], agent.Transitions());
        Assert.Contains("hmac_invalid", agent.Process.Output, StringComparison.Ordinal);
    }

    /// <summary>Polls the agent's /metrics until the counter reaches <paramref name="atLeast"/> (or the patience runs out).</summary>
    internal static async Task<bool> WaitForCountAsync(AgentPair pair, LabHost host, string name, long atLeast)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (PrometheusText.Sum(await TrackingTests.Metrics(pair, host), name) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200); // waits for the next adverts to arrive and be counted
        }

        return true;
    }

    /// <summary>--check on a host: which unicast peers the TTL-255 guard covers there, and each instance's authentication.</summary>
    [SkippableFact]
    public async Task Check_OnAHost_SaysWhichPeersTheTtlGuardCovers_AndHowAdvertsAreAuthenticated()
    {
        await using var pair = await CreateAsync();
        var config = Path.Combine(pair.Lab.WorkDir, "check.conf");
        await File.WriteAllTextAsync(config, Keepalived.Config("n1", Signed(pair, pair.N1, 100, 2, 1, Key) with
        {
            UnicastPeers = [pair.N2.Address, IPAddress.Parse("192.0.2.12"), IPAddress.Parse("198.51.100.7")],
            ExtraLines = [],
        }).Replace("        192.0.2.12\n", "        192.0.2.12 min_ttl 250\n", StringComparison.Ordinal));

        var result = await pair.Lab.ExecAsync(pair.N1, "dotnet", AgentProcess.AgentDll, "--config", config, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("VI_1: auth_hmac (key 1 signs, 1 key(s), enforce)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("unicast_peer 192.0.2.11: guarded: on-link, must arrive with TTL 255", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("unicast_peer 192.0.2.12: TTL 250..255 (min_ttl/max_ttl)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("unicast_peer 198.51.100.7: not guarded: routed (not in a subnet of eth0), any TTL", result.Stdout, StringComparison.Ordinal);
    }

    internal static KeepalivedInstance Signed(AgentPair pair, LabHost self, int priority, int version, double advertSeconds, string key) =>
        pair.Instance(self, priority, version, advertSeconds) with { AuthPass = null, HmacKey = key };

}
