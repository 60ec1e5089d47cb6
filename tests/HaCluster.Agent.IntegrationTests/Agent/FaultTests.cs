using System.Globalization;
using System.Net;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>What the agent does with faults and hostile input: it logs, counts, goes to FAULT, and keeps running.</summary>
public class FaultTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [SkippableFact]
    public async Task VipAlreadyOnAnotherInterface_InstanceFaults_AgentKeepsRunning_PeerServes()
    {
        await using var pair = await CreateAsync();
        await Ip(pair, "addr", "add", $"{Vip}/32", "dev", "lo");
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        Assert.True(await n2.WaitForStateAsync("MASTER", Patience));
        await using var n1 = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100));

        Assert.True(await n1.WaitForStateAsync("FAULT", Patience));
        Assert.Contains("VRRP instance=VI_1 cannot bind its virtual addresses: 192.0.2.100/32: address already in use on lo", n1.Process.Output);
        Assert.Matches("from=MASTER to=FAULT reason=vip_bind_failed", n1.Process.Output);

        // n1's priority-0 resignation hands the VIP back; its probes then keep it in FAULT without preempting again.
        Assert.True(await n2.WaitForStateAsync("MASTER", Patience, since: n2.Process.Output.LastIndexOf("to=BACKUP", StringComparison.Ordinal) + 1));
        var mark = n1.Process.OutputLength;
        await Task.Delay(VrrpTimersForTests.Mdi100 * 2); // waits for two Master_Down_Intervals of the agents' timers: no transition may happen meanwhile
        Assert.Empty(n1.Transitions(since: mark));
        Assert.False(n1.Process.HasExited);
        await pair.AssertAnswersAsync(pair.N2, Patience);
        Assert.Contains($"{Vip}/32", (await Ip(pair, "-o", "addr", "show", "dev", "lo")).Stdout); // the agent never touched it
        Assert.DoesNotContain("removed stale", n1.Process.Output);

        // Once the address is gone from lo, the next probe clears the fault and n1 preempts.
        await Ip(pair, "addr", "del", $"{Vip}/32", "dev", "lo");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, since: mark));
        await pair.AssertAnswersAsync(pair.N1, Patience);
    }

    [SkippableFact]
    public async Task MissingInterface_InstanceWaitsInFault_AndStartsWhenTheInterfaceAppears()
    {
        await using var pair = await CreateAsync();
        var instance = new KeepalivedInstance("VI_9", 9, 100, ["198.51.100.100/32 dev vip0"]) { Interface = "vip0" };
        await using var agent = AgentProcess.Start(pair.Lab, pair.N1, Keepalived.Config("n1", instance));

        Assert.True(await agent.Process.WaitForOutputAsync("instance=VI_9 from=INIT to=FAULT reason=interface_unusable", Patience));
        Assert.Contains("interface vip0 not found", agent.Process.Output);
        await Task.Delay(Second); // waits for a second of the agent running in FAULT: it must not exit
        Assert.False(agent.Process.HasExited);

        // A veth pair (the dummy driver is not loadable on every kernel); both ends up for carrier.
        await Ip(pair, "link", "add", "vip0", "type", "veth", "peer", "name", "vip0p");
        await Ip(pair, "addr", "add", "198.51.100.10/24", "dev", "vip0");
        await Ip(pair, "link", "set", "vip0p", "up");
        await Ip(pair, "link", "set", "vip0", "up");

        Assert.True(await agent.WaitForStateAsync("MASTER", Patience, instance: "VI_9"));
        var addresses = await pair.Lab.ExecAsync(pair.N1, "ip", "-4", "-o", "addr", "show", "dev", "vip0");
        Assert.Contains("198.51.100.100/32", addresses.Stdout);
    }

    /// <summary>Runs ip(8) in n1's namespace and insists it worked.</summary>
    private static async Task<CommandResult> Ip(AgentPair pair, params string[] args)
    {
        var result = await pair.Lab.ExecAsync(pair.N1, "ip", args);
        Assert.True(result.Succeeded, result.ToString());
        return result;
    }
}

internal static class VrrpTimersForTests
{
    public static readonly TimeSpan Mdi100 = HaCluster.Agent.Vrrp.VrrpTimers.MasterDownInterval(2, 100, TimeSpan.FromSeconds(1));
}
