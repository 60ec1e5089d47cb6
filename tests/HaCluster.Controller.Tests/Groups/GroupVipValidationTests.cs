using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class GroupVipValidationTests
{
    [Fact]
    public void Validate_NoVirtualIps_ReportsVirtualIps()
    {
        OnlyError(Validate(Example with { VirtualIps = [] }), "virtualIps", "at least one");
    }

    [Theory]
    [InlineData("192.0.2.256")]
    [InlineData("192.0.2")]
    [InlineData("192.0.2.010")]
    [InlineData("2001:db8::1")]
    [InlineData("192.0.2.100/33")]
    [InlineData("192.0.2.100/")]
    [InlineData("192.0.2.100/x")]
    [InlineData("")]
    public void Validate_VipNotIpv4WithPrefix_ReportsVipAddress(string address)
    {
        OnlyError(Validate(WithVip(Example, new Vip(address))), "virtualIps[0].address", "not an IPv4 address");
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.18")]
    [InlineData("255.255.255.255/32")]
    public void Validate_VipNotUnicast_ReportsVipAddress(string address)
    {
        OnlyError(Validate(WithVip(Example, new Vip(address))), "virtualIps[0].address", "not a unicast address");
    }

    [Theory]
    [InlineData("192.0.2.100")]
    [InlineData("192.0.2.100/0")]
    [InlineData("192.0.2.100/24")]
    public void Validate_VipWithOrWithoutPrefix_HasNoErrors(string address)
    {
        NoErrors(Validate(WithVip(Example, new Vip(address))));
    }

    [Fact]
    public void Validate_SameVipTwice_ReportsTheSecond()
    {
        var group = Example with { VirtualIps = [new Vip("192.0.2.100/32"), new Vip("192.0.2.100/24")] };

        OnlyError(Validate(group), "virtualIps[1].address", "already listed at virtualIps[0]");
    }

    [Theory]
    [InlineData(null, "eth1:0")]
    [InlineData("eth1", "eth0:0")]
    [InlineData(null, "eth0")]
    [InlineData(null, "eth0:")]
    public void Validate_LabelNotPrefixedByItsDevice_ReportsLabel(string? device, string label)
    {
        OnlyError(Validate(WithVip(Example, new Vip("192.0.2.100", device, label))), "virtualIps[0].label", "must start with");
    }

    [Fact]
    public void Validate_LabelOver15Characters_ReportsLabel()
    {
        OnlyError(Validate(WithVip(Example, new Vip("192.0.2.100", null, "eth0:0123456789a"))), "virtualIps[0].label", "at most 15");
    }

    [Theory]
    [InlineData(null, "eth0:vip")]
    [InlineData("eth1", "eth1:0")]
    public void Validate_LabelPrefixedByItsDevice_HasNoErrors(string? device, string label)
    {
        NoErrors(Validate(WithVip(Example, new Vip("192.0.2.100", device, label))));
    }

    [Fact]
    public void Validate_BadVipDevice_ReportsDevice()
    {
        OnlyError(Validate(WithVip(Example, new Vip("192.0.2.100", "eth 1"))), "virtualIps[0].device", "not a valid Linux interface name");
    }
}
