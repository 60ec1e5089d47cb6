using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class GroupConflictValidationTests
{
    /// <summary>Another group on the same link and nodes, with its own VRID and VIP.</summary>
    private static readonly VipGroup Db = Example with { Name = "db", Vrid = 28, VirtualIps = [new Vip("192.0.2.200/32")] };

    [Fact]
    public void Validate_VridReusedOnInterfaceBySharedNode_ReportsVridNamingGroup()
    {
        var error = OnlyError(Validate(Example, [Db with { Vrid = 27 }]), "vrid", "group 'db'");

        Assert.Contains("n1, n2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VridReusedOnOtherInterface_HasNoErrors()
    {
        var other = WithVip(Db with { Vrid = 27, Interface = "eth1" }, new Vip("192.0.2.200/32"));

        NoErrors(Validate(Example, [other]));
    }

    [Fact]
    public void Validate_VridReusedByDisjointNodes_HasNoErrors()
    {
        var other = Db with
        {
            Vrid = 27,
            Members = [new Member("n3", "192.0.2.12", 100), new Member("n4", "192.0.2.13", 90)],
        };

        NoErrors(Validate(Example, [other]));
    }

    [Fact]
    public void Validate_VipClaimedByOtherGroup_ReportsVipNamingGroup()
    {
        var other = WithVip(Db, new Vip("192.0.2.100/24"));

        OnlyError(Validate(Example, [other]), "virtualIps[0].address", "already claimed by group 'db'");
    }

    [Fact]
    public void Validate_SavedVersionOfSameGroup_IsNotAConflict()
    {
        NoErrors(Validate(Example with { PreemptDelay = 5 }, [Example, Db]));
    }

    [Fact]
    public void Validate_MemberOnUnknownNode_ReportsNode()
    {
        var nodes = ExampleNodes();
        nodes.Remove("n2");

        OnlyError(Validate(Example, nodes: nodes), "members[1].node", "node 'n2' is unknown");
    }

    [Fact]
    public void Validate_MemberAddressNotOnItsNode_ReportsAddress()
    {
        var nodes = ExampleNodes();
        nodes["n2"] = nodes["n2"] with { Addresses = ["192.0.2.99/24"] };

        OnlyError(Validate(Example, nodes: nodes), "members[1].address", "not an address of node 'n2'");
    }

    [Fact]
    public void Validate_InterfaceMissingOnNode_ReportsInterfaceNamingNode()
    {
        var nodes = ExampleNodes();
        nodes["n1"] = nodes["n1"] with { Interfaces = ["lo", "ens3"] };

        var errors = Validate(Example, nodes: nodes);

        HasError(errors, "interface", "interface 'eth0' does not exist on node 'n1'");
        HasError(errors, "virtualIps[0].device", "interface 'eth0' does not exist on node 'n1'");
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Validate_NodeFactsWithPlainAddresses_MatchesMemberAddress()
    {
        var nodes = ExampleNodes();
        nodes["n1"] = nodes["n1"] with { Addresses = ["192.0.2.10"] };

        NoErrors(Validate(Example, nodes: nodes));
    }
}
