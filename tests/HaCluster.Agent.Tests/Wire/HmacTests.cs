using System.Collections.Immutable;
using System.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Agent.Tests.Wire;

/// <summary>
/// keepalived 2.4's auth_hmac trailer, byte for byte: the two fixed vectors of draft-cassen-vrrp-auth-hmac (as
/// keepalived's own test has them), every trailer in real keepalived 2.4.3 captures, and what each damaged advert is
/// refused as.
/// </summary>
public sealed class HmacTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] WrongKey = [0xff, .. Key[1..]];
    private static readonly IPAddress N1 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress N2 = IPAddress.Parse("192.0.2.11");

    [Theory]
    [InlineData("198.51.100.10", "3133c80100644402c0000264", "1b84bc4e8e43892dc6d98448f8ee2265")]
    [InlineData("fe80::10", "3133c8010064a2e9fe800000000000000000000000000100", "c8c56146ebfd66ee10ec4d8186461b78")]
    public void FixedVectors_SignedByteForByte_AndVerified(string source, string message, string hmac)
    {
        var trailer = new byte[HmacTrailer.Length];

        HmacTrailer.Sign(Convert.FromHexString(message), IPAddress.Parse(source), 1, Key, 0x6800000080000000, trailer);

        Assert.Equal("010100006800000080000000" + hmac, Convert.ToHexStringLower(trailer));
        Assert.True(HmacTrailer.Verify(Convert.FromHexString(message), IPAddress.Parse(source), trailer, Key));
        Assert.False(HmacTrailer.Verify(Convert.FromHexString(message), IPAddress.Parse("198.51.100.11"), trailer, Key));
    }

    [Theory]
    [InlineData("v2-hmac-unicast.pcap", 2)]
    [InlineData("v3-hmac-unicast.pcap", 3)]
    public void KeepalivedCaptures_EveryTrailerVerifies_AndEveryAdvertIsAccepted(string capture, int version)
    {
        var packets = Pcap.VrrpPackets(capture);
        var signed = packets.Where(p => p.Length == 20 + Message(version) + HmacTrailer.Length).ToList();
        Assert.True(signed.Count > 10, $"{signed.Count} signed adverts in {capture}");

        foreach (var packet in signed)
        {
            var message = packet.AsSpan(20, Message(version));
            var trailer = packet.AsSpan(20 + Message(version));
            Assert.True(HmacTrailer.Verify(message, new IPAddress(packet.AsSpan(12, 4)), trailer, Key));
            // Our checksum agrees with keepalived's: over the message only.
            Assert.Equal(DropReason.None, VrrpCodec.TryDecode(packet.AsSpan(20), new IPAddress(packet.AsSpan(12, 4)), new IPAddress(packet.AsSpan(16, 4)),
                ChecksumMode.Standard, trailerExpected: true, DecodeCache.None, out _, out var length));
            Assert.Equal(Message(version), length);
        }

        // Each node's adverts, in order, pass the whole receive path of the other node (time mode, clock at each advert).
        var clock = new FakeTimeProvider();
        var receiver = Policy(version, N2, [N1], clock);
        foreach (var packet in signed.Where(p => new IPAddress(p.AsSpan(12, 4)).Equals(N1)))
        {
            clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(HmacTrailer.Seconds(HmacTrailer.Sequence(packet.AsSpan(20 + Message(version))))));
            Assert.Equal(DropReason.None, AdvertFilter.Accept(packet, receiver, out _, out _, out var unsigned));
            Assert.False(unsigned);
        }
    }

    [Theory]
    [InlineData("v2-hmac-wrongkey.pcap", 2)]
    [InlineData("v3-hmac-wrongkey.pcap", 3)]
    public void WrongKeyCaptures_TheOtherSidesAdvertsAreInvalid_AndVerifyUnderTheirKey(string capture, int version)
    {
        var fromN2 = Pcap.VrrpPackets(capture).Where(p => p.Length == 20 + Message(version) + HmacTrailer.Length && new IPAddress(p.AsSpan(12, 4)).Equals(N2)).ToList();
        Assert.NotEmpty(fromN2);
        var clock = new FakeTimeProvider();
        var receiver = Policy(version, N1, [N2], clock);

        foreach (var packet in fromN2)
        {
            clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(HmacTrailer.Seconds(HmacTrailer.Sequence(packet.AsSpan(20 + Message(version))))));
            Assert.Equal(DropReason.HmacInvalid, AdvertFilter.Accept(packet, receiver, out _, out _));
            Assert.True(HmacTrailer.Verify(packet.AsSpan(20, Message(version)), N2, packet.AsSpan(20 + Message(version)), WrongKey));
        }
    }

    /// <summary>Every truncation and every single-bit flip of a signed advert is refused, each with its reason.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryTruncationAndBitFlip_Refused_WithItsReason(int version)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_796_503_260));
        var packet = SignedPacket(version, clock);
        var reasons = new Dictionary<DropReason, int>();

        for (var length = 0; length < packet.Length; length++)
        {
            var reason = AdvertFilter.Accept(packet.AsSpan(0, length), Policy(version, N2, [N1], clock), out _, out _);
            Assert.NotEqual(DropReason.None, reason);
        }

        for (var bit = 0; bit < packet.Length * 8; bit++)
        {
            var flipped = (byte[])packet.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var reason = AdvertFilter.Accept(flipped, Policy(version, N2, [N1], clock), out var ip, out _);
            // Not covered, by design: the IP header's TOS, id, flags, TTL (no guard in this policy) and header checksum,
            // and for VRRPv2 the destination (one signature serves every peer; the v3 checksum covers it).
            var uncovered = bit / 8 is 1 or 4 or 5 or 6 or 7 or 8 or 10 or 11 || (version == 2 && bit / 8 is >= 16 and < 20);
            if (!uncovered)
            {
                Assert.True(reason != DropReason.None, $"bit {bit} (byte {bit / 8}) flipped was accepted");
            }

            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        // A flipped trailer byte says which check caught it.
        Assert.Contains(DropReason.HmacInvalid, reasons.Keys);
        Assert.Contains(DropReason.HmacMalformed, reasons.Keys);
        Assert.Contains(DropReason.HmacUnknownKey, reasons.Keys);
        Assert.Contains(DropReason.HmacStale, reasons.Keys);
        Assert.Contains(DropReason.Checksum, reasons.Keys);
    }

    [Fact]
    public void Replay_SameOrOlderSequenceRefused_OnePerPeer_TimeModeForgetsMarksOutsideTheWindow()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_796_503_260));
        var receiver = Policy(2, N2, [N1], clock);
        var first = SignedPacket(2, clock);
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = SignedPacket(2, clock);

        Assert.Equal(DropReason.None, AdvertFilter.Accept(first, receiver, out _, out _));
        Assert.Equal(DropReason.None, AdvertFilter.Accept(second, receiver, out _, out _));
        Assert.Equal(DropReason.HmacReplay, AdvertFilter.Accept(second, receiver, out _, out _));
        Assert.Equal(DropReason.HmacReplay, AdvertFilter.Accept(first, receiver, out _, out _));

        // 10 s later the first one is stale before any digest is computed.
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(DropReason.HmacStale, AdvertFilter.Accept(first, receiver, out _, out _));
    }

    /// <summary>Multicast: replay marks for at most four senders, the least recently heard one given up first.</summary>
    [Fact]
    public void Multicast_FourReplayMarks_TheLeastRecentlyHeardGivesWay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_796_503_260));
        var verifier = new HmacVerifier(Config(), TimeSpan.FromSeconds(5), clock);
        var senders = Enumerable.Range(1, 5).Select(i => IPAddress.Parse($"192.0.2.{20 + i}")).ToList();
        var message = VrrpCodec.Encode(Advert(2), senders[0], VrrpCodec.VrrpMulticastGroup);
        var signed = senders.ToDictionary(s => s, s =>
        {
            var trailer = new byte[HmacTrailer.Length];
            HmacTrailer.Sign(message, s, 1, Key, HmacTrailer.SequenceAt(clock.GetUtcNow()), trailer);
            return trailer;
        });

        Assert.All(senders.Take(4), s => Assert.Equal(DropReason.None, verifier.Check(message, signed[s], s, unicast: false, out _)));
        Assert.Equal(DropReason.HmacReplay, verifier.Check(message, signed[senders[0]], senders[0], unicast: false, out _));
        // A fifth sender takes the slot of the least recently accepted one (the first: a refused replay does not count),
        // whose old advert is then new again to this receiver; the others are still remembered.
        Assert.Equal(DropReason.None, verifier.Check(message, signed[senders[4]], senders[4], unicast: false, out _));
        Assert.Equal(DropReason.HmacReplay, verifier.Check(message, signed[senders[1]], senders[1], unicast: false, out _));
        Assert.Equal(DropReason.None, verifier.Check(message, signed[senders[0]], senders[0], unicast: false, out _));
    }

    [Fact]
    public void Modes_EnforceRefusesAnUnsignedAdvert_PermissiveAndReceiveOnlyAcceptIt_ReceiveOnlyDoesNotSign()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_796_503_260));
        var unsigned = Packet(2, VrrpCodec.Encode(Advert(2), N1, N2), []);

        Assert.Equal(DropReason.HmacMissing, AdvertFilter.Accept(unsigned, Policy(2, N2, [N1], clock), out _, out _));
        Assert.Equal(DropReason.None, AdvertFilter.Accept(unsigned, Policy(2, N2, [N1], clock, HmacMode.Permissive), out _, out _, out var wasUnsigned));
        Assert.True(wasUnsigned);
        Assert.Equal(DropReason.None, AdvertFilter.Accept(unsigned, Policy(2, N2, [N1], clock, HmacMode.ReceiveOnly), out _, out _));
        // Without auth_hmac a signed advert is simply too long, as in keepalived before 2.4.
        Assert.Equal(DropReason.AddressCount, AdvertFilter.Accept(SignedPacket(2, clock), Policy(2, N2, [N1], clock) with { Hmac = null }, out _, out _));
        Assert.False(Config(HmacMode.ReceiveOnly).Signs);
    }

    [Fact]
    public void Sequence_FollowsTheClock_AndCountsUpWhenTheClockStandsStill()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_796_503_260).AddTicks(2_626_343);
        var clock = new FakeTimeProvider(start);
        var signer = new HmacSigner(Config(), TimeSpan.FromSeconds(5), clock);

        var a = signer.NextSequence();
        var b = signer.NextSequence();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var c = signer.NextSequence();

        // As in keepalived's capture: seconds 0x6b1476dc, 0.26263 s = 0x433c/65536, counter 0.
        Assert.Equal(0x6b1476dc433c0000UL, a);
        Assert.Equal(a + 1, b);
        Assert.Equal(HmacTrailer.SequenceAt(clock.GetUtcNow()), c);
    }

    [Fact]
    public void TtlGuard_OnLinkPeersWithoutTtlSettings_Guarded_RoutedOrConfiguredOnesNot()
    {
        var peers = new[] { new UnicastPeer(N2), new UnicastPeer(IPAddress.Parse("192.0.2.12"), MinTtl: 250), new UnicastPeer(IPAddress.Parse("198.51.100.5")) };

        var guarded = TtlGuard.OnLinkPeers(peers, [(N1, 24), (IPAddress.Parse("192.0.2.100"), 32)]);

        Assert.Equal(N2, Assert.Single(guarded));
        var config = new VrrpInstanceConfig("VI", "eth0", 27) { UnicastPeers = [.. peers], VirtualIps = [new VirtualIp(IPAddress.Parse("192.0.2.100"))] };
        var policy = AdvertPolicy.From(config, N1) with { GuardedPeers = guarded };
        var fromN2 = VrrpCodec.Encode(Advert(2) with { AuthType = AuthType.None }, N2, N1);
        Assert.Equal(DropReason.IpTtl, AdvertFilter.Accept(Packet(2, fromN2, [], source: N2, destination: N1, ttl: 1), policy, out _, out _));
        Assert.Equal(DropReason.IpTtl, AdvertFilter.Accept(Packet(2, fromN2, [], source: N2, destination: N1, ttl: 254), policy, out _, out _));
        Assert.Equal(DropReason.None, AdvertFilter.Accept(Packet(2, fromN2, [], source: N2, destination: N1, ttl: 255), policy, out _, out _));
    }

    private static int Message(int version) => version == 2 ? 20 : 12;

    private static HmacAuthConfig Config(HmacMode mode = HmacMode.Enforce) =>
        new() { Keys = [new HmacKey(1, [.. Key])], ActiveKey = 1, Mode = mode };

    private static VrrpAdvert Advert(int version) =>
        new(version, 27, 150, version == 2 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100), [IPAddress.Parse("192.0.2.100")]);

    private static AdvertPolicy Policy(int version, IPAddress own, IPAddress[] peers, TimeProvider clock, HmacMode mode = HmacMode.Enforce)
    {
        var config = new VrrpInstanceConfig("VI_27", "eth0", 27)
        {
            Version = version,
            AdvertInterval = version == 2 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100),
            UnicastPeers = [.. peers.Select(p => new UnicastPeer(p))],
            VirtualIps = [new VirtualIp(IPAddress.Parse("192.0.2.100"))],
            Hmac = Config(mode),
        };
        return AdvertPolicy.From(config, own) with { Hmac = new HmacVerifier(config.Hmac, config.Hmac.Window(config.AdvertInterval), clock) };
    }

    private static byte[] SignedPacket(int version, TimeProvider clock)
    {
        var message = VrrpCodec.Encode(Advert(version), N1, N2);
        var trailer = new byte[HmacTrailer.Length];
        new HmacSigner(Config(), TimeSpan.FromSeconds(5), clock).Sign(message, N1, trailer);
        return Packet(version, message, trailer);
    }

    private static byte[] Packet(int version, byte[] message, byte[] trailer, IPAddress? source = null, IPAddress? destination = null, byte ttl = 255)
    {
        var packet = new byte[20 + message.Length + trailer.Length];
        packet[0] = 0x45;
        packet[1] = 0xc0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = ttl;
        packet[9] = 112;
        (source ?? N1).TryWriteBytes(packet.AsSpan(12, 4), out _);
        (destination ?? N2).TryWriteBytes(packet.AsSpan(16, 4), out _);
        message.CopyTo(packet, 20);
        trailer.CopyTo(packet, 20 + message.Length);
        _ = version;
        return packet;
    }
}
