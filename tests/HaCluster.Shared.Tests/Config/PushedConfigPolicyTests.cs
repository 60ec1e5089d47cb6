using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>What an agent takes from a controller: what the controller's renderer writes, and nothing else.</summary>
public class PushedConfigPolicyTests
{
    /// <summary>Every setting the renderer writes for a group's member (all of them set), under the empty global_defs it puts first.</summary>
    private const string Rendered = """
        global_defs {
        }

        vrrp_instance HC_web {
            state BACKUP
            interface eth0
            virtual_router_id 27
            priority 100
            advert_int 0.5
            version 3
            nopreempt
            preempt_delay 5
            hacluster_primary 192.0.2.11
            hacluster_linger 0.3
            hacluster_maintenance strict
            authentication {
                auth_type PASS
                auth_pass 1111
            }
            unicast_src_ip 192.0.2.10
            unicast_ttl 255
            unicast_peer {
                192.0.2.11
                192.0.2.12
            }
            garp_master_delay 5
            garp_master_repeat 5
            garp_master_refresh 0
            garp_master_refresh_repeat 1
            garp_interval 0.1
            gna_interval 0.1
            skip_check_adv_addr
            virtual_ipaddress {
                192.0.2.100/32 dev eth0 label eth0:27
                192.0.2.101
            }
        }
        """;

    [Fact]
    public void WhatTheRendererWrites_Accepted()
    {
        Assert.Empty(PushedConfigPolicy.Check(Rendered, "managed.conf"));
        Assert.False(KeepalivedConfigLoader.Parse(Rendered).HasErrors);
    }

    [Fact]
    public void TheRenderersOwnOutput_ForAParsedInstance_Accepted()
    {
        var instance = Assert.Single(KeepalivedConfigLoader.Parse(Rendered).Config.Instances);

        var text = KeepalivedConfigRenderer.RenderGlobal(new GlobalDefs()) + "\n" + KeepalivedConfigRenderer.RenderInstance(instance);

        Assert.Empty(PushedConfigPolicy.Check(text, "managed.conf"));
    }

    [Theory]
    [InlineData("vrrp_script chk {\n    script \"/bin/true\"\n}\n", 1, "vrrp_script")]
    [InlineData("include /etc/keepalived/*.conf\n", 1, "include")]
    [InlineData("track_file f {\n    file /tmp/f\n}\n", 1, "track_file")]
    [InlineData("vrrp_sync_group g {\n    group {\n        HC_web\n    }\n    notify_master /bin/true\n}\n", 1, "vrrp_sync_group")]
    [InlineData("virtual_server 192.0.2.1 80 {\n}\n", 1, "virtual_server")]
    public void TopLevelKeywordsOtherThanInstances_Refused_AtTheirLine(string head, int line, string keyword)
    {
        var refused = PushedConfigPolicy.Check(head + Rendered, "managed.conf");

        var error = Assert.Single(refused);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(("managed.conf", line), (error.Location.File, error.Location.Line));
        Assert.StartsWith($"'{keyword}' is not accepted from a controller", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notify_master \"/bin/touch /tmp/x\"", "notify_master")]
    [InlineData("notify \"/bin/true\"", "notify")]
    [InlineData("notify_stop /bin/true", "notify_stop")]
    [InlineData("track_script {\n        chk\n    }", "track_script")]
    [InlineData("track_file {\n        f\n    }", "track_file")]
    [InlineData("track_interface {\n        eth1\n    }", "track_interface")]
    [InlineData("smtp_alert", "smtp_alert")]
    [InlineData("include /etc/passwd", "include")]
    [InlineData("virtual_ipaddress_excluded {\n        192.0.2.200\n    }", "virtual_ipaddress_excluded")]
    public void InstanceSettingsTheRendererNeverWrites_Refused(string setting, string keyword)
    {
        var text = Rendered.Replace("    skip_check_adv_addr\n", $"    skip_check_adv_addr\n    {setting}\n", StringComparison.Ordinal);

        var refused = PushedConfigPolicy.Check(text, "managed.conf");

        Assert.Contains(refused, e => e.Message.StartsWith($"'{keyword}' is not accepted from a controller", StringComparison.Ordinal) && e.Location.Line == 33);
    }

    [Theory]
    [InlineData("script_user root")]
    [InlineData("enable_script_security")]
    [InlineData("notification_email {\n        a@b.c\n    }")]
    [InlineData("vrrp_strict")]
    [InlineData("vrrp_rt_priority 99")]
    [InlineData("vrrp_rlimit_rttime 1000000")]
    [InlineData("vrrp_no_swap")]
    [InlineData("vrrp_cpu_affinity 0")]
    public void GlobalDefsWithAnything_Refused(string setting)
    {
        var text = Rendered.Replace("global_defs {\n", $"global_defs {{\n    {setting}\n", StringComparison.Ordinal);

        var error = Assert.Single(PushedConfigPolicy.Check(text, "managed.conf"));
        Assert.Equal(2, error.Location.Line);
        Assert.StartsWith($"'global_defs: {setting.Split(' ')[0]}' is not accepted from a controller", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAuthenticationOrAddressBlockHoldingMore_Refused()
    {
        var text = Rendered
            .Replace("        auth_pass 1111\n", "        auth_pass 1111\n        script /bin/true\n", StringComparison.Ordinal)
            .Replace("        192.0.2.101\n", "        192.0.2.101\n        notify /bin/true\n", StringComparison.Ordinal);

        var refused = PushedConfigPolicy.Check(text, "managed.conf");

        Assert.Equal(["authentication", "virtual_ipaddress"], refused.Select(e => e.Message.Split('\'')[1]));
    }
}
