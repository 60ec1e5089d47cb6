using System.Collections.Immutable;
using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Wire;

/// <summary>One VRRP advertisement (RFC 3768 §5.1 for v2, RFC 5798 §5.1 for v3), without its IP header.</summary>
public sealed record VrrpAdvert(
    int Version,
    byte VirtualRouterId,
    byte Priority,
    TimeSpan AdvertInterval,
    ImmutableArray<IPAddress> Addresses)
{
    public AuthType AuthType { get; init; }

    /// <summary>The 8 bytes of simple-text authentication data (v2, auth type 1), NUL-padded.</summary>
    public ImmutableArray<byte> AuthData { get; init; } = [];
}

/// <summary>The fields of the IPv4 header the receive path checks.</summary>
public readonly record struct IPv4Header(IPAddress Source, IPAddress Destination, byte Ttl, byte Protocol, int HeaderLength, int TotalLength);
