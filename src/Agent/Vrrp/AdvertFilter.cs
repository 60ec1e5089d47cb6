using System.Collections.Immutable;
using System.Net;
using System.Text;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Vrrp;

/// <summary>What a received advert must match to reach the state machine (RFC 3768 §7.1, RFC 5798 §7.1, plus peer checks).</summary>
public sealed record AdvertPolicy(byte VirtualRouterId, int Version, TimeSpan AdvertInterval, IPAddress OwnAddress)
{
    public AuthType AuthType { get; init; }
    public ImmutableArray<byte> AuthData { get; init; } = [];
    public ImmutableArray<IPAddress> VirtualIps { get; init; } = [];
    public bool SkipCheckAddresses { get; init; }
    public ImmutableArray<UnicastPeer> Peers { get; init; } = [];
    public ChecksumMode ChecksumMode { get; init; }

    /// <summary>auth_hmac: checks each advert's trailer (and keeps the replay marks); null without auth_hmac.</summary>
    public HmacVerifier? Hmac { get; init; }

    /// <summary>On-link unicast peers without min_ttl/max_ttl: their adverts must arrive with TTL 255 (RFC 5082's guard).</summary>
    public ImmutableHashSet<IPAddress> GuardedPeers { get; init; } = [];

    /// <summary>The addresses, VIP list and password this instance expects, so that its peers' adverts decode without allocating.</summary>
    public DecodeCache Decoding { get; init; } = DecodeCache.None;

    public bool IsUnicast => !Peers.IsEmpty;

    public static AdvertPolicy From(VrrpInstanceConfig config, IPAddress ownAddress)
    {
        var authData = config.AuthType == AuthType.Pass ? AuthBytes(config.AuthPass) : [];
        return new(config.VirtualRouterId, config.Version, config.AdvertInterval, ownAddress)
        {
            AuthType = config.Version == 2 ? config.AuthType : AuthType.None,
            AuthData = authData,
            VirtualIps = [.. config.VirtualIps.Select(v => v.Address).Order(IPAddressComparer.Instance)],
            SkipCheckAddresses = config.SkipCheckAdvertAddresses,
            Peers = config.UnicastPeers.AsImmutableArray(),
            ChecksumMode = config.ChecksumMode,
            Decoding = new DecodeCache([ownAddress, VrrpCodec.VrrpMulticastGroup, .. config.UnicastPeers.Select(p => p.Address)],
                [.. config.VirtualIps.Select(v => v.Address)], authData),
        };
    }

    /// <summary>keepalived's auth_pass: up to 8 bytes, NUL-padded.</summary>
    public static ImmutableArray<byte> AuthBytes(string? password)
    {
        var bytes = new byte[VrrpCodec.AuthDataLength];
        var text = Encoding.ASCII.GetBytes(password ?? "");
        text.AsSpan(0, Math.Min(bytes.Length, text.Length)).CopyTo(bytes);
        return [.. bytes];
    }
}

public static class AdvertFilter
{
    /// <summary>Decodes a raw IPv4 packet and checks it against the instance; never throws.</summary>
    public static DropReason Accept(ReadOnlySpan<byte> packet, AdvertPolicy policy, out IPv4Header ip, out VrrpAdvert? advert) =>
        Accept(packet, policy, out ip, out advert, out _);

    /// <summary>
    /// As above; <paramref name="unsigned"/> says an accepted advert had no auth_hmac trailer (allowed by a
    /// permissive or receive-only instance). Authentication comes after the origin checks (own packet, VRID, peer,
    /// TTL, version) and before any advert field is looked at.
    /// </summary>
    public static DropReason Accept(ReadOnlySpan<byte> packet, AdvertPolicy policy, out IPv4Header ip, out VrrpAdvert? advert, out bool unsigned)
    {
        advert = null;
        unsigned = false;
        var reason = VrrpCodec.TryDecodeIPv4(packet, policy.Decoding, out ip, out var offset, out var length);
        if (reason != DropReason.None)
        {
            return reason;
        }

        var payload = packet.Slice(offset, length);
        reason = VrrpCodec.TryDecode(payload, ip.Source, ip.Destination, policy.ChecksumMode, policy.Hmac is not null, policy.Decoding, out advert,
            out var messageLength);
        if (reason != DropReason.None || (reason = CheckOrigin(policy, ip, advert!)) != DropReason.None)
        {
            return reason;
        }

        if (policy.Hmac is { } hmac
            && (reason = hmac.Check(payload[..messageLength], payload[messageLength..], ip.Source, policy.IsUnicast, out unsigned)) != DropReason.None)
        {
            return reason;
        }

        return CheckFields(policy, advert!);
    }

    public static DropReason Check(AdvertPolicy policy, IPv4Header ip, VrrpAdvert advert) =>
        CheckOrigin(policy, ip, advert) is var origin and not DropReason.None ? origin : CheckFields(policy, advert);

    /// <summary>Who sent it: not ourselves, our VRID, a configured peer with an acceptable TTL, our version.</summary>
    private static DropReason CheckOrigin(AdvertPolicy policy, IPv4Header ip, VrrpAdvert advert)
    {
        if (ip.Source.Equals(policy.OwnAddress))
        {
            return DropReason.OwnPacket;
        }

        if (advert.VirtualRouterId != policy.VirtualRouterId)
        {
            return DropReason.VirtualRouterId;
        }

        return CheckSource(policy, ip) is var source and not DropReason.None ? source
            : advert.Version != policy.Version ? DropReason.Version
            : DropReason.None;
    }

    /// <summary>What it says: the v2 auth type and password, the interval, the address list.</summary>
    private static DropReason CheckFields(AdvertPolicy policy, VrrpAdvert advert) =>
        CheckAuth(policy, advert) is var auth and not DropReason.None ? auth
            : policy.Version == 2 && advert.AdvertInterval != policy.AdvertInterval ? DropReason.AdvertInterval
            : !policy.SkipCheckAddresses && !SameAddresses(policy.VirtualIps, advert.Addresses) ? DropReason.AddressList
            : DropReason.None;

    private static DropReason CheckSource(AdvertPolicy policy, IPv4Header ip)
    {
        if (!policy.IsUnicast)
        {
            // Multicast adverts must not have crossed a router (RFC 3768 §7.1).
            return ip.Ttl == 255 ? DropReason.None : DropReason.IpTtl;
        }

        // Stricter than keepalived: only configured peers may take part in the election.
        UnicastPeer? peer = null;
        foreach (var candidate in policy.Peers) // a loop, not a lambda: nothing allocated per packet
        {
            if (candidate.Address.Equals(ip.Source))
            {
                peer = candidate;
                break;
            }
        }

        if (peer is null)
        {
            return DropReason.UnknownPeer;
        }

        // A peer in a connected subnet cannot be more than one hop away: anything but TTL 255 was sent from elsewhere
        // (RFC 5082). Routed peers are checked only where min_ttl/max_ttl are configured, as keepalived does.
        if (policy.GuardedPeers.Contains(peer.Address))
        {
            return ip.Ttl == 255 ? DropReason.None : DropReason.IpTtl;
        }

        return (peer.MinTtl is { } min && ip.Ttl < min) || (peer.MaxTtl is { } max && ip.Ttl > max) ? DropReason.IpTtl : DropReason.None;
    }

    private static DropReason CheckAuth(AdvertPolicy policy, VrrpAdvert advert)
    {
        if (policy.Version != 2)
        {
            return DropReason.None;
        }

        if (advert.AuthType != policy.AuthType)
        {
            return DropReason.AuthTypeMismatch;
        }

        return policy.AuthType == AuthType.Pass && !advert.AuthData.AsSpan().SequenceEqual(policy.AuthData.AsSpan())
            ? DropReason.AuthFailure
            : DropReason.None;
    }

    /// <summary>The same addresses in any order (ours are sorted); in order, as almost always, it compares without sorting or allocating.</summary>
    private static bool SameAddresses(ImmutableArray<IPAddress> ours, ImmutableArray<IPAddress> theirs)
    {
        if (ours.Length != theirs.Length)
        {
            return false;
        }

        var inOrder = true;
        for (var i = 0; i < ours.Length && inOrder; i++)
        {
            inOrder = ours[i].Equals(theirs[i]);
        }

        return inOrder || ours.SequenceEqual(theirs.Order(IPAddressComparer.Instance));
    }
}

/// <summary>Which unicast peers the TTL-255 guard covers: those inside a subnet connected to the instance's interface, without min_ttl/max_ttl of their own.</summary>
public static class TtlGuard
{
    public static ImmutableHashSet<IPAddress> OnLinkPeers(IEnumerable<UnicastPeer> peers, IEnumerable<(IPAddress Address, int PrefixLength)> connected)
    {
        var subnets = connected.Where(a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        return [.. peers.Where(p => p.MinTtl is null && p.MaxTtl is null && subnets.Any(s => SameSubnet(p.Address, s.Address, s.PrefixLength))).Select(p => p.Address)];
    }

    private static bool SameSubnet(IPAddress a, IPAddress b, int prefixLength)
    {
        if (a.AddressFamily != b.AddressFamily || prefixLength is < 0 or > 32)
        {
            return false;
        }

        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        Span<byte> x = stackalloc byte[4];
        Span<byte> y = stackalloc byte[4];
        a.TryWriteBytes(x, out _);
        b.TryWriteBytes(y, out _);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(x) & mask) == (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(y) & mask);
    }
}

public sealed class IPAddressComparer : IComparer<IPAddress>
{
    public static readonly IPAddressComparer Instance = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        x.TryWriteBytes(a, out var la);
        y.TryWriteBytes(b, out var lb);
        return a[..la].SequenceCompareTo(b[..lb]);
    }
}
