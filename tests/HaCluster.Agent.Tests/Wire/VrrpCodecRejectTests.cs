using System.Buffers.Binary;
using System.Net;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Wire;

public class VrrpCodecRejectTests
{
    private static readonly IPAddress N1 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress N2 = IPAddress.Parse("192.0.2.11");
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    public static TheoryData<string> Captures => new() { "vrrp-v2-unicast-authpass.pcap", "vrrp-v3-unicast.pcap" };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decode_EveryTruncationOfARealPacket_RejectsWithAReason(string capture)
    {
        var packet = Pcap.VrrpPackets(capture)[0];
        for (var length = 0; length < packet.Length; length++)
        {
            var truncated = packet[..length];
            var reason = VrrpCodec.TryDecodeIPv4(truncated, out var ip, out var offset, out var payloadLength);
            if (reason == DropReason.None)
            {
                reason = VrrpCodec.TryDecode(truncated.AsSpan(offset, payloadLength), ip.Source, ip.Destination, ChecksumMode.Standard, out _);
            }

            Assert.True(reason is DropReason.PacketLength or DropReason.AddressCount, $"length {length}: {reason}");
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decode_EveryBitFlipOfARealAdvert_IsRejected(string capture)
    {
        var packet = Pcap.VrrpPackets(capture)[0];
        var payload = packet[20..];
        for (var bit = 0; bit < payload.Length * 8; bit++)
        {
            var flipped = payload.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            var reason = VrrpCodec.TryDecode(flipped, N1, N2, ChecksumMode.Standard, out _);

            Assert.NotEqual(DropReason.None, reason);
        }
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrows()
    {
        var random = new Random(27);
        var buffer = new byte[96];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(buffer.Length);
            random.NextBytes(buffer);
            buffer[0] = (byte)(i % 2 == 0 ? 0x45 : buffer[0]);
            buffer[9] = (byte)(i % 3 == 0 ? 112 : buffer[9]);
            var reason = VrrpCodec.TryDecodeIPv4(buffer.AsSpan(0, length), out var ip, out var offset, out var payloadLength);
            if (reason == DropReason.None)
            {
                VrrpCodec.TryDecode(buffer.AsSpan(offset, payloadLength), ip.Source, ip.Destination, ChecksumMode.Standard, out _);
            }

            VrrpCodec.TryDecode(buffer.AsSpan(0, length), N1, N2, ChecksumMode.NoPseudoHeader, out _);
        }
    }

    [Theory]
    [InlineData(0x11, DropReason.Version)]
    [InlineData(0x41, DropReason.Version)]
    [InlineData(0x22, DropReason.InvalidType)]
    [InlineData(0x30, DropReason.InvalidType)]
    public void Decode_BadVersionOrType_SaysWhich(byte versionType, DropReason expected)
    {
        var packet = Advert(2);
        packet[0] = versionType;

        Assert.Equal(expected, VrrpCodec.TryDecode(packet, N1, N2, ChecksumMode.Standard, out _));
    }

    [Fact]
    public void Decode_CountLargerThanPacket_IsAddressCount()
    {
        var packet = Fix(Advert(2), p => p[3] = 2);

        Assert.Equal(DropReason.AddressCount, VrrpCodec.TryDecode(packet, N1, N2, ChecksumMode.Standard, out _));
    }

    [Fact]
    public void Decode_TrailingBytes_IsAddressCount()
    {
        var packet = Advert(2).Concat(new byte[4]).ToArray();

        Assert.Equal(DropReason.AddressCount, VrrpCodec.TryDecode(packet, N1, N2, ChecksumMode.Standard, out _));
    }

    [Fact]
    public void Decode_AuthTypeAh_IsUnknownAuthType()
    {
        var packet = Fix(Advert(2), p => p[4] = 2);

        Assert.Equal(DropReason.UnknownAuthType, VrrpCodec.TryDecode(packet, N1, N2, ChecksumMode.Standard, out _));
    }

    [Fact]
    public void Decode_V3WrongDestinationInPseudoHeader_IsChecksum()
    {
        var packet = Advert(3);

        Assert.Equal(DropReason.Checksum, VrrpCodec.TryDecode(packet, N1, IPAddress.Parse("192.0.2.12"), ChecksumMode.Standard, out _));
    }

    [Theory]
    [InlineData(ChecksumMode.NoPseudoHeader)]
    [InlineData(ChecksumMode.MulticastPseudoHeader)]
    public void LegacyV3Checksum_IsSentAndAcceptedOnlyWhenConfigured(ChecksumMode mode)
    {
        var advert = new VrrpAdvert(3, 27, 100, TimeSpan.FromSeconds(1), [Vip]);
        var legacy = VrrpCodec.Encode(advert, N1, N2, mode);

        Assert.NotEqual(VrrpCodec.Encode(advert, N1, N2), legacy);
        Assert.Equal(DropReason.Checksum, VrrpCodec.TryDecode(legacy, N1, N2, ChecksumMode.Standard, out _));
        Assert.Equal(DropReason.None, VrrpCodec.TryDecode(legacy, N1, N2, mode, out _));
        Assert.Equal(DropReason.None, VrrpCodec.TryDecode(VrrpCodec.Encode(advert, N1, N2), N1, N2, mode, out _));
    }

    [Fact]
    public void DecodeIPv4_NotVrrp_IsIpHeader()
    {
        var packet = Pcap.VrrpPackets("vrrp-v3-unicast.pcap")[0].ToArray();
        packet[9] = 17;

        Assert.Equal(DropReason.IpHeader, VrrpCodec.TryDecodeIPv4(packet, out _, out _, out _));
    }

    private static byte[] Advert(int version) =>
        VrrpCodec.Encode(new VrrpAdvert(version, 27, 100, TimeSpan.FromSeconds(1), [Vip]), N1, N2);

    /// <summary>Applies a change and recomputes the (v2) checksum, so only the change is rejected.</summary>
    private static byte[] Fix(byte[] packet, Action<byte[]> change)
    {
        change(packet);
        packet[6] = packet[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), InternetChecksum.Compute(packet));
        return packet;
    }
}
