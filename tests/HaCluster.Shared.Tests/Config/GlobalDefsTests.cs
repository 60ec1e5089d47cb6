using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class GlobalDefsTests
{
    private static ConfigLoadResult ParseGlobal(string body) => Conf.Parse($"global_defs {{\n{body}\n}}\n");

    [Fact]
    public void Parse_GlobalFlagsAndTimers_AreMapped()
    {
        var result = ParseGlobal("""
            router_id lb1
            vrrp_strict
            vrrp_skip_check_adv_addr
            vrrp_version 3
            vrrp_garp_interval 0.001
            vrrp_gna_interval 0.5
            vrrp_garp_master_delay 10
            vrrp_garp_master_repeat 2
            vrrp_garp_master_refresh 60
            vrrp_garp_master_refresh_repeat 3
            """);

        Conf.NoErrors(result);
        Assert.Equal(["router_id", "vrrp_gna_interval"], result.Warnings.Select(w => w.Message.Split('\'')[1]));
        Assert.All(result.Warnings, w => Assert.Contains("has no effect", w.Message, StringComparison.Ordinal));
        var g = result.Config.Global;
        Assert.Equal("lb1", g.RouterId);
        Assert.True(g.VrrpStrict);
        Assert.True(g.SkipCheckAdvertAddresses);
        Assert.Equal(3, g.DefaultVersion);
        Assert.Equal(TimeSpan.FromMilliseconds(1), g.GarpInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), g.GnaInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), g.GarpMasterDelay);
        Assert.Equal(2, g.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(60), g.GarpMasterRefresh);
        Assert.Equal(3, g.GarpMasterRefreshRepeat);
    }

    /// <summary>keepalived's scheduling keywords for its VRRP process, read for the agent's VRRP threads, and written back out.</summary>
    [Fact]
    public void Parse_RealtimeKeywords_AreMappedAndRenderedBack()
    {
        var result = ParseGlobal("vrrp_rt_priority 60\nvrrp_rlimit_rttime 20000\nvrrp_no_swap\nvrrp_cpu_affinity 1 0 1");

        Conf.NoErrors(result);
        Assert.Empty(result.Warnings);
        var g = result.Config.Global;
        Assert.Equal(60, g.RealtimePriority);
        Assert.Equal(20000, g.RealtimeLimitMicroseconds);
        Assert.True(g.NoSwap);
        Assert.Equal([0, 1], g.CpuAffinity);
        var again = Conf.Parse(KeepalivedConfigRenderer.RenderGlobal(g)).Config.Global;
        Assert.Equal(g, again);
    }

    [Fact]
    public void Parse_RealtimeKeywordsAbsent_DefaultsLeftToTheAgent()
    {
        var g = ParseGlobal("router_id x").Config.Global;

        Assert.Null(g.RealtimePriority);
        Assert.Equal(RealtimeDefaults.LimitMicroseconds, g.RealtimeLimitMicroseconds);
        Assert.Null(g.NoSwap);
        Assert.Empty(g.CpuAffinity);
        Assert.DoesNotContain("vrrp_", KeepalivedConfigRenderer.RenderGlobal(g), StringComparison.Ordinal);
    }

    /// <summary>As keepalived: a priority outside 1-99 is brought inside with a warning at its line; 0 is HaCluster's "never".</summary>
    [Theory]
    [InlineData("150", 99, true)]
    [InlineData("-3", 0, true)]
    [InlineData("0", 0, false)]
    [InlineData("1", 1, false)]
    public void Parse_RealtimePriority_ClampedWithAWarning(string value, int expected, bool warned)
    {
        var result = ParseGlobal($"vrrp_rt_priority {value}");

        Conf.NoErrors(result);
        Assert.Equal(expected, result.Config.Global.RealtimePriority);
        Assert.Equal(warned, result.Warnings.Any(w => w.Location.Line == 2 && w.Message.Contains($"vrrp_rt_priority {value} is outside 1-99", StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_RlimitOldSpellingAndOne_AcceptedAsKeepalivedDoes()
    {
        var result = ParseGlobal("vrrp_rlimit_rtime 1");

        Conf.NoErrors(result);
        Assert.Equal(2, result.Config.Global.RealtimeLimitMicroseconds);
        Assert.Contains(result.Warnings, w => w.Message.Contains("old spelling of 'vrrp_rlimit_rttime'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vrrp_cpu_affinity", "'vrrp_cpu_affinity' requires at least one CPU number")]
    [InlineData("vrrp_cpu_affinity 0 x", "vrrp_cpu_affinity: 'x' is not an integer")]
    [InlineData("vrrp_cpu_affinity 1024", "vrrp_cpu_affinity 1024 is out of range (0-1023)")]
    [InlineData("vrrp_rlimit_rttime 0", "out of range")]
    [InlineData("vrrp_rt_priority high", "is not an integer")]
    public void Parse_BadRealtimeValue_ReportsFileLine(string line, string message)
    {
        var result = ParseGlobal(line);

        Conf.HasError(result, 2, message);
        Assert.Empty(result.Config.Global.CpuAffinity);
    }

    [Fact]
    public void Parse_SmtpServerWithPortAndHostName_IsMapped()
    {
        var result = ParseGlobal("smtp_server mail.example.com 2525\nsmtp_connect_timeout 5");

        Conf.NoErrors(result);
        Assert.Equal("mail.example.com", result.Config.Global.SmtpServer);
        Assert.Equal(2525, result.Config.Global.SmtpPort);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Config.Global.SmtpConnectTimeout);
    }

    [Fact]
    public void Parse_SmtpServerBadAddress_ReportsFileLine()
    {
        var result = ParseGlobal("smtp_server 127.0.0.256");

        Conf.HasError(result, 2, "'127.0.0.256' is not a valid IP address");
    }

    [Fact]
    public void Parse_SmtpPortOutOfRange_ReportsFileLine()
    {
        Conf.HasError(ParseGlobal("smtp_server 127.0.0.1 70000"), 2, "smtp_server port 70000 is out of range (1-65535)");
    }

    [Fact]
    public void Parse_NotificationEmails_KeepsEveryAddress()
    {
        var result = ParseGlobal("notification_email {\n a@example.com\n b@example.com\n}");

        Assert.Equal(["a@example.com", "b@example.com"], result.Config.Global.NotificationEmails.ToArray());
    }

    [Fact]
    public void Parse_VrrpIptables_WarnsThatItIsIgnored()
    {
        var result = ParseGlobal("vrrp_iptables");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 2, "never touches iptables");
    }

    [Fact]
    public void Parse_UnknownGlobalKeyword_WarnsWithLine()
    {
        var result = ParseGlobal("router_id a\nmax_auto_priority\nprocess_names");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 3, "unknown keyword 'max_auto_priority'");
        Conf.HasWarning(result, 4, "unknown keyword 'process_names'");
    }

    [Fact]
    public void Parse_GlobalValueMissingArgument_ReportsFileLine()
    {
        var result = ParseGlobal("router_id");

        Assert.Equal("test.conf:2: 'router_id' requires a value", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_GlobalNonNumeric_ReportsFileLine()
    {
        var result = ParseGlobal("vrrp_garp_master_repeat lots\nvrrp_garp_interval soon");

        Conf.HasError(result, 2, "'lots' is not an integer");
        Conf.HasError(result, 3, "'soon' is not a number of seconds");
    }

    [Fact]
    public void Parse_GlobalVersionOutOfRange_ReportsFileLine()
    {
        var result = ParseGlobal("vrrp_version 4");

        Conf.HasError(result, 2, "vrrp_version 4 is out of range (2-3)");
    }

    [Fact]
    public void Parse_GlobalDefsAfterInstance_StillProvidesDefaults()
    {
        var result = Conf.Parse(Conf.Instance() + "global_defs {\n vrrp_version 3\n vrrp_garp_master_repeat 9\n vrrp_skip_check_adv_addr\n}\n");

        Conf.NoErrors(result);
        var vi = Assert.Single(result.Config.Instances);
        Assert.Equal(3, vi.Version);
        Assert.Equal(9, vi.GarpMasterRepeat);
        Assert.True(vi.SkipCheckAdvertAddresses);
    }

    [Fact]
    public void Parse_UnsupportedTopLevelBlocks_WarnAndSkipWholeBlock()
    {
        var result = Conf.Parse("""
            vrrp_track_process httpd {
                process httpd
                weight 10
            }
            virtual_server 10.0.0.1 80 {
                real_server 10.0.0.2 80 {
                    weight 1
                }
            }
            """);

        Conf.NoErrors(result);
        Assert.Equal(2, result.Warnings.Count());
        Conf.HasWarning(result, 1, "'vrrp_track_process' is not supported yet, ignored");
        Conf.HasWarning(result, 5, "'virtual_server' is not supported yet, ignored");
    }

    [Fact]
    public void Parse_UnknownTopLevelKeyword_WarnsWithLine()
    {
        var result = Conf.Parse("\nlinkbeat_use_polling\n");

        Assert.Equal("test.conf:2: warning: unknown keyword 'linkbeat_use_polling'", Assert.Single(result.Warnings).ToString());
    }
}
