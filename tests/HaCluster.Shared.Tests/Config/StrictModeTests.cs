using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class StrictModeTests
{
    private const string Instance = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 27
            authentication {
                auth_type PASS
                auth_pass 1111
            }
            virtual_ipaddress {
                192.0.2.100
            }
        }
        """;

    [Fact]
    public void Strict_Multicast_DropsAuthenticationWithAWarningAndChecksAdvertAddresses()
    {
        var result = KeepalivedConfigLoader.Parse("global_defs {\n  vrrp_strict\n  vrrp_skip_check_adv_addr\n}\n" + Instance);

        Assert.False(result.HasErrors);
        var instance = Assert.Single(result.Config.Instances);
        Assert.Equal(AuthType.None, instance.AuthType);
        Assert.False(instance.SkipCheckAdvertAddresses);
        Assert.Contains(result.Warnings, w => w.Location.Line == 8 && w.Message.Contains("vrrp_strict", StringComparison.Ordinal));
    }

    [Fact]
    public void Strict_WithoutVirtualAddresses_IsAnError()
    {
        var result = KeepalivedConfigLoader.Parse("global_defs {\n  vrrp_strict\n}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n}\n");

        Assert.Contains(result.Errors, e => e.Location.Line == 4 && e.Message.Contains("at least one virtual_ipaddress", StringComparison.Ordinal));
    }

    [Fact]
    public void NotStrict_KeepsAuthentication()
    {
        var result = KeepalivedConfigLoader.Parse(Instance);

        Assert.Equal(AuthType.Pass, Assert.Single(result.Config.Instances).AuthType);
    }
}
