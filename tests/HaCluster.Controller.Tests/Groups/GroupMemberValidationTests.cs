using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class GroupMemberValidationTests
{
    [Fact]
    public void Validate_OneMember_ReportsMembers()
    {
        OnlyError(Validate(Example with { Members = [Example.Members[0]] }), "members", "at least 2 members");
    }

    [Fact]
    public void Validate_SameNodeTwice_ReportsTheSecond()
    {
        var group = WithMember(Example, 1, new Member("n1", "192.0.2.11", 80));

        OnlyError(Validate(group), "members[1].node", "already a member at members[0]");
    }

    [Theory]
    [InlineData("")]
    [InlineData("n 1")]
    public void Validate_BadNodeName_ReportsNode(string node)
    {
        OnlyError(Validate(WithMember(Example, 1, new Member(node, "192.0.2.11", 80))), "members[1].node", "not a node name");
    }

    [Theory]
    [InlineData("192.0.2.")]
    [InlineData("192.0.2.11/24")]
    [InlineData("0.0.0.0")]
    [InlineData("239.1.1.1")]
    [InlineData("n2.example")]
    public void Validate_MemberAddressNotUnicastIpv4_ReportsAddress(string address)
    {
        OnlyError(Validate(WithMember(Example, 1, new Member("n2", address, 80))), "members[1].address", "not a unicast IPv4 address");
    }

    [Fact]
    public void Validate_TwoMembersWithOneAddress_ReportsTheSecond()
    {
        var group = WithMember(Example, 1, new Member("n2", "192.0.2.10", 80));

        OnlyError(Validate(group), "members[1].address", "already the address of members[0]");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-5)]
    public void Validate_PriorityOutside1To255_ReportsPriority(int priority)
    {
        OnlyError(Validate(WithMember(Example, 1, new Member("n2", "192.0.2.11", priority))), "members[1].priority", "1–254");
    }

    [Fact]
    public void Validate_Priority255ForNonOwner_ReportsPriority()
    {
        OnlyError(Validate(WithMember(Example, 1, new Member("n2", "192.0.2.11", 255))), "members[1].priority", "reserved for the address owner");
    }

    [Fact]
    public void Validate_Priority255ForAddressOwner_HasNoErrors()
    {
        NoErrors(Validate(WithMember(Example, 0, new Member("n1", "192.0.2.100", 255))));
    }

    [Fact]
    public void Validate_AddressOwnerWithoutPreempt_ReportsPreempt()
    {
        var group = WithMember(Example with { Preempt = false }, 0, new Member("n1", "192.0.2.100", 255));

        OnlyError(Validate(group), "preempt", "'n1' (members[0])");
    }

    [Fact]
    public void Validate_MemberAddressIsVipWithout255_ReportsAddress()
    {
        OnlyError(Validate(WithMember(Example, 1, new Member("n2", "192.0.2.100", 80))), "members[1].address", "only its owner may use it");
    }

    [Fact]
    public void Validate_EqualPriorities_ReportsBothMembers()
    {
        var errors = Validate(WithMember(Example, 1, new Member("n2", "192.0.2.11", 100)));

        Assert.Equal(2, errors.Count);
        HasError(errors, "members[0].priority", "'n2' (members[1])");
        HasError(errors, "members[1].priority", "'n1' (members[0])");
    }

    [Fact]
    public void Validate_ThreeEqualPriorities_NamesTheOtherTwoAtEach()
    {
        var group = WithMember(ThreeMembers, 1, new Member("n2", "192.0.2.11", 100));

        var errors = Validate(WithMember(group, 2, new Member("n3", "192.0.2.12", 100)));

        Assert.Equal(3, errors.Count);
        HasError(errors, "members[2].priority", "'n1' (members[0]), 'n2' (members[1])");
    }
}
