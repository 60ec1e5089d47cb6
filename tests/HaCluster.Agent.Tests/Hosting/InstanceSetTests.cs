using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Tests.Hosting;

/// <summary>
/// Start, reload and push through <c>InstanceSet.Apply</c> on fake edges and a fake clock: the real codec, filter,
/// state machine, runner and engine, with the OS replaced — no root, no namespaces, no sleeping.
/// </summary>
public sealed class InstanceSetTests : IDisposable
{
    private static readonly TimeSpan MasterDown = VrrpTimers.MasterDownInterval(2, 100, TimeSpan.FromSeconds(1));
    private readonly FakeHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Apply_StartsTheInstanceOnItsSource_BackupUntilTheDeadline_ThenHoldsTheVipAndAdvertisesToItsPeer()
    {
        using var set = _host.NewInstanceSet();
        set.Apply(FakeHost.Parse(FakeHost.Instance()));
        _host.Flush();

        var runner = Assert.Single(set.Runners);
        Assert.Equal(VrrpState.Backup, runner.State.State);
        _host.Advance(MasterDown - FakeHost.Tick);
        Assert.False(_host.Network.Has("192.0.2.100"));

        _host.Advance(FakeHost.Tick);

        Assert.Equal(VrrpState.Master, runner.State.State);
        Assert.True(_host.Network.Has("192.0.2.100"));
        var advert = Assert.Single(_host.Sockets.SentFrom(FakeHost.Self));
        Assert.Equal((FakeHost.Peer, (byte)100, (byte)27, (byte)255), (advert.Destination.ToString(), advert.Priority, advert.Vrid, advert.Ttl));
        Assert.Contains(System.Net.IPAddress.Parse("192.0.2.100"), _host.Network.Garps);
    }

    [Fact]
    public void PeerAdvert_ThroughTheSocket_HigherPriority_TheMasterStepsDownAndLetsTheVipGo()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance());
        _host.Advance(MasterDown);
        Assert.True(_host.Network.Has("192.0.2.100"));

        _host.PeerAdvert(priority: 200);

        Assert.Equal(VrrpState.Backup, Assert.Single(set.Runners).State.State);
        Assert.False(_host.Network.Has("192.0.2.100"));
    }

    [Fact]
    public void PeerAdvert_FromAnAddressThatIsNoPeer_IsDropped()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance());
        _host.Advance(MasterDown);

        _host.PeerAdvert(priority: 200, from: "192.0.2.66");

        var runner = Assert.Single(set.Runners);
        Assert.Equal(VrrpState.Master, runner.State.State);
        Assert.Equal(1, runner.Counters.Drops[HaCluster.Agent.Wire.DropReason.UnknownPeer]);
    }

    [Fact]
    public void Apply_OnlyThePriorityChanged_ReconfiguredInPlace_NoReleaseNoRestart()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance());
        _host.Advance(MasterDown);
        var runner = Assert.Single(set.Runners);

        var diff = set.Apply(FakeHost.Parse(FakeHost.Instance(priority: 120)));
        _host.Flush();

        Assert.Equal(["VI_1"], diff.Changed);
        Assert.Same(runner, Assert.Single(set.Runners));
        Assert.Equal(VrrpState.Master, runner.State.State);
        Assert.Equal(120, runner.BasePriority);
        Assert.True(_host.Network.Has("192.0.2.100"));
        Assert.DoesNotContain(_host.Sockets.SentFrom(FakeHost.Self), a => a.Priority == 0);
    }

    /// <summary>A controller's key rotation or PASS → HMAC step: the authentication changes in place, the VIP stays, adverts are signed from the next one.</summary>
    [Fact]
    public void Apply_OnlyTheAuthenticationChanged_ReconfiguredInPlace_NextAdvertSigned()
    {
        const string Key = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance(extra: "authentication {\n auth_type PASS\n auth_pass 1111\n}"));
        _host.Advance(MasterDown);
        var runner = Assert.Single(set.Runners);
        Assert.Equal(20, _host.Sockets.SentFrom(FakeHost.Self)[^1].Length);

        var diff = set.Apply(FakeHost.Parse(FakeHost.Instance(extra: $"auth_hmac {{\n key 1 {Key}\n active_key 1\n mode permissive\n}}")));
        _host.Flush();
        _host.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["VI_1"], diff.Changed);
        Assert.Same(runner, Assert.Single(set.Runners));
        Assert.Equal(VrrpState.Master, runner.State.State);
        Assert.True(_host.Network.Has("192.0.2.100"));
        Assert.DoesNotContain(_host.Sockets.SentFrom(FakeHost.Self), a => a.Priority == 0);
        Assert.Equal(20 + HaCluster.Agent.Wire.HmacTrailer.Length, _host.Sockets.SentFrom(FakeHost.Self)[^1].Length);
    }

    [Fact]
    public void Apply_InstanceRemoved_ReleasedWithPriorityZero_VipRemoved()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance());
        _host.Advance(MasterDown);
        Assert.True(_host.Network.Has("192.0.2.100"));

        var diff = set.Apply(FakeHost.Parse("global_defs {\n}\n"));

        Assert.Equal(["VI_1"], diff.Removed);
        Assert.Empty(set.Runners);
        Assert.Equal(0, _host.Sockets.SentFrom(FakeHost.Self)[^1].Priority);
        Assert.False(_host.Network.Has("192.0.2.100"));
    }

    [Fact]
    public void Apply_UnchangedInstance_NotTouched_AnotherAdded()
    {
        using var set = _host.NewInstanceSet();
        set.Apply(FakeHost.Parse(FakeHost.Instance()));
        var first = Assert.Single(set.Runners);

        var diff = set.Apply(FakeHost.Parse(FakeHost.Instance() + FakeHost.Instance("VI_2", vrid: 28)));
        _host.Flush();

        Assert.Equal(["VI_1"], diff.Unchanged);
        Assert.Equal(["VI_2"], diff.Added);
        Assert.Contains(first, set.Runners);
        Assert.Equal(2, set.Runners.Count);
    }

    [Fact]
    public void Apply_InterfaceMissing_WaitsWithoutARunner_StartsOnceTheLinkAppears()
    {
        using var set = _host.NewInstanceSet();
        set.Apply(FakeHost.Parse(FakeHost.Instance().Replace("interface eth0", "interface eth1", StringComparison.Ordinal)));
        Assert.Empty(set.Runners);

        _host.Network.Link("eth1").Address("eth1", "198.51.100.10");
        set.OnLinkChanged(_host.Network.GetLink("eth1")!, up: true);
        _host.Flush();

        Assert.Equal(VrrpState.Backup, Assert.Single(set.Runners).State.State);
    }

    [Fact]
    public void LinkDown_FaultsTheInstanceOnIt_LinkUp_BackupAgain()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance());
        _host.Advance(MasterDown);
        var eth0 = _host.Network.GetLink("eth0")!;

        set.OnLinkChanged(eth0, up: false);
        _host.Flush();
        Assert.Equal(VrrpState.Fault, Assert.Single(set.Runners).State.State);
        Assert.False(_host.Network.Has("192.0.2.100"));

        set.OnLinkChanged(eth0, up: true);
        _host.Flush();
        Assert.Equal(VrrpState.Backup, Assert.Single(set.Runners).State.State);
    }

    [Fact]
    public async Task HungNotifyStop_NeitherApplyNorMetricsWaitForIt_ShutdownWaitsAtMostItsDrain()
    {
        _host.Scripts.Hang("/bin/notify-stop");
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance(extra: "notify_stop /bin/notify-stop"));
        _host.Advance(MasterDown);

        set.Apply(FakeHost.Parse("global_defs {\n}\n"));
        var metrics = set.Metrics();
        var drained = set.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.True(await _host.Scripts.WaitForRunAsync("/bin/notify-stop", TimeSpan.FromSeconds(5)), string.Join(", ", _host.Scripts.Runs));
        Assert.Contains("hacluster_receive_errors_total", metrics, StringComparison.Ordinal);
        Assert.False(drained.IsCompleted);
        _host.Scripts.Release("/bin/notify-stop");
        await drained.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task NotifyScripts_RunInTheOrderOfTheTransitions_WithKeepalivedsArguments()
    {
        using var set = _host.NewInstanceSet();
        Apply(set, FakeHost.Instance(extra: "notify /bin/notify\n    notify_master /bin/to-master"));
        _host.Advance(MasterDown);

        set.Dispose();
        await set.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["/bin/notify INSTANCE VI_1 BACKUP 100", "/bin/to-master", "/bin/notify INSTANCE VI_1 MASTER 100", "/bin/notify INSTANCE VI_1 STOP 100"],
            _host.Scripts.Runs);
    }

    [Fact]
    public async Task SyncGroup_OneMemberTakesOver_TheOtherFollows_GroupNotifyOnce()
    {
        using var set = _host.NewInstanceSet();
        var config = FakeHost.Instance("VI_1", vrid: 27) + FakeHost.Instance("VI_2", vrid: 28, priority: 50)
            + "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n    notify_master /bin/group-master\n}\n";
        Apply(set, config);

        // VI_1 (priority 100) reaches its Master_Down deadline first; VI_2 follows it at once, not at its own.
        _host.Advance(MasterDown);

        Assert.All(set.Runners, r => Assert.Equal(VrrpState.Master, r.State.State));
        Assert.Equal(TransitionReason.SyncGroup, set.Runners.Single(r => r.Name == "VI_2").LastTransition!.Reason);
        Assert.True(_host.Network.Has("192.0.2.101"));
        set.Dispose();
        await set.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.Single(_host.Scripts.Runs, r => r == "/bin/group-master");
    }

    /// <summary>Applies the config and waits until the engine has started what it starts (they enter BACKUP now, on this clock).</summary>
    private void Apply(HaCluster.Agent.Hosting.InstanceSet set, string config)
    {
        set.Apply(FakeHost.Parse(config));
        _host.Flush();
    }
}
