using System.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Vrrp;

public class AdvertFilterTests
{
    private static readonly IPAddress Self = IPAddress.Parse("192.0.2.11");
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Stranger = IPAddress.Parse("192.0.2.66");
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    private static readonly VrrpInstanceConfig Config = new("VI_1", "eth0", 27)
    {
        Priority = 80,
        AuthType = AuthType.Pass,
        AuthPass = "1111",
        UnicastSourceIp = Self,
        UnicastPeers = [new UnicastPeer(Peer)],
        VirtualIps = [new VirtualIp(Vip)],
    };

    private static readonly VrrpAdvert Good = new(2, 27, 100, TimeSpan.FromSeconds(1), [Vip]) { AuthType = AuthType.Pass, AuthData = AdvertPolicy.AuthBytes("1111") };

    [Fact]
    public void Accept_KeepalivedAdvertFromConfiguredPeer_Passes()
    {
        Assert.Equal(DropReason.None, Check(Config, Good));
    }

    [Fact]
    public void Accept_ForgedPriority255FromAnotherHost_IsDroppedAsUnknownPeer()
    {
        Assert.Equal(DropReason.UnknownPeer, Check(Config, Good with { Priority = 255 }, source: Stranger));
    }

    [Fact]
    public void Accept_WrongPassword_IsAuthFailure()
    {
        Assert.Equal(DropReason.AuthFailure, Check(Config, Good with { AuthData = AdvertPolicy.AuthBytes("2222") }));
    }

    [Fact]
    public void Accept_NoAuthWhenPassConfigured_IsAuthTypeMismatch()
    {
        Assert.Equal(DropReason.AuthTypeMismatch, Check(Config, Good with { AuthType = AuthType.None }));
    }

    [Fact]
    public void Accept_PasswordLongerThanEightBytes_ComparesTheFirstEight()
    {
        var config = Config with { AuthPass = "123456789" };
        var advert = Good with { AuthData = AdvertPolicy.AuthBytes("12345678") };

        Assert.Equal(DropReason.None, Check(config, advert));
    }

    [Fact]
    public void Accept_V2IntervalMismatch_IsAdvertInterval()
    {
        Assert.Equal(DropReason.AdvertInterval, Check(Config, Good with { AdvertInterval = TimeSpan.FromSeconds(2) }));
    }

    [Fact]
    public void Accept_V3IntervalMismatch_IsAcceptedForTheBackupToAdopt()
    {
        var config = Config with { Version = 3 };
        var advert = new VrrpAdvert(3, 27, 100, TimeSpan.FromMilliseconds(500), [Vip]);

        Assert.Equal(DropReason.None, Check(config, advert));
    }

    [Fact]
    public void Accept_OtherVersion_IsVersion()
    {
        Assert.Equal(DropReason.Version, Check(Config, new VrrpAdvert(3, 27, 100, TimeSpan.FromSeconds(1), [Vip])));
    }

    [Fact]
    public void Accept_DifferentVipList_IsAddressList_UnlessSkipCheckIsSet()
    {
        var advert = Good with { Addresses = [IPAddress.Parse("192.0.2.101")] };

        Assert.Equal(DropReason.AddressList, Check(Config, advert));
        Assert.Equal(DropReason.None, Check(Config with { SkipCheckAdvertAddresses = true }, advert));
    }

    [Fact]
    public void Accept_OtherVrid_IsVirtualRouterId()
    {
        Assert.Equal(DropReason.VirtualRouterId, Check(Config, Good with { VirtualRouterId = 28 }));
    }

    [Theory]
    [InlineData(64, DropReason.IpTtl)]
    [InlineData(250, DropReason.None)]
    [InlineData(255, DropReason.IpTtl)]
    public void Accept_UnicastPeerWithTtlBounds_ChecksThem(byte ttl, DropReason expected)
    {
        var config = Config with { UnicastPeers = [new UnicastPeer(Peer, MinTtl: 200, MaxTtl: 254)] };

        Assert.Equal(expected, Check(config, Good, ttl: ttl));
    }

    [Fact]
    public void Accept_UnicastPeerWithoutTtlBounds_AcceptsRoutedAdverts()
    {
        Assert.Equal(DropReason.None, Check(Config, Good, ttl: 61));
    }

    [Fact]
    public void Accept_MulticastBelowTtl255_IsIpTtl()
    {
        var config = Config with { UnicastPeers = [] };

        Assert.Equal(DropReason.IpTtl, Check(config, Good, ttl: 254, destination: VrrpCodec.VrrpMulticastGroup));
        Assert.Equal(DropReason.None, Check(config, Good, ttl: 255, destination: VrrpCodec.VrrpMulticastGroup));
    }

    [Fact]
    public void Accept_OurOwnPacket_IsOwnPacket()
    {
        Assert.Equal(DropReason.OwnPacket, Check(Config, Good, source: Self));
    }

    private static DropReason Check(VrrpInstanceConfig config, VrrpAdvert advert, IPAddress? source = null, byte ttl = 255, IPAddress? destination = null)
    {
        var ip = new IPv4Header(source ?? Peer, destination ?? Self, ttl, 112, 20, 40);
        return AdvertFilter.Check(AdvertPolicy.From(config, Self), ip, advert);
    }
}
