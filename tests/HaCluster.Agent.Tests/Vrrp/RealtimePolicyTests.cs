using HaCluster.Agent.Hosting;
using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>When the VRRP threads ask for real-time scheduling: sub-second adverts by default, keepalived's keywords always.</summary>
public class RealtimePolicyTests
{
    [Fact]
    public void OneSecondAdverts_NothingAsked_AsKeepalived()
    {
        var policy = RealtimePolicy.Of(FakeHost.Parse(FakeHost.Instance()));

        Assert.Equal(RealtimePolicy.None, policy);
        Assert.False(policy.Realtime);
    }

    [Fact]
    public void SubSecondAdverts_RealtimeAndLockedByDefault()
    {
        var policy = RealtimePolicy.Of(FakeHost.Parse(Fast("0.01")));

        Assert.Equal(new RealtimePolicy(50, 1_000_000, true, []) { ByDefault = true }, policy);
    }

    [Fact]
    public void Keywords_WinOverTheDefaults_ZeroTurnsRealtimeOff()
    {
        var fast = Fast("0.1");

        var off = RealtimePolicy.Of(FakeHost.Parse("global_defs {\n    vrrp_rt_priority 0\n}\n" + fast));
        var asked = RealtimePolicy.Of(FakeHost.Parse("global_defs {\n    vrrp_rt_priority 70\n    vrrp_rlimit_rttime 30000\n    vrrp_no_swap\n    vrrp_cpu_affinity 1\n}\n" + FakeHost.Instance()));

        Assert.False(off.Realtime);
        Assert.True(off.LockMemory);
        Assert.Equal(new RealtimePolicy(70, 30_000, true, [1]), asked);
    }

    /// <summary>Start and every reload apply the policy of the config they bring, before its instances start.</summary>
    [Fact]
    public void InstanceSet_AppliesThePolicyOfEachConfig()
    {
        using var host = new FakeHost();
        using var set = new InstanceSet(host.Edges, NullLoggerFactory.Instance);

        set.Apply(FakeHost.Parse(FakeHost.Instance()));
        set.Apply(FakeHost.Parse(Fast("0.05")));

        Assert.Equal([false, true], host.Threads.Applied.Select(p => p.Realtime));
    }

    /// <summary>The fake host's instance in VRRPv3 with <paramref name="interval"/> (v2 takes whole seconds only).</summary>
    private static string Fast(string interval) => FakeHost.Instance(extra: "version 3").Replace("advert_int 1", $"advert_int {interval}", StringComparison.Ordinal);
}
