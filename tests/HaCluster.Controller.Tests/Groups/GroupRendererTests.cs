using System.Net;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Config;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class GroupRendererTests
{
    private static VrrpInstanceConfig ParseSingle(string text)
    {
        var result = KeepalivedConfigLoader.Parse(text, "group.conf");
        Assert.False(result.Diagnostics.Any(), $"unexpected diagnostics:\n{string.Join('\n', result.Diagnostics)}\n{text}");
        return Assert.Single(result.Config.Instances);
    }

    private static string[] Peers(VrrpInstanceConfig instance) => [.. instance.UnicastPeers.Select(p => p.Address.ToString())];

    [Fact]
    public void RenderFor_ExampleMembers_SwapSourceAndPeer()
    {
        var n1 = GroupRenderer.RenderFor(Example, "n1");
        var n2 = GroupRenderer.RenderFor(Example, "n2");

        Assert.Contains("    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        192.0.2.11\n    }\n", n1, StringComparison.Ordinal);
        Assert.Contains("    unicast_src_ip 192.0.2.11\n    unicast_peer {\n        192.0.2.10\n    }\n", n2, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderFor_ExampleMembers_ShareVridAuthAndVips()
    {
        var n1 = GroupRenderer.RenderFor(Example, "n1");
        var n2 = GroupRenderer.RenderFor(Example, "n2");

        foreach (var text in new[] { n1, n2 })
        {
            Assert.Contains("vrrp_instance HC_web {\n", text, StringComparison.Ordinal);
            Assert.Contains("    virtual_router_id 27\n", text, StringComparison.Ordinal);
            Assert.Contains("        auth_type PASS\n        auth_pass 1111\n", text, StringComparison.Ordinal);
            Assert.Contains("    virtual_ipaddress {\n        192.0.2.100/32 dev eth0 label eth0:0\n    }\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RenderFor_HighestPriority_IsMasterAndOthersBackup()
    {
        var n1 = GroupRenderer.RenderFor(Example, "n1");
        var n2 = GroupRenderer.RenderFor(Example, "n2");

        Assert.Contains("    state MASTER\n", n1, StringComparison.Ordinal);
        Assert.Contains("    priority 100\n", n1, StringComparison.Ordinal);
        Assert.Contains("    state BACKUP\n", n2, StringComparison.Ordinal);
        Assert.Contains("    priority 80\n", n2, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderFor_EachMember_ParsesBackWithoutDiagnosticsToSameValues()
    {
        foreach (var member in Example.Members)
        {
            var parsed = ParseSingle(GroupRenderer.RenderFor(Example, member.Node));

            var expected = GroupRenderer.ToInstance(Example, member.Node);
            Assert.Equal(expected with { UnicastPeers = [], VirtualIps = [] }, parsed with { Location = default, UnicastPeers = [], VirtualIps = [] });
            Assert.Equal(Peers(expected), Peers(parsed));
            Assert.Equal([.. expected.VirtualIps], parsed.VirtualIps.Select(v => v with { Location = default }));
            Assert.Equal(IPAddress.Parse(member.Address), parsed.UnicastSourceIp);
            Assert.Equal((byte)member.Priority, parsed.Priority);
        }
    }

    [Fact]
    public void RenderFor_ThreeMembers_PeersAreTheOtherTwo()
    {
        Assert.Equal(["192.0.2.11", "192.0.2.12"], Peers(ParseSingle(GroupRenderer.RenderFor(ThreeMembers, "n1"))));
        Assert.Equal(["192.0.2.10", "192.0.2.12"], Peers(ParseSingle(GroupRenderer.RenderFor(ThreeMembers, "n2"))));
        Assert.Equal(["192.0.2.10", "192.0.2.11"], Peers(ParseSingle(GroupRenderer.RenderFor(ThreeMembers, "n3"))));
    }

    [Fact]
    public void RenderFor_NoPreempt_EveryMemberStartsBackup()
    {
        var group = Example with { Preempt = false };

        foreach (var member in group.Members)
        {
            var parsed = ParseSingle(GroupRenderer.RenderFor(group, member.Node));
            Assert.Equal((InitialState.Backup, false), (parsed.InitialState, parsed.Preempt));
        }
    }

    [Fact]
    public void RenderFor_PreemptDelay_EveryMemberStartsBackup()
    {
        var group = Example with { PreemptDelay = 10 };

        foreach (var member in group.Members)
        {
            var parsed = ParseSingle(GroupRenderer.RenderFor(group, member.Node));
            Assert.Equal((InitialState.Backup, TimeSpan.FromSeconds(10)), (parsed.InitialState, parsed.PreemptDelay));
        }
    }

    [Fact]
    public void RenderFor_V3WithFractionalAdvertAndDelay_WritesThemWithoutAuthentication()
    {
        var group = Example with { Version = 3, AdvertInterval = 0.07, AuthPass = null, PreemptDelay = 2.5 };

        var text = GroupRenderer.RenderFor(group, "n2");

        Assert.Contains("    advert_int 0.07\n    version 3\n    preempt_delay 2.5\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("authentication", text, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(70), ParseSingle(text).AdvertInterval);
    }

    [Fact]
    public void RenderFor_NodeNotAMember_Throws()
    {
        Assert.Throws<ArgumentException>(() => GroupRenderer.RenderFor(Example, "n9"));
    }

    [Theory]
    [InlineData("web", "HC_web")]
    [InlineData("web-1.prod_A", "HC_web-1.prod_A")]
    [InlineData("a b/c", "HC_a_b_c")]
    public void InstanceName_GroupName_IsPrefixedAndSanitised(string name, string expected)
    {
        Assert.Equal(expected, GroupRenderer.InstanceName(name));
    }

    [Fact]
    public void RenderNode_NodeInTwoGroups_RendersOnlyItsGroupsOrderedByName()
    {
        var db = Example with { Name = "db", Vrid = 28, VirtualIps = [new Vip("192.0.2.200")] };
        var other = Example with { Name = "api", Members = [new Member("n3", "192.0.2.12", 100), new Member("n4", "192.0.2.13", 90)] };

        var result = KeepalivedConfigLoader.Parse(GroupRenderer.RenderNode([Example, other, db], "n2"), "node.conf");

        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        Assert.Equal(["HC_db", "HC_web"], result.Config.Instances.Select(i => i.Name));
    }

    [Fact]
    public void RenderNode_GroupOrder_DoesNotChangeTextOrHash()
    {
        var db = Example with { Name = "db", Vrid = 28, VirtualIps = [new Vip("192.0.2.200")] };

        var one = GroupRenderer.RenderNode([Example, db], "n1");
        var two = GroupRenderer.RenderNode([db, Example], "n1");

        Assert.Equal(GroupRenderer.Hash(one), GroupRenderer.Hash(two));
    }

    [Fact]
    public void RenderNode_NodeInNoGroup_RendersGlobalDefsOnly()
    {
        Assert.Equal("global_defs {\n}\n", GroupRenderer.RenderNode([Example], "n9"));
    }

    [Fact]
    public void Hash_Text_IsLowercaseSha256Hex()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", GroupRenderer.Hash("abc"));
    }
}
