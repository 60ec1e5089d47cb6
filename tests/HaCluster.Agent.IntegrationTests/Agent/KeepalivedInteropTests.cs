using HaCluster.Agent.Vrrp;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>Our agent and Debian's keepalived as the two peers of one unicast instance.</summary>
public class KeepalivedInteropTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [SkippableTheory]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.1)]
    public async Task AgentMaster_KeepalivedBackup_FailoverBothWays(int version, double advertSeconds)
    {
        await using var pair = await CreateAsync();
        await using var agent = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100, version, advertSeconds));
        await using var keepalived = Keepalived.Start(pair.Lab, pair.N2, pair.Instance(pair.N2, 80, version, advertSeconds));
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        Assert.True(await keepalived.WaitForStateAsync("BACKUP", Patience));

        // Our priority-0 release makes keepalived take over after its Skew_Time.
        Assert.Equal(0, await agent.Process.StopAsync());
        var skew = VrrpTimers.SkewTime(version, 80, TimeSpan.FromSeconds(advertSeconds));
        await pair.AssertAnswersAsync(pair.N2, skew + Second);
        Assert.True(await keepalived.WaitForStateAsync("MASTER", Patience));

        // Coming back, we hear keepalived's lower-priority adverts, preempt, and keepalived yields.
        await using var back = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100, version, advertSeconds), "agent-n1-back");
        Assert.True(await back.WaitForStateAsync("MASTER", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        await pair.AssertHoldsVipAsync(pair.N2, false);
        Assert.Equal(["BACKUP", "MASTER"], back.Transitions());
    }

    [SkippableTheory]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.1)]
    public async Task KeepalivedMaster_AgentBackup_FailoverBothWays(int version, double advertSeconds)
    {
        await using var pair = await CreateAsync();
        await using var keepalived = Keepalived.Start(pair.Lab, pair.N1, pair.Instance(pair.N1, 100, version, advertSeconds));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        await using var agent = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80, version, advertSeconds));
        Assert.True(await agent.WaitForStateAsync("BACKUP", Patience));
        var interval = TimeSpan.FromSeconds(advertSeconds);
        await Task.Delay(VrrpTimers.MasterDownInterval(version, 80, interval) + Second); // waits for keepalived's Master_Down_Interval, and a second: it would have taken over by now
        Assert.Equal(["BACKUP"], agent.Transitions());

        await keepalived.StopAsync();
        await pair.AssertAnswersAsync(pair.N2, VrrpTimers.SkewTime(version, 80, interval) + Second);
        Assert.Matches("to=MASTER reason=priority_zero_received", agent.Process.Output);

        var mark = agent.Process.OutputLength;
        await using var back = Keepalived.Start(pair.Lab, pair.N1, Keepalived.Config("n1", pair.Instance(pair.N1, 100, version, advertSeconds)), "keepalived-n1-back");
        Assert.True(await agent.WaitForStateAsync("BACKUP", Patience, since: mark));
        Assert.Matches("to=BACKUP reason=higher_priority_heard", agent.Process.Output[mark..]);
        await pair.AssertAnswersAsync(pair.N1, Patience);
        await pair.AssertHoldsVipAsync(pair.N2, false);
    }

    [SkippableTheory]
    [InlineData(2, 1.0, "VRRPv2, Advertisement, vrid 27, prio 100, authtype simple, intvl 1s, length 20, addrs: 192.0.2.100 auth \"1111\"")]
    [InlineData(3, 0.1, "VRRPv3, Advertisement, vrid 27, prio 100, intvl 10cs, length 12, addrs: 192.0.2.100")]
    public async Task OurAdverts_DecodeCleanlyInTcpdumpAndTshark(int version, double advertSeconds, string expected)
    {
        await using var pair = await CreateAsync();
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112");
        await using var agent = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100, version, advertSeconds));
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience));
        await Task.Delay(3 * Second); // waits for three seconds of adverts between the agent and keepalived, captured
        await capture.StopAsync();

        var decoded = await capture.DecodeAsync();
        Assert.Contains($"192.0.2.10 > 192.0.2.11: {expected}", decoded);
        Assert.Contains("tos 0xc0, ttl 255", decoded);
        Assert.DoesNotContain("bad vrrp cksum", decoded);

        var tshark = await Cmd.RunAsync("tshark", ["-n", "-r", capture.Path, "-Y", "vrrp", "-T", "fields", "-e", "vrrp.checksum.status", "-e", "vrrp.prio"], TimeSpan.FromSeconds(60));
        var rows = tshark.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("1\t100", row.Trim()));
    }
}
