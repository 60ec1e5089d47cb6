using System.Net;
using HaCluster.Agent.Tests.Fakes;
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

    /// <summary>
    /// The steady stream of a master's adverts (100 a second at advert_int 0.01) passes the receive path without
    /// allocating: known addresses, the VIP list, the password and the advert itself are the instances decoded before.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Accept_TheSameAdvertAgain_AllocatesNothing(int version)
    {
        var (config, advert) = Versioned(version);
        var policy = AdvertPolicy.From(config, Self);
        var packet = FakeChannel.Packet(Peer, Self, advert, 255, ChecksumMode.Standard);
        Assert.Equal(DropReason.None, AdvertFilter.Accept(packet, policy, out _, out var first));

        var source = policy.Decoding.Address(Peer.GetAddressBytes());
        var accepted = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            if (AdvertFilter.Accept(packet, policy, out var ip, out var again) == DropReason.None && ReferenceEquals(first, again) && ReferenceEquals(ip.Source, source))
            {
                accepted++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100, accepted);
        Assert.Equal(0, allocated);
    }

    /// <summary>What the last advert reused never hides a change: another priority, VIP list or password is decoded as it is.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Accept_AChangedAdvertAfterTheSameOnes_IsDecodedAsItIs(int version)
    {
        var (config, advert) = Versioned(version);
        var policy = AdvertPolicy.From(config, Self);
        var other = IPAddress.Parse("192.0.2.101");
        Assert.Equal(DropReason.None, AdvertFilter.Accept(FakeChannel.Packet(Peer, Self, advert, 255, ChecksumMode.Standard), policy, out _, out _));

        Assert.Equal(DropReason.None, AdvertFilter.Accept(FakeChannel.Packet(Peer, Self, advert with { Priority = 90 }, 255, ChecksumMode.Standard), policy, out _, out var lower));
        Assert.Equal(90, lower!.Priority);
        Assert.Equal(DropReason.None, AdvertFilter.Accept(FakeChannel.Packet(Peer, Self, advert, 255, ChecksumMode.Standard), policy, out _, out var back));
        Assert.Equal(100, back!.Priority);

        Assert.Equal(DropReason.AddressList, AdvertFilter.Accept(FakeChannel.Packet(Peer, Self, advert with { Addresses = [other] }, 255, ChecksumMode.Standard), policy, out _, out var moved));
        Assert.Equal(other, Assert.Single(moved!.Addresses));
        Assert.Equal(DropReason.UnknownPeer, AdvertFilter.Accept(FakeChannel.Packet(Stranger, Self, advert, 255, ChecksumMode.Standard), policy, out var strangers, out _));
        Assert.Equal(Stranger, strangers.Source);
        if (version == 2)
        {
            var wrong = advert with { AuthData = AdvertPolicy.AuthBytes("2222") };
            Assert.Equal(DropReason.AuthFailure, AdvertFilter.Accept(FakeChannel.Packet(Peer, Self, wrong, 255, ChecksumMode.Standard), policy, out _, out var refused));
            Assert.Equal(AdvertPolicy.AuthBytes("2222").ToArray(), refused!.AuthData.ToArray());
        }
    }

    private static (VrrpInstanceConfig Config, VrrpAdvert Advert) Versioned(int version) => version == 2
        ? (Config, Good)
        : (Config with { Version = 3, AuthType = AuthType.None, AuthPass = null, AdvertInterval = TimeSpan.FromMilliseconds(10) },
            new VrrpAdvert(3, 27, 100, TimeSpan.FromMilliseconds(10), [Vip]));

    private static DropReason Check(VrrpInstanceConfig config, VrrpAdvert advert, IPAddress? source = null, byte ttl = 255, IPAddress? destination = null)
    {
        var ip = new IPv4Header(source ?? Peer, destination ?? Self, ttl, 112, 20, 40);
        return AdvertFilter.Check(AdvertPolicy.From(config, Self), ip, advert);
    }
}
