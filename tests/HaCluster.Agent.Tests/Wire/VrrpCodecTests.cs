using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Wire;

public class VrrpCodecTests
{
    private static readonly IPAddress N1 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress N2 = IPAddress.Parse("192.0.2.11");
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    // From ../shared/vectors/README.md (tcpdump -nn -v of keepalived 2.2.7).
    private const string V2Advert = "45c0 0028 0004 0000 ff70 368c c000020a c000020b | 21 1b 64 01 01 01 551b c0000264 3131313100000000";
    private const string V2PriorityZero = "21 1b 00 01 01 01 b91b c0000264 3131313100000000";
    private const string V3Advert = "45c0 0020 0016 0000 ff70 3682 c000020a c000020b | 31 1b 64 01 000a 23e2 c0000264";
    private const string V3PriorityZero = "31 1b 00 01 000a 87e2 c0000264";

    [Fact]
    public void Decode_KeepalivedV2Advert_GivesTheFieldsTcpdumpPrints()
    {
        var packet = Pcap.Hex(V2Advert);

        Assert.Equal(DropReason.None, VrrpCodec.TryDecodeIPv4(packet, out var ip, out var offset, out var length));
        Assert.Equal(DropReason.None, VrrpCodec.TryDecode(packet.AsSpan(offset, length), ip.Source, ip.Destination, ChecksumMode.Standard, out var advert));

        Assert.Equal((N1, N2, (byte)255), (ip.Source, ip.Destination, ip.Ttl));
        Assert.Equal(2, advert!.Version);
        Assert.Equal(27, advert.VirtualRouterId);
        Assert.Equal(100, advert.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), advert.AdvertInterval);
        Assert.Equal(AuthType.Pass, advert.AuthType);
        Assert.Equal("1111\0\0\0\0"u8.ToArray(), advert.AuthData.ToArray());
        Assert.Equal(Vip, Assert.Single(advert.Addresses));
        Assert.Equal(20, length);
    }

    [Fact]
    public void Decode_KeepalivedV3Advert_GivesTheFieldsTcpdumpPrints()
    {
        var packet = Pcap.Hex(V3Advert);

        VrrpCodec.TryDecodeIPv4(packet, out var ip, out var offset, out var length);
        Assert.Equal(DropReason.None, VrrpCodec.TryDecode(packet.AsSpan(offset, length), ip.Source, ip.Destination, ChecksumMode.Standard, out var advert));

        Assert.Equal((3, (byte)27, (byte)100), (advert!.Version, advert.VirtualRouterId, advert.Priority));
        Assert.Equal(TimeSpan.FromMilliseconds(100), advert.AdvertInterval);
        Assert.Equal(Vip, Assert.Single(advert.Addresses));
        Assert.Equal(12, length);
    }

    [Theory]
    [InlineData(100, V2Advert)]
    [InlineData(0, V2PriorityZero)]
    public void Encode_V2_ReproducesKeepalivedBytes(byte priority, string expected)
    {
        var advert = new VrrpAdvert(2, 27, priority, TimeSpan.FromSeconds(1), [Vip]) { AuthType = AuthType.Pass, AuthData = [.. "1111\0\0\0\0"u8] };

        Assert.Equal(Payload(expected), VrrpCodec.Encode(advert, N1, N2));
    }

    [Theory]
    [InlineData(100, V3Advert)]
    [InlineData(0, V3PriorityZero)]
    public void Encode_V3_ReproducesKeepalivedBytes(byte priority, string expected)
    {
        var advert = new VrrpAdvert(3, 27, priority, TimeSpan.FromMilliseconds(100), [Vip]);

        Assert.Equal(Payload(expected), VrrpCodec.Encode(advert, N1, N2));
    }

    [Theory]
    [InlineData("vrrp-v2-unicast-authpass.pcap")]
    [InlineData("vrrp-v3-unicast.pcap")]
    public void Capture_EveryAdvert_DecodesAndReEncodesByteForByte(string capture)
    {
        var packets = Pcap.VrrpPackets(capture);
        Assert.NotEmpty(packets);
        foreach (var packet in packets)
        {
            Assert.Equal(DropReason.None, VrrpCodec.TryDecodeIPv4(packet, out var ip, out var offset, out var length));
            var payload = packet.AsSpan(offset, length).ToArray();
            Assert.Equal(DropReason.None, VrrpCodec.TryDecode(payload, ip.Source, ip.Destination, ChecksumMode.Standard, out var advert));
            Assert.Equal(payload, VrrpCodec.Encode(advert!, ip.Source, ip.Destination));
        }
    }

    [Fact]
    public void Capture_PriorityZeroOfGracefulStop_IsPresent()
    {
        var priorities = Pcap.VrrpPackets("vrrp-v2-unicast-authpass.pcap").Select(p => p[20 + 2]).ToHashSet();

        Assert.Contains((byte)0, priorities);
        Assert.Contains((byte)100, priorities);
        Assert.Contains((byte)80, priorities);
    }

    [Theory]
    [InlineData("garp-takeover-v2.pcap")]
    [InlineData("garp-takeover-v3.pcap")]
    public void GarpFrame_ReproducesKeepalivedGratuitousArp(string capture)
    {
        var garps = Pcap.ArpFrames(capture).Where(f => f[0] == 0xff && f.AsSpan(28, 4).SequenceEqual(f.AsSpan(38, 4))).ToList();
        Assert.NotEmpty(garps);
        foreach (var frame in garps)
        {
            var mac = frame[6..12];
            var address = new IPAddress(frame.AsSpan(14 + 14, 4));

            Assert.Equal(frame[..42], GarpSender.BuildFrame(mac, address));
        }
    }

    private static byte[] Payload(string hex) => Pcap.Hex(hex.Contains('|', StringComparison.Ordinal) ? hex[(hex.IndexOf('|', StringComparison.Ordinal) + 1)..] : hex);
}
