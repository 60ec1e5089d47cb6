using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>Instance bodies start at line 4 of <see cref="Conf.Instance"/>'s text.</summary>
public class VrrpInstanceTests
{
    private static ConfigLoadResult ParseBody(string body) => Conf.Parse(Conf.Instance(body: body));

    [Fact]
    public void Parse_MinimalInstance_UsesKeepalivedDefaults()
    {
        var vi = Conf.SingleInstance("");

        Assert.Equal(InitialState.Backup, vi.InitialState);
        Assert.Equal(100, vi.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), vi.AdvertInterval);
        Assert.Equal(2, vi.Version);
        Assert.True(vi.Preempt);
        Assert.Equal(AuthType.None, vi.AuthType);
        Assert.Equal(255, vi.UnicastTtl);
        Assert.False(vi.IsUnicast);
        Assert.Equal(TimeSpan.FromSeconds(5), vi.GarpMasterDelay);
        Assert.Equal(new SourceLocation(Conf.File, 1), vi.Location);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("256")]
    [InlineData("-1")]
    public void Parse_VridOutOfRange_ReportsFileLine(string vrid)
    {
        var result = Conf.Parse($"vrrp_instance VI_1 {{\n  interface eth0\n  virtual_router_id {vrid}\n}}\n");

        Assert.Equal($"test.conf:3: virtual_router_id {vrid} is out of range (1-255)", Assert.Single(result.Errors).ToString());
        Assert.Empty(result.Config.Instances);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("256")]
    public void Parse_PriorityOutOfRange_ReportsFileLine(string priority)
    {
        var result = ParseBody($"priority {priority}");

        Conf.HasError(result, 4, $"priority {priority} is out of range (1-255)");
    }

    [Fact]
    public void Parse_NonNumericPriority_ReportsFileLine()
    {
        var result = ParseBody("priority high");

        Conf.HasError(result, 4, "priority: 'high' is not an integer");
    }

    [Fact]
    public void Parse_ValueMissingArgument_ReportsFileLine()
    {
        var result = ParseBody("state\npriority");

        Conf.HasError(result, 4, "'state' requires a value");
        Conf.HasError(result, 5, "'priority' requires a value");
    }

    [Fact]
    public void Parse_MissingInterfaceAndVrid_ReportsBothAtInstanceLine()
    {
        var result = Conf.Parse("\nvrrp_instance VI_1 {\n  priority 50\n}\n");

        Conf.HasError(result, 2, "has no 'interface'");
        Conf.HasError(result, 2, "has no 'virtual_router_id'");
        Assert.Empty(result.Config.Instances);
    }

    [Fact]
    public void Parse_InstanceWithoutName_ReportsFileLine()
    {
        var result = Conf.Parse("vrrp_instance {\n interface eth0\n}\n");

        Conf.HasError(result, 1, "'vrrp_instance' requires a name");
    }

    [Fact]
    public void Parse_StateNoPreemptAndTimers_AreMapped()
    {
        // nopreempt with state BACKUP, as keepalived needs it (with state MASTER it is cleared: HmacConfigTests).
        var vi = Conf.SingleInstance("state BACKUP\nnopreempt\npreempt_delay 2.5\nunicast_ttl 10\nold_unicast_checksum");

        Assert.Equal(InitialState.Backup, vi.InitialState);
        Assert.Equal(InitialState.Master, Conf.SingleInstance("state MASTER").InitialState);
        Assert.False(vi.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(2.5), vi.PreemptDelay);
        Assert.Equal(10, vi.UnicastTtl);
        Assert.Equal(ChecksumMode.MulticastPseudoHeader, vi.ChecksumMode);
    }

    [Fact]
    public void Parse_V3ChecksumWithoutPseudoHeader_SelectsTheV2StyleChecksum()
    {
        Assert.Equal(ChecksumMode.NoPseudoHeader, Conf.SingleInstance("v3_checksum_without_pseudo_header").ChecksumMode);
    }

    [Fact]
    public void Parse_BadState_ReportsFileLine()
    {
        Conf.HasError(ParseBody("state PRIMARY"), 4, "'PRIMARY' is not MASTER or BACKUP");
    }

    [Fact]
    public void Parse_PreemptDelayOutOfRange_ReportsFileLine()
    {
        Conf.HasError(ParseBody("preempt_delay 1001"), 4, "preempt_delay 1001 is out of range");
    }

    [Theory]
    [InlineData("0", "must be greater than 0")]
    [InlineData("0.5", "must be whole seconds")]
    [InlineData("256", "out of range")]
    public void Parse_AdvertIntInvalidForVersion2_ReportsFileLine(string value, string fragment)
    {
        Conf.HasError(ParseBody($"advert_int {value}"), 4, fragment);
    }

    [Theory]
    [InlineData("0.1", 100)]
    [InlineData("0.01", 10)]
    [InlineData("40.95", 40_950)]
    public void Parse_AdvertIntCentisecondsWithVersion3_IsAccepted(string value, int milliseconds)
    {
        var vi = Conf.SingleInstance($"version 3\nadvert_int {value}");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), vi.AdvertInterval);
    }

    [Theory]
    [InlineData("0.005")]
    [InlineData("41")]
    [InlineData("0.015")]
    public void Parse_AdvertIntInvalidForVersion3_ReportsFileLine(string value)
    {
        Conf.HasError(ParseBody($"advert_int {value}\nversion 3"), 4, "invalid for VRRP version 3");
    }

    [Fact]
    public void Parse_AuthTypeAh_ReportsNotSupported()
    {
        var result = ParseBody("authentication {\n auth_type AH\n auth_pass secret\n}");

        Conf.HasError(result, 5, "auth_type AH is not supported");
    }

    [Fact]
    public void Parse_AuthPassLongerThanEight_WarnsAndTruncates_WithoutShowingThePassword()
    {
        var result = ParseBody("authentication {\n auth_type PASS\n auth_pass 0123456789\n}");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 6, "auth_pass is longer than 8 bytes; truncated to its first 8 (the value is not shown)");
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("0123", StringComparison.Ordinal));
        Assert.Equal("01234567", Assert.Single(result.Config.Instances).AuthPass);
    }

    [Fact]
    public void Parse_AuthenticationWithVersion3_WarnsAndDropsIt()
    {
        var result = ParseBody("authentication {\n auth_type PASS\n auth_pass 1111\n}\nversion 3");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 4, "RFC 5798");
        var vi = Assert.Single(result.Config.Instances);
        Assert.Equal(AuthType.None, vi.AuthType);
        Assert.Null(vi.AuthPass);
    }

    [Fact]
    public void Parse_InstanceGarpSettings_OverrideGlobalDefaults()
    {
        var result = Conf.Parse("global_defs {\n vrrp_garp_master_delay 7\n vrrp_garp_master_repeat 3\n vrrp_garp_interval 0.2\n}\n"
            + Conf.Instance(body: "garp_master_delay 1\ngarp_master_refresh 30\ngarp_master_refresh_repeat 4"));

        Conf.NoErrors(result);
        var vi = Assert.Single(result.Config.Instances);
        Assert.Equal(TimeSpan.FromSeconds(1), vi.GarpMasterDelay);
        Assert.Equal(3, vi.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(30), vi.GarpMasterRefresh);
        Assert.Equal(4, vi.GarpMasterRefreshRepeat);
        Assert.Equal(TimeSpan.FromMilliseconds(200), vi.GarpInterval);
    }

    [Fact]
    public void Parse_UnknownInstanceKeywords_WarnWithLineAndSkipBlocks()
    {
        var result = ParseBody("track_process {\n  httpd\n}\nnotify_deleted /bin/true\nvrrp_version 3");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 4, "unknown keyword 'track_process'");
        Conf.HasWarning(result, 7, "unknown keyword 'notify_deleted'");
        Conf.HasWarning(result, 8, "unknown keyword 'vrrp_version'");
        Assert.Equal(3, result.Warnings.Count());
    }

    [Fact]
    public void Parse_InvalidInterfaceName_ReportsFileLine()
    {
        var result = Conf.Parse(Conf.Instance(iface: "this-name-is-too-long"));

        Conf.HasError(result, 2, "not a valid interface name");
    }
}
