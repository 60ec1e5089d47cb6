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

    public bool IsUnicast => !Peers.IsEmpty;

    public static AdvertPolicy From(VrrpInstanceConfig config, IPAddress ownAddress) =>
        new(config.VirtualRouterId, config.Version, config.AdvertInterval, ownAddress)
        {
            AuthType = config.Version == 2 ? config.AuthType : AuthType.None,
            AuthData = config.AuthType == AuthType.Pass ? AuthBytes(config.AuthPass) : [],
            VirtualIps = [.. config.VirtualIps.Select(v => v.Address).Order(IPAddressComparer.Instance)],
            SkipCheckAddresses = config.SkipCheckAdvertAddresses,
            Peers = config.UnicastPeers.AsImmutableArray(),
            ChecksumMode = config.ChecksumMode,
        };

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
    public static DropReason Accept(ReadOnlySpan<byte> packet, AdvertPolicy policy, out IPv4Header ip, out VrrpAdvert? advert)
    {
        advert = null;
        var reason = VrrpCodec.TryDecodeIPv4(packet, out ip, out var offset, out var length);
        if (reason != DropReason.None)
        {
            return reason;
        }

        reason = VrrpCodec.TryDecode(packet.Slice(offset, length), ip.Source, ip.Destination, policy.ChecksumMode, out advert);
        return reason != DropReason.None ? reason : Check(policy, ip, advert!);
    }

    public static DropReason Check(AdvertPolicy policy, IPv4Header ip, VrrpAdvert advert)
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
            : CheckAuth(policy, advert) is var auth and not DropReason.None ? auth
            : policy.Version == 2 && advert.AdvertInterval != policy.AdvertInterval ? DropReason.AdvertInterval
            : !policy.SkipCheckAddresses && !SameAddresses(policy.VirtualIps, advert.Addresses) ? DropReason.AddressList
            : DropReason.None;
    }

    private static DropReason CheckSource(AdvertPolicy policy, IPv4Header ip)
    {
        if (!policy.IsUnicast)
        {
            // Multicast adverts must not have crossed a router (RFC 3768 §7.1).
            return ip.Ttl == 255 ? DropReason.None : DropReason.IpTtl;
        }

        // Stricter than keepalived: only configured peers may take part in the election.
        var peer = policy.Peers.FirstOrDefault(p => p.Address.Equals(ip.Source));
        if (peer is null)
        {
            return DropReason.UnknownPeer;
        }

        // Unicast peers may be routed: TTL is only checked where min_ttl/max_ttl are configured, as keepalived does.
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

    private static bool SameAddresses(ImmutableArray<IPAddress> ours, ImmutableArray<IPAddress> theirs) =>
        ours.Length == theirs.Length && ours.SequenceEqual(theirs.Order(IPAddressComparer.Instance));
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
