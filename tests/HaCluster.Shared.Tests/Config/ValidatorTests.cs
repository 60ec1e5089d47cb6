using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class ValidatorTests
{
    private static string Unicast(string name, int vrid, string peer, string vip) =>
        Conf.Instance(name, vrid, $"unicast_src_ip 192.0.2.1\nunicast_peer {{\n {peer}\n}}\nvirtual_ipaddress {{\n {vip}\n}}");

    [Fact]
    public void Parse_SameVridSameInterfaceMulticast_ReportsSecondNamingFirst()
    {
        var result = Conf.Parse(Conf.Instance("VI_1", 7) + Conf.Instance("VI_2", 7));

        var error = Conf.HasError(result, 6, "virtual_router_id 7 on eth0 is already used by vrrp_instance 'VI_1' at test.conf:1");
        Assert.Equal(error, Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_SameVridOneUnicastOneMulticast_ReportsClash()
    {
        var result = Conf.Parse(Unicast("VI_1", 7, "192.0.2.2", "10.0.0.1") + Conf.Instance("VI_2", 7));

        Conf.HasError(result, 12, "already used by vrrp_instance 'VI_1'");
    }

    [Fact]
    public void Parse_SameVridUnicastWithDisjointPeers_IsAllowed()
    {
        var result = Conf.Parse(Unicast("VI_1", 7, "192.0.2.2", "10.0.0.1") + Unicast("VI_2", 7, "192.0.2.3", "10.0.0.2"));

        Conf.NoErrors(result);
        Assert.Equal(2, result.Config.Instances.Length);
    }

    [Fact]
    public void Parse_SameVridUnicastWithSharedPeer_ReportsClash()
    {
        var result = Conf.Parse(Unicast("VI_1", 7, "192.0.2.2", "10.0.0.1") + Unicast("VI_2", 7, "192.0.2.2", "10.0.0.2"));

        Conf.HasError(result, 12, "already used by vrrp_instance 'VI_1'");
    }

    /// <summary>Found in one pass (issue 18: the pairwise check was quadratic in instances), still naming the earliest clash.</summary>
    [Fact]
    public void Parse_SameVridManyInstances_EachClashNamesTheEarliestItMeets()
    {
        var result = Conf.Parse(Unicast("VI_1", 7, "192.0.2.2", "10.0.0.1")
            + Unicast("VI_2", 7, "192.0.2.3", "10.0.0.2")
            + Conf.Instance("VI_3", 7, "unicast_src_ip 192.0.2.1\nunicast_peer {\n 192.0.2.3\n 192.0.2.2\n}\nvirtual_ipaddress {\n 10.0.0.3\n}")
            + Conf.Instance("VI_4", 7, "virtual_ipaddress {\n 10.0.0.4\n}")
            + Unicast("VI_5", 7, "192.0.2.9", "10.0.0.5"));

        var clashes = result.Diagnostics.Where(d => d.Message.Contains("already used by", StringComparison.Ordinal)).Select(d => d.Message[..d.Message.IndexOf(':')] + " → " + d.Message[(d.Message.IndexOf("vrrp_instance '", 10, StringComparison.Ordinal) + 15)..].Split('\'')[0]).ToList();
        // VI_3 shares a peer with VI_2 and with VI_1: the earliest. VI_4 is multicast: it clashes with the first of all.
        // VI_5's peer is its own, but VI_4 (multicast) hears every advert of the VRID.
        Assert.Equal(["vrrp_instance 'VI_3' → VI_1", "vrrp_instance 'VI_4' → VI_1", "vrrp_instance 'VI_5' → VI_4"], clashes);
    }

    [Fact]
    public void Parse_SameVridOnOtherInterfaceOrFamily_IsAllowed()
    {
        var result = Conf.Parse(Conf.Instance("VI_1", 7)
            + Conf.Instance("VI_2", 7, iface: "eth1")
            + Conf.Instance("VI_6", 7, "virtual_ipaddress {\n 2001:db8::1\n}"));

        Conf.NoErrors(result);
    }

    [Fact]
    public void Parse_VipInTwoInstances_ReportsSecondVipLine()
    {
        var result = Conf.Parse(Conf.Instance("VI_1", 1, "virtual_ipaddress {\n 10.0.0.1/24\n}")
            + Conf.Instance("VI_2", 2, "virtual_ipaddress {\n 10.0.0.2\n 10.0.0.1\n}"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("test.conf:13: virtual_ipaddress 10.0.0.1 is already used by vrrp_instance 'VI_1' at test.conf:5", error.ToString());
    }

    [Fact]
    public void Parse_DuplicateInstanceNames_ReportsSecond()
    {
        var result = Conf.Parse(Conf.Instance("VI_1", 1) + Conf.Instance("VI_1", 2));

        Assert.Equal("test.conf:6: duplicate vrrp_instance 'VI_1' (first defined at test.conf:1)", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_SeveralErrorsInOneFile_ReportsAllWithLines()
    {
        var result = Conf.Parse("""
            global_defs {
                router_id
                vrrp_strict
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 300
                priority 0
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.1
                }
            }
            vrrp_instance B {
                priority 50
                virtual_ipaddress {
                    10.0.0.999
                }
            }
            }
            """);

        Assert.Equal(
            [
                "test.conf:2: 'router_id' requires a value",
                "test.conf:5: vrrp_instance 'A': vrrp_strict requires at least one virtual_ipaddress",
                "test.conf:7: virtual_router_id 300 is out of range (1-255)",
                "test.conf:8: priority 0 is out of range (1-255)",
                "test.conf:11: unicast_peer 10.0.0.1 is the same as unicast_src_ip",
                "test.conf:11: vrrp_instance 'A': unicast_peer is not allowed with vrrp_strict (keepalived refuses unicast in strict mode)",
                "test.conf:14: vrrp_instance 'B' has no 'interface'",
                "test.conf:14: vrrp_instance 'B' has no 'virtual_router_id'",
                "test.conf:14: vrrp_instance 'B': vrrp_strict requires at least one virtual_ipaddress",
                "test.conf:17: virtual_ipaddress: '10.0.0.999' is not a valid IP address",
                "test.conf:20: unexpected '}' with no open block",
            ],
            result.Errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Message, StringComparer.Ordinal).Select(e => e.ToString()));
    }
}
