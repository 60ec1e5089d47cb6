using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class ReferenceConfigTests
{
    private static readonly string S2 = Conf.AssetPath("s2-keepalived.conf");
    private static readonly string S1Broken = Conf.AssetPath("s1-unclosed-brace.conf");

    [Fact]
    public void Load_ReferenceS2_NoErrors_WarnsOfIptablesAndOfWhatHasNoEffect()
    {
        var result = KeepalivedConfigLoader.Load(S2);

        Conf.NoErrors(result);
        Assert.Equal(
            [
                $"{S2}:2: warning: 'notification_email' has no effect: the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
                $"{S2}:5: warning: 'notification_email_from' has no effect: the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
                $"{S2}:6: warning: 'smtp_server' has no effect: the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
                $"{S2}:7: warning: 'smtp_connect_timeout' has no effect: the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
                $"{S2}:8: warning: 'router_id' has no effect: the agent is known by its --node name (the host name by default)",
                $"{S2}:11: warning: 'vrrp_iptables' is ignored: HaCluster never touches iptables",
                $"{S2}:13: warning: 'vrrp_gna_interval' has no effect: HaCluster runs IPv4 instances only, which send no neighbour advertisements",
            ],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Load_ReferenceS2_MapsGlobalDefs()
    {
        var global = KeepalivedConfigLoader.Load(S2).Config.Global;

        Assert.Equal("s2.mylinuxops.com", global.RouterId);
        Assert.True(global.SkipCheckAdvertAddresses);
        Assert.False(global.VrrpStrict);
        Assert.Equal(["root@mylinuxops.com"], global.NotificationEmails.ToArray());
        Assert.Equal("root@mylinuxops.com", global.NotificationEmailFrom);
        Assert.Equal("127.0.0.1", global.SmtpServer);
        Assert.Equal(25, global.SmtpPort);
        Assert.Equal(TimeSpan.FromSeconds(30), global.SmtpConnectTimeout);
        Assert.Equal(TimeSpan.Zero, global.GarpInterval);
        Assert.Equal(TimeSpan.Zero, global.GnaInterval);
    }

    [Fact]
    public void Load_ReferenceS2_MapsInstance()
    {
        var vi = Assert.Single(KeepalivedConfigLoader.Load(S2).Config.Instances);

        Assert.Equal("VI_1", vi.Name);
        Assert.Equal(new SourceLocation(S2, 16), vi.Location);
        Assert.Equal(InitialState.Backup, vi.InitialState);
        Assert.Equal("eth0", vi.Interface);
        Assert.Equal(27, vi.VirtualRouterId);
        Assert.Equal(80, vi.Priority);
        Assert.Equal(TimeSpan.FromSeconds(2), vi.AdvertInterval);
        Assert.Equal(2, vi.Version);
        Assert.True(vi.Preempt);
        Assert.Equal(AuthType.Pass, vi.AuthType);
        Assert.Equal("1111", vi.AuthPass);
        Assert.Equal(IPAddress.Parse("172.20.27.11"), vi.UnicastSourceIp);
        Assert.Equal(IPAddress.Parse("172.20.27.10"), Assert.Single(vi.UnicastPeers).Address);
        Assert.True(vi.SkipCheckAdvertAddresses);
        Assert.Equal(ChecksumMode.Standard, vi.ChecksumMode);
    }

    [Fact]
    public void Load_ReferenceS2_MapsVirtualIp()
    {
        var vip = Assert.Single(Assert.Single(KeepalivedConfigLoader.Load(S2).Config.Instances).VirtualIps);

        Assert.Equal(IPAddress.Parse("172.20.27.100"), vip.Address);
        Assert.Equal(32, vip.PrefixLength);
        Assert.Equal("eth0", vip.Device);
        Assert.Equal("eth0:0", vip.Label);
        Assert.Equal(0, vip.Scope);
        Assert.Null(vip.Broadcast);
        Assert.Equal(new SourceLocation(S2, 31), vip.Location);
    }

    [Fact]
    public void Load_S1WithUnclosedNotificationEmail_ReportsLineWhereBraceOpened()
    {
        var result = KeepalivedConfigLoader.Load(S1Broken);

        var error = Assert.Single(result.Errors);
        Assert.Equal(new SourceLocation(S1Broken, 7), error.Location);
        Assert.Contains("notification_email", error.Message, StringComparison.Ordinal);
        Assert.Equal($"{S1Broken}:7: {error.Message}", error.ToString());
    }

    [Fact]
    public void Load_S1WithUnclosedNotificationEmail_StillMapsInstanceAfterRecovery()
    {
        var vi = Assert.Single(KeepalivedConfigLoader.Load(S1Broken).Config.Instances);

        Assert.Equal(InitialState.Master, vi.InitialState);
        Assert.Equal("ens33", vi.Interface);
        Assert.Equal(100, vi.Priority);
    }

    [Fact]
    public void Load_MissingFile_ReportsErrorInsteadOfThrowing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hacluster-missing-{Guid.NewGuid():N}.conf");

        var result = KeepalivedConfigLoader.Load(path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Location.File);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Config.Instances);
    }

    [Fact]
    public void Load_Directory_ReportsErrorInsteadOfThrowing()
    {
        var result = KeepalivedConfigLoader.Load(Path.GetTempPath());

        Assert.True(result.HasErrors);
    }
}
