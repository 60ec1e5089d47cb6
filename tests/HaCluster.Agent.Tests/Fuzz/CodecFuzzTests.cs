using System.Net;
using CsCheck;
using HaCluster.Agent.Tests.Wire;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace HaCluster.Agent.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the VRRP receive path (issue 18) from real keepalived captures (Vectors/*.pcap): each packet's
/// bytes flipped, set, cut or extended, and its length fields and address count rewritten, then checked by
/// <see cref="AdvertFilter.Accept(ReadOnlySpan{byte}, AdvertPolicy, out IPv4Header, out VrrpAdvert?, out bool)"/>
/// against the policy of the instance it was sent to (with and without auth_hmac). It never throws, and an accepted
/// advert encodes back to a packet that decodes to the same advert.
/// </summary>
public sealed class CodecFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void ReceivePath_MutatedCaptures_NeverThrow_AcceptedOnesRoundTrip()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Vectors"), "*.pcap").Order()
            .SelectMany(f => Pcap.VrrpPackets(Path.GetFileName(f))).ToArray();
        Assert.NotEmpty(seeds);
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var policies = seeds.Select(p => Policies(p, clock)).ToArray();

        var accepted = 0;
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Bool, Mutation.Array[1, 6], (seed, hmac, edits) => (seed, hmac, Packet: Apply(seeds[seed], edits)));
        var report = HaCluster.TestSupport.Fuzz.Run("vrrp", gen, c => c.Packet, "bin", c =>
        {
            var policy = c.hmac ? policies[c.seed].Hmac : policies[c.seed].Plain;
            var reason = AdvertFilter.Accept(c.Packet, policy, out var ip, out var advert, out _);
            if (reason == DropReason.None)
            {
                Interlocked.Increment(ref accepted);
                var again = VrrpCodec.Encode(advert!, ip.Source, ip.Destination);
                Assert.Equal(DropReason.None, VrrpCodec.TryDecode(again, ip.Source, ip.Destination, ChecksumMode.Standard, out var decoded));
                Assert.Equal((advert!.Version, advert.VirtualRouterId, advert.Priority, advert.AdvertInterval), (decoded!.Version, decoded.VirtualRouterId, decoded.Priority, decoded.AdvertInterval));
                Assert.Equal(advert.Addresses.ToArray(), decoded.Addresses.ToArray());
            }
        }, seconds: 10, perInput: TimeSpan.FromSeconds(5));
        output.WriteLine($"{report}, {accepted} accepted");
        Assert.True(accepted > 0, "no mutated packet got through the filter: the fuzzing never reached the state machine's input");
    }

    private sealed record Edit(int Kind, double At, byte Value, int Length);

    private static readonly Gen<Edit> Mutation = Gen.Select(Gen.Int[0, 7], Gen.Double[0, 1], Gen.Byte, Gen.Int[0, 1100],
        (kind, at, value, length) => new Edit(kind, at, value, length));

    private static byte[] Apply(byte[] packet, Edit[] edits)
    {
        var p = packet.ToList();
        foreach (var e in edits)
        {
            var at = Math.Min(Math.Max(p.Count - 1, 0), (int)(e.At * p.Count));
            switch (e.Kind)
            {
                case 0 when p.Count > 0: p[at] ^= (byte)(1 << (e.Value % 8)); break; // a bit
                case 1 when p.Count > 0: p[at] = e.Value; break; // a byte
                case 2: p.RemoveRange(at, Math.Min(e.Length % 64, p.Count - at)); break; // cut
                case 3: p.InsertRange(at, Enumerable.Repeat(e.Value, e.Length)); break; // extend
                case 4 when p.Count > 0: p[0] = (byte)((p[0] & 0xf0) | (e.Value & 0x0f)); break; // IP header length
                case 5 when p.Count > 3: p[2] = (byte)(e.Length >> 8); p[3] = (byte)e.Length; break; // IP total length
                case 6 when p.Count > 23: p[(4 * (p[0] & 0x0f)) + 3 < p.Count ? (4 * (p[0] & 0x0f)) + 3 : 23] = e.Value; break; // VRRP address count
                default: if (p.Count > 8) { p[8] = e.Value; } break; // TTL
            }
        }

        return [.. p];
    }

    /// <summary>The policy of the instance a captured packet was sent to: its VRID and version, the sender as peer.</summary>
    private static (AdvertPolicy Plain, AdvertPolicy Hmac) Policies(byte[] packet, TimeProvider clock)
    {
        var headerLength = (packet[0] & 0x0f) * 4;
        var version = packet[headerLength] >> 4;
        var config = new VrrpInstanceConfig("VI_FUZZ", "eth0", packet[headerLength + 1])
        {
            Version = version,
            AdvertInterval = version == 2 ? TimeSpan.FromSeconds(packet[headerLength + 5]) : TimeSpan.FromMilliseconds(10 * (((packet[headerLength + 4] & 0x0f) << 8) | packet[headerLength + 5])),
            AuthType = version == 2 ? (AuthType)Math.Min((int)packet[headerLength + 4], 1) : AuthType.None,
            AuthPass = "1111",
            UnicastPeers = [new UnicastPeer(new IPAddress(packet.AsSpan(12, 4)))],
            VirtualIps = [.. Enumerable.Range(0, packet[headerLength + 3]).Select(i => new VirtualIp(new IPAddress(packet.AsSpan(headerLength + 8 + (4 * i), 4))))],
        };
        var own = new IPAddress(packet.AsSpan(16, 4));
        var hmac = new HmacAuthConfig { Keys = [new HmacKey(1, [.. Key])], ActiveKey = 1, Mode = HmacMode.Enforce };
        var plain = AdvertPolicy.From(config, own);
        return (plain, plain with { Hmac = new HmacVerifier(hmac, hmac.Window(config.AdvertInterval), clock) });
    }
}
