using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>unicast_src_ip, unicast_peer and virtual_ipaddress; instance bodies start at line 4.</summary>
public class AddressTests
{
    private static ConfigLoadResult ParseBody(string body) => Conf.Parse(Conf.Instance(body: body));

    [Fact]
    public void Parse_VirtualIpWithAllOptions_IsMapped()
    {
        var vi = Conf.SingleInstance("virtual_ipaddress {\n 10.1.1.1/24 dev eth1 label eth1:vip scope link brd 10.1.1.255\n}");

        var vip = Assert.Single(vi.VirtualIps);
        Assert.Equal(IPAddress.Parse("10.1.1.1"), vip.Address);
        Assert.Equal(24, vip.PrefixLength);
        Assert.Equal("eth1", vip.Device);
        Assert.Equal("eth1:vip", vip.Label);
        Assert.Equal(253, vip.Scope);
        Assert.Equal(IPAddress.Parse("10.1.1.255"), vip.Broadcast);
        Assert.Equal(new SourceLocation(Conf.File, 5), vip.Location);
    }

    [Fact]
    public void Parse_VirtualIpDefaults_PrefixPerFamilyAndInstanceDevice()
    {
        var vi = Conf.SingleInstance("virtual_ipaddress {\n 10.1.1.1\n}\nvirtual_ipaddress {\n 2001:db8::1 scope 200\n}");

        Assert.Equal(32, vi.VirtualIps[0].PrefixLength);
        Assert.Null(vi.VirtualIps[0].Device);
        Assert.Equal(128, vi.VirtualIps[1].PrefixLength);
        Assert.Equal(200, vi.VirtualIps[1].Scope);
    }

    [Theory]
    [InlineData("10.1.1")]
    [InlineData("10.1.1.256")]
    [InlineData("vip.example.com")]
    [InlineData("2001:db8::g")]
    public void Parse_VirtualIpBadAddress_ReportsFileLine(string address)
    {
        var result = ParseBody($"virtual_ipaddress {{\n 10.9.9.9\n {address}\n}}");

        Assert.Equal($"test.conf:6: virtual_ipaddress: '{address}' is not a valid IP address", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("10.1.1.1/33", "out of range (0-32)")]
    [InlineData("10.1.1.1 dev", "'dev' requires a value")]
    [InlineData("10.1.1.1 scope galaxy", "'galaxy' is not global")]
    [InlineData("10.1.1.1 brd 10.1.1", "is not a valid IP address")]
    [InlineData("2001:db8::1 brd 10.0.0.255", "only for IPv4")]
    public void Parse_VirtualIpBadOption_ReportsFileLine(string line, string fragment)
    {
        Conf.HasError(ParseBody($"virtual_ipaddress {{\n {line}\n}}"), 5, fragment);
    }

    [Fact]
    public void Parse_VirtualIpUnknownOption_Warns()
    {
        var result = ParseBody("virtual_ipaddress {\n 10.1.1.1 no_track\n}");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 5, "'no_track' is not supported");
    }

    [Fact]
    public void Parse_UnicastPeersWithTtls_AreMapped()
    {
        var vi = Conf.SingleInstance("unicast_src_ip 192.0.2.1\nunicast_peer {\n 192.0.2.2 min_ttl 250 max_ttl 255\n 192.0.2.3\n}");

        Assert.True(vi.IsUnicast);
        Assert.Equal(new UnicastPeer(IPAddress.Parse("192.0.2.2"), 250, 255) { Location = new(Conf.File, 6) }, vi.UnicastPeers[0]);
        Assert.Equal(new UnicastPeer(IPAddress.Parse("192.0.2.3")) { Location = new(Conf.File, 7) }, vi.UnicastPeers[1]);
    }

    [Fact]
    public void Parse_UnicastPeerMinTtlAboveMax_ReportsFileLine()
    {
        Conf.HasError(ParseBody("unicast_peer {\n 192.0.2.2 min_ttl 9 max_ttl 8\n}"), 5, "min_ttl 9 is greater than max_ttl 8");
    }

    [Fact]
    public void Parse_BadUnicastAddresses_ReportsEveryOne()
    {
        var result = ParseBody("unicast_src_ip 192.0.2\nunicast_peer {\n 192.0.2.300\n}");

        Conf.HasError(result, 4, "unicast_src_ip: '192.0.2' is not a valid IP address");
        Conf.HasError(result, 6, "unicast_peer: '192.0.2.300' is not a valid IP address");
    }

    [Fact]
    public void Parse_UnicastPeerEqualToSource_ReportsPeerLine()
    {
        var result = ParseBody("unicast_src_ip 192.0.2.1\nunicast_peer {\n 192.0.2.2\n 192.0.2.1\n}");

        Assert.Equal("test.conf:7: unicast_peer 192.0.2.1 is the same as unicast_src_ip", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_UnicastPeerOtherFamilyThanSource_ReportsPeerLine()
    {
        Conf.HasError(ParseBody("unicast_src_ip 192.0.2.1\nunicast_peer {\n 2001:db8::2\n}"), 6, "different address families");
    }

    [Fact]
    public void Parse_StrictModeWithUnicastPeer_ReportsError()
    {
        var result = Conf.Parse("global_defs {\n vrrp_strict\n}\n" + Conf.Instance(body: "unicast_peer {\n 192.0.2.2\n}"));

        Conf.HasError(result, 8, "not allowed with vrrp_strict");
    }

    [Fact]
    public void Parse_UnicastPeerWithoutBlock_ReportsFileLine()
    {
        Conf.HasError(ParseBody("unicast_peer 192.0.2.2"), 4, "'unicast_peer' requires a { } block");
    }

    [Theory]
    [InlineData("unicast_ttl 0", "unicast_ttl 0 is out of range (1-255)")]
    [InlineData("unicast_ttl 256", "unicast_ttl 256 is out of range (1-255)")]
    [InlineData("unicast_peer {\n 192.0.2.2 min_ttl 256\n}", "min_ttl 256 is out of range (0-255)")]
    [InlineData("unicast_peer {\n 192.0.2.2 max_ttl\n}", "'max_ttl' requires a value")]
    public void Parse_UnicastTtlsOutOfRange_ReportsError(string body, string fragment)
    {
        var result = ParseBody(body);

        Assert.Contains(result.Errors, e => e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SameAddressTwiceInOneInstance_Warns()
    {
        var result = ParseBody("unicast_peer {\n 192.0.2.2\n 192.0.2.2\n}\nvirtual_ipaddress {\n 10.0.0.1\n 10.0.0.1/24\n}");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 6, "unicast_peer 192.0.2.2 is listed twice");
        Conf.HasWarning(result, 10, "virtual_ipaddress 10.0.0.1 is listed twice");
    }
}
