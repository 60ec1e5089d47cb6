using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Wire;

/// <summary>
/// Encodes and decodes VRRP advertisements. Decoding never throws: every reject returns a <see cref="DropReason"/>.
/// v2: RFC 3768 §5 (interval in seconds, 8 bytes of auth data, checksum over the VRRP message).
/// v3: RFC 5798 §5 (12-bit interval in centiseconds, no auth, checksum over the IPv4 pseudo-header).
/// </summary>
public static class VrrpCodec
{
    public const int HeaderLength = 8;
    public const int AuthDataLength = 8;
    public const int MaxPacketLength = HeaderLength + (255 * 4) + AuthDataLength;
    private const int MinIPv4HeaderLength = 20;

    /// <summary>224.0.0.18, the VRRP multicast group (RFC 5798 §5.1.1.2).</summary>
    public static readonly IPAddress VrrpMulticastGroup = IPAddress.Parse("224.0.0.18");

    public static int EncodedLength(VrrpAdvert advert) =>
        HeaderLength + (advert.Addresses.Length * 4) + (advert.Version == 2 ? AuthDataLength : 0);

    /// <summary>Writes the advert into <paramref name="destination"/> and returns its length.</summary>
    public static int Encode(VrrpAdvert advert, IPAddress source, IPAddress destination, ChecksumMode mode, Span<byte> destinationBuffer)
    {
        var length = EncodedLength(advert);
        var packet = destinationBuffer[..length];
        packet.Clear();
        packet[0] = (byte)((advert.Version << 4) | 1);
        packet[1] = advert.VirtualRouterId;
        packet[2] = advert.Priority;
        packet[3] = (byte)advert.Addresses.Length;
        if (advert.Version == 2)
        {
            packet[4] = (byte)advert.AuthType;
            packet[5] = (byte)Math.Clamp(advert.AdvertInterval.TotalSeconds, 1, 255);
        }
        else
        {
            var centiseconds = (ushort)Math.Clamp(Math.Round(advert.AdvertInterval.TotalMilliseconds / 10), 1, 0xfff);
            BinaryPrimitives.WriteUInt16BigEndian(packet[4..], centiseconds);
        }

        for (var i = 0; i < advert.Addresses.Length; i++)
        {
            advert.Addresses[i].TryWriteBytes(packet.Slice(HeaderLength + (i * 4), 4), out _);
        }

        if (advert.Version == 2 && advert.AuthType == AuthType.Pass)
        {
            advert.AuthData.AsSpan()[..Math.Min(AuthDataLength, advert.AuthData.Length)].CopyTo(packet[^AuthDataLength..]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], ComputeChecksum(packet, advert.Version, source, destination, mode));
        return length;
    }

    public static byte[] Encode(VrrpAdvert advert, IPAddress source, IPAddress destination, ChecksumMode mode = ChecksumMode.Standard)
    {
        var buffer = new byte[EncodedLength(advert)];
        Encode(advert, source, destination, mode, buffer);
        return buffer;
    }

    /// <summary>Parses the IPv4 header of a packet read from a raw socket and returns the VRRP payload.</summary>
    public static DropReason TryDecodeIPv4(ReadOnlySpan<byte> packet, out IPv4Header header, out int payloadOffset, out int payloadLength) =>
        TryDecodeIPv4(packet, DecodeCache.None, out header, out payloadOffset, out payloadLength);

    /// <summary>As above; known addresses come from <paramref name="cache"/> instead of being allocated.</summary>
    public static DropReason TryDecodeIPv4(ReadOnlySpan<byte> packet, DecodeCache cache, out IPv4Header header, out int payloadOffset, out int payloadLength)
    {
        header = default;
        payloadOffset = payloadLength = 0;
        if (packet.Length < MinIPv4HeaderLength)
        {
            return DropReason.PacketLength;
        }

        var headerLength = (packet[0] & 0x0f) * 4;
        if (packet[0] >> 4 != 4 || headerLength < MinIPv4HeaderLength || packet[9] != InternetChecksum.VrrpProtocol)
        {
            return DropReason.IpHeader;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength < headerLength || totalLength > packet.Length || headerLength > packet.Length)
        {
            return DropReason.PacketLength;
        }

        header = new IPv4Header(cache.Address(packet[12..16]), cache.Address(packet[16..20]), packet[8], packet[9], headerLength, totalLength);
        payloadOffset = headerLength;
        payloadLength = totalLength - headerLength;
        return DropReason.None;
    }

    /// <summary>
    /// Decodes one VRRP message. <paramref name="source"/> and <paramref name="destination"/> come from the IP
    /// header and are needed for the v3 checksum; <paramref name="mode"/> says which v3 checksum is also accepted.
    /// </summary>
    public static DropReason TryDecode(ReadOnlySpan<byte> packet, IPAddress source, IPAddress destination, ChecksumMode mode, out VrrpAdvert? advert) =>
        TryDecode(packet, source, destination, mode, trailerExpected: false, DecodeCache.None, out advert, out _);

    /// <summary>
    /// As above; with <paramref name="trailerExpected"/> (auth_hmac configured) a packet exactly
    /// <see cref="HmacTrailer.Length"/> bytes longer than its message carries a trailer, whose offset is
    /// <paramref name="messageLength"/> (the checksum then covers the message only, as keepalived 2.4 computes it).
    /// </summary>
    public static DropReason TryDecode(ReadOnlySpan<byte> packet, IPAddress source, IPAddress destination, ChecksumMode mode, bool trailerExpected,
        DecodeCache cache, out VrrpAdvert? advert, out int messageLength)
    {
        advert = null;
        messageLength = packet.Length;
        if (packet.Length < HeaderLength)
        {
            return DropReason.PacketLength;
        }

        var version = packet[0] >> 4;
        if (version is not (2 or 3))
        {
            return DropReason.Version;
        }

        if ((packet[0] & 0x0f) != 1)
        {
            return DropReason.InvalidType;
        }

        int count = packet[3];
        var expected = HeaderLength + (count * 4) + (version == 2 ? AuthDataLength : 0);
        if (packet.Length < expected)
        {
            return count == 0 ? DropReason.PacketLength : DropReason.AddressCount;
        }

        // Trailing bytes beyond the announced addresses are not ours to interpret (RFC 5798 §7.1 checks the length),
        // except an auth_hmac trailer: there is no flag for it, only this exact length.
        if (trailerExpected && packet.Length == expected + HmacTrailer.Length)
        {
            packet = packet[..expected];
        }
        else if (packet.Length != expected)
        {
            return DropReason.AddressCount;
        }

        messageLength = expected;

        if (!ChecksumMatches(packet, version, source, destination, mode))
        {
            return DropReason.Checksum;
        }

        if (version == 2 && packet[4] > 1)
        {
            return DropReason.UnknownAuthType;
        }

        advert = Build(packet, version, count, cache);
        return DropReason.None;
    }

    private static VrrpAdvert Build(ReadOnlySpan<byte> packet, int version, int count, DecodeCache cache)
    {
        var addresses = cache.Addresses(packet.Slice(HeaderLength, count * 4), count);
        var interval = version == 2
            ? TimeSpan.FromSeconds(packet[5])
            : TimeSpan.FromMilliseconds((BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) & 0x0fff) * 10);
        return version == 2
            ? cache.Advert(version, packet[1], packet[2], interval, addresses, (AuthType)packet[4], cache.AuthData(packet[^AuthDataLength..]))
            : cache.Advert(version, packet[1], packet[2], interval, addresses, AuthType.None, []);
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> packet, int version, IPAddress source, IPAddress destination, ChecksumMode mode)
    {
        if (version == 2)
        {
            return InternetChecksum.Compute(packet) == 0;
        }

        // The standard checksum is always accepted; the configured legacy one as well.
        return InternetChecksum.ComputeWithPseudoHeader(source, destination, packet) == 0
            || (mode != ChecksumMode.Standard && ComputeChecksum(packet, version, source, destination, mode) == 0);
    }

    /// <summary>The checksum field value for a packet whose checksum field is zero (or 0 to verify one).</summary>
    private static ushort ComputeChecksum(ReadOnlySpan<byte> packet, int version, IPAddress source, IPAddress destination, ChecksumMode mode) =>
        (version, mode) switch
        {
            (2, _) or (_, ChecksumMode.NoPseudoHeader) => InternetChecksum.Compute(packet),
            (_, ChecksumMode.MulticastPseudoHeader) => InternetChecksum.ComputeWithPseudoHeader(source, VrrpMulticastGroup, packet),
            _ => InternetChecksum.ComputeWithPseudoHeader(source, destination, packet),
        };
}
