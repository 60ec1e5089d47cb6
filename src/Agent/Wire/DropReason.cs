namespace HaCluster.Agent.Wire;

/// <summary>Why a received packet was not accepted. Each value is counted and logged, never thrown.</summary>
public enum DropReason
{
    None,
    /// <summary>Shorter than its headers or than its IP total length says.</summary>
    PacketLength,
    /// <summary>Not IPv4, bad IHL, or not protocol 112.</summary>
    IpHeader,
    /// <summary>VRRP version other than 2 or 3, or a version other than the instance's.</summary>
    Version,
    /// <summary>VRRP type other than 1 (Advertisement).</summary>
    InvalidType,
    Checksum,
    /// <summary>The address count does not match the packet length.</summary>
    AddressCount,
    /// <summary>An auth type this implementation does not know (2 = IP AH is obsolete).</summary>
    UnknownAuthType,
    AuthTypeMismatch,
    AuthFailure,
    IpTtl,
    /// <summary>Another VRID than any of ours on this socket.</summary>
    VirtualRouterId,
    /// <summary>The source is not one of the configured unicast peers.</summary>
    UnknownPeer,
    /// <summary>The advert's address list differs from ours (RFC 3768 §7.1; skipped with vrrp_skip_check_adv_addr).</summary>
    AddressList,
    /// <summary>v2 advert interval differs from ours (RFC 3768 §7.1).</summary>
    AdvertInterval,
    /// <summary>An advert that carries our own source address (our own packet looped back).</summary>
    OwnPacket,
    /// <summary>The instance's event queue is full (a flood); the packet is not processed.</summary>
    QueueFull,
    /// <summary>auth_hmac enforce: the advert carries no trailer.</summary>
    HmacMissing,
    /// <summary>auth_hmac: a trailer with another ext type or non-zero reserved bytes.</summary>
    HmacMalformed,
    /// <summary>auth_hmac: the timestamp is outside the window (checked before the digest).</summary>
    HmacStale,
    /// <summary>auth_hmac: a key id this instance does not have.</summary>
    HmacUnknownKey,
    /// <summary>auth_hmac: the HMAC does not verify (wrong key, forged or altered advert).</summary>
    HmacInvalid,
    /// <summary>auth_hmac: a sequence not after the last one accepted from that sender.</summary>
    HmacReplay,
}

public static class DropReasonNames
{
    /// <summary>
    /// The name used in logs and as the <c>reason</c> label: one per reason, so no two series share labels. The
    /// exporter-named counters group them the way keepalived counts (see MetricsText).
    /// </summary>
    public static string MetricName(this DropReason reason) => reason switch
    {
        DropReason.PacketLength => "packet_length",
        DropReason.IpHeader => "ip_header",
        DropReason.Version => "version",
        DropReason.InvalidType => "invalid_type",
        DropReason.Checksum => "checksum",
        DropReason.AddressCount => "address_count",
        DropReason.UnknownAuthType => "unknown_authtype",
        DropReason.AuthTypeMismatch => "authtype_mismatch",
        DropReason.AuthFailure => "auth_failure",
        DropReason.IpTtl => "ip_ttl",
        DropReason.VirtualRouterId => "vrid",
        DropReason.UnknownPeer => "unknown_peer",
        DropReason.AddressList => "address_list",
        DropReason.AdvertInterval => "advertisements_interval",
        DropReason.OwnPacket => "own_packet",
        DropReason.QueueFull => "queue_full",
        DropReason.HmacMissing => "hmac_missing",
        DropReason.HmacMalformed => "hmac_malformed",
        DropReason.HmacStale => "hmac_stale",
        DropReason.HmacUnknownKey => "hmac_unknown_key",
        DropReason.HmacInvalid => "hmac_invalid",
        DropReason.HmacReplay => "hmac_replay",
        _ => "none",
    };
}
