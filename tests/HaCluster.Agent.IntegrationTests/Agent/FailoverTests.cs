using HaCluster.Agent.Vrrp;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>Two real agents in two namespaces; a client namespace checks who answers on the VIP.</summary>
public class FailoverTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Mdi80 = VrrpTimers.MasterDownInterval(2, 80, Second);
    private static readonly TimeSpan Skew80 = VrrpTimers.SkewTime(2, 80, Second);

    [SkippableFact]
    public async Task ConfiguredMaster_Wins_AndTheLoserHoldsNoVip()
    {
        await using var pair = await CreateAsync();
        // Started together: whatever the start-up race does for a moment, the configured master ends up holding the VIP.
        await using var n1 = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100));
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));

        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        Assert.True(await pair.Lab.PingAsync(Vip));
        await Task.Delay(2 * Second); // waits for two seconds of adverts between the agents, captured

        Assert.Equal(["BACKUP", "MASTER"], n1.Transitions());
        Assert.Equal("BACKUP", n2.Transitions()[^1]);
        await pair.AssertHoldsVipAsync(pair.N2, false);
        Assert.Equal("n1", await pair.Lab.ProbeAsync(Vip));
        // master_down_timer, or preempt when the start-up race let n2 be master for a moment (see above).
        Assert.Matches(@"VRRP transition instance=VI_1 from=BACKUP to=MASTER reason=(master_down_timer|preempt) priority=100", n1.Process.Output);
    }

    [SkippableFact]
    public async Task SigkillOfMaster_BackupAnswersWithinMasterDownInterval_AndRestartRemovesTheStaleVip()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();

        await n1.Process.KillAsync();
        await pair.AssertAnswersAsync(pair.N2, Mdi80 + Second);
        await pair.AssertHoldsVipAsync(pair.N1, true); // SIGKILL cannot clean up: the address stays behind

        await using var restarted = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100), "agent-n1-restarted");
        Assert.True(await restarted.Process.WaitForOutputAsync("removed stale virtual address 192.0.2.100/32", Patience));
        Assert.True(await restarted.WaitForStateAsync("MASTER", Patience), "the old master preempts when it comes back");
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        await pair.AssertHoldsVipAsync(pair.N2, false);
        await n1.DisposeAsync();
        await n2.DisposeAsync();
    }

    [SkippableFact]
    public async Task Settled_StartupPagesAreUnmapped_AndTheAgentsStillAnswerAndFailOver()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();

        // Once settled, each agent unmaps the clean file pages only start-up touched (WorkingSet); the code it runs
        // afterwards, and any it has not run yet (n2's takeover), maps again from the page cache.
        const string Settled = @"settled: returned [1-9][0-9]* KiB of startup code";
        Assert.True(await n1.Process.WaitForOutputAsync("settled: returned", HaCluster.Agent.Hosting.AgentService.SettleTime + Patience));
        Assert.True(await n2.Process.WaitForOutputAsync("settled: returned", Patience));
        Assert.Matches(Settled, n1.Process.Output);
        Assert.Matches(Settled, n2.Process.Output);
        await pair.AssertAnswersAsync(pair.N1, Patience);

        Assert.Equal(0, await n1.Process.StopAsync());
        await pair.AssertAnswersAsync(pair.N2, Skew80 + Second);
        Assert.Matches("to=MASTER reason=priority_zero_received priority=80", n2.Process.Output);
    }

    [SkippableFact]
    public async Task SigtermOfMaster_ReleasesWithPriorityZero_BackupAnswersWithinSkewTime()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112");

        Assert.Equal(0, await n1.Process.StopAsync());
        await pair.AssertAnswersAsync(pair.N2, Skew80 + Second);

        Assert.Matches("to=MASTER reason=priority_zero_received priority=80", n2.Process.Output);
        await pair.AssertHoldsVipAsync(pair.N1, false);
        await capture.StopAsync();
        Assert.Contains("192.0.2.10 > 192.0.2.11: VRRPv2, Advertisement, vrid 27, prio 0,", await capture.DecodeAsync());
    }

    [SkippableFact]
    public async Task LinkDownOnMaster_EntersFault_BackupTakesOver_ThenLinkUpPreemptsBack()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();

        await pair.Lab.SetLinkAsync(pair.N1, up: false);
        Assert.True(await n1.WaitForStateAsync("FAULT", Patience));
        Assert.Matches("to=FAULT reason=interface_down", n1.Process.Output);
        await pair.AssertAnswersAsync(pair.N2, Mdi80 + Second);
        await pair.AssertHoldsVipAsync(pair.N1, false);

        var mark = n1.Process.OutputLength;
        await pair.Lab.SetLinkAsync(pair.N1, up: true);
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, since: mark));
        Assert.Equal(["BACKUP", "MASTER"], n1.Transitions(since: mark));
        await pair.AssertAnswersAsync(pair.N1, Patience);
    }

    [SkippableFact]
    public async Task NoPreempt_ReturningHigherPriorityStaysBackup()
    {
        await using var pair = await CreateAsync();
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        await pair.AssertAnswersAsync(pair.N2, Patience);

        await using var n1 = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100) with { NoPreempt = true });
        Assert.True(await n1.WaitForStateAsync("BACKUP", Patience));
        await Task.Delay(Mdi80 + (2 * Second)); // waits for the backup's Master_Down_Interval and two seconds: no takeover may happen meanwhile

        Assert.Equal(["BACKUP"], n1.Transitions());
        Assert.Equal("n2", await pair.Lab.ProbeAsync(Vip));
    }

    [SkippableFact]
    public async Task PreemptDelay_HigherPriorityTakesOverOnlyAfterTheDelay()
    {
        var delay = TimeSpan.FromSeconds(4);
        await using var pair = await CreateAsync();
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        await pair.AssertAnswersAsync(pair.N2, Patience);

        var started = DateTime.UtcNow;
        await using var n1 = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100) with { ExtraLines = [$"preempt_delay {delay.TotalSeconds}"] });
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        var took = DateTime.UtcNow - started;

        Assert.True(took >= delay, $"preempted after {took.TotalSeconds:0.00} s, before the {delay.TotalSeconds} s delay");
        await pair.AssertAnswersAsync(pair.N1, Patience);
    }

    [SkippableFact]
    public async Task Partition_GivesTwoMasters_HealGivesOneAndClientsFollowAtOnce()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();

        var partitioned = n2.Process.OutputLength;
        await pair.Lab.PartitionAsync(pair.N1, pair.N2);
        Assert.True(await n2.WaitForStateAsync("MASTER", Mdi80 + Second, since: partitioned));
        await pair.AssertHoldsVipAsync(pair.N1, true);
        await pair.AssertHoldsVipAsync(pair.N2, true);
        await pair.AssertAnswersAsync(pair.N2, Second); // n2's GARPs moved the client

        var mark = n2.Process.OutputLength;
        await pair.Lab.HealAsync(pair.N1, pair.N2);
        Assert.True(await n2.WaitForStateAsync("BACKUP", 3 * Second, since: mark));

        // Exactly one master, and the client is back on it within a second (keepalived: 6 to 51 s).
        await pair.AssertAnswersAsync(pair.N1, Second);
        await pair.AssertHoldsVipAsync(pair.N2, false);
        Assert.Equal(["BACKUP", "MASTER"], n1.Transitions());
    }
}
