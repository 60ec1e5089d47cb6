using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>What every instance's network edge is built on: netlink, gratuitous ARP, the VRRP sockets, the clock.</summary>
public sealed record NetworkEdges(INetworkControl Network, IGarpSender Garp, IVrrpSockets Sockets, TimeProvider Time);

/// <summary>One instance's network edge: its VRRP sockets and receive thread, its VIPs (netlink) and GARPs.</summary>
public sealed partial class InstanceIo : IInstanceIo
{
    private readonly VrrpInstanceConfig _config;
    private readonly IPAddress _source;
    private readonly LinkInfo _link;
    private readonly INetworkControl _network;
    private readonly IGarpSender _garp;
    private volatile AdvertPolicy _policy;
    private readonly InstanceCounters _counters;
    private readonly ILogger _logger;
    private readonly ImmutableArray<IPAddress> _destinations;
    // Built once per authentication; only the priority varies between adverts.
    private volatile VrrpAdvert _advert;
    private readonly IVrrpChannel _socket;
    private readonly TimeProvider _time;
    private readonly DropLog _dropLog;
    private volatile HmacSigner? _signer;
    private readonly IDisposable _registration;
    private volatile Func<VrrpEvent, bool>? _post;
    private volatile bool _disposed;
    // Only the thread reading the shared socket touches it.
    private VrrpEvent.AdvertReceived? _lastReceived;

    public InstanceIo(VrrpInstanceConfig config, IPAddress source, LinkInfo link, NetworkEdges edges, InstanceCounters counters, ILogger logger)
    {
        (_config, _source, _link, _network, _garp, _time, _counters, _logger) = (config, source, link, edges.Network, edges.Garp, edges.Time, counters, logger);
        _policy = AdvertPolicy.From(config, source) with
        {
            Hmac = config.Hmac is { } hmac ? new HmacVerifier(hmac, hmac.Window(config.AdvertInterval), edges.Time) : null,
            GuardedPeers = TtlGuard.OnLinkPeers(config.UnicastPeers,
                edges.Network.GetAddresses().Where(a => a.InterfaceIndex == link.Index).Select(a => (a.Address, a.PrefixLength))),
        };
        _signer = config.Hmac is { Signs: true } signing ? new HmacSigner(signing, signing.Window(config.AdvertInterval), edges.Time) : null;
        _dropLog = new DropLog(config.Name, edges.Time, logger);
        _advert = new VrrpAdvert(config.Version, config.VirtualRouterId, config.Priority, config.AdvertInterval, [.. config.VirtualIps.Select(v => v.Address)])
        {
            AuthType = _policy.AuthType,
            AuthData = _policy.AuthData,
        };
        _destinations = config.IsUnicast ? [.. config.UnicastPeers.Select(p => p.Address)] : [VrrpCodec.VrrpMulticastGroup];
        _socket = edges.Sockets.Acquire(new SocketSpec(config.Interface, link.Index, source, Multicast: !config.IsUnicast));
        _registration = _socket.Register(config.VirtualRouterId, packet =>
        {
            if (_post is { } post)
            {
                Dispatch(packet, post);
            }
        });
    }

    /// <summary>Starts taking this instance's packets from the shared socket; accepted adverts go to <paramref name="post"/>.</summary>
    public void StartReceiving(Func<VrrpEvent, bool> post)
    {
        // The netlink and ARP paths of a takeover, once, without changing anything.
        CheckVirtualIps();
        GarpSender.BuildFrame(_link.Mac.Length >= 6 ? _link.Mac : new byte[6], _source);
        _post = post;
    }

    /// <summary>
    /// A new authentication (password, HMAC keys or mode) for a running instance, in place: the next advert is sent
    /// with it and the next one received checked with it, with no restart — a key rotation or a PASS → HMAC step moves
    /// no VIP. Called on a reload; the receive thread and the engine each pick the new one up at their next packet.
    /// </summary>
    public void SetAuthentication(VrrpInstanceConfig config)
    {
        var policy = AdvertPolicy.From(config, _source);
        _advert = _advert with { AuthType = policy.AuthType, AuthData = policy.AuthData };
        _signer = config.Hmac is { Signs: true } signing ? new HmacSigner(signing, signing.Window(config.AdvertInterval), _time) : null;
        _policy = _policy with
        {
            AuthType = policy.AuthType,
            AuthData = policy.AuthData,
            Decoding = policy.Decoding,
            Hmac = config.Hmac is { } hmac ? new HmacVerifier(hmac, hmac.Window(config.AdvertInterval), _time) : null,
        };
    }

    /// <summary>On-link peers whose adverts must arrive with TTL 255 (for --check and the start log).</summary>
    public IReadOnlyCollection<IPAddress> GuardedPeers => _policy.GuardedPeers;

    public void SendAdvert(byte priority)
    {
        var current = _advert;
        var signer = _signer;
        var advert = priority == current.Priority ? current : current with { Priority = priority };
        Span<byte> buffer = stackalloc byte[VrrpCodec.MaxPacketLength + HmacTrailer.Length];
        Span<byte> trailer = stackalloc byte[HmacTrailer.Length];
        var signed = false;
        foreach (var destination in _destinations)
        {
            var length = VrrpCodec.Encode(advert, _source, destination, _config.ChecksumMode, buffer);
            if (signer is not null)
            {
                // Signed once per advert: the HMAC covers neither the destination nor the checksum, so every copy shares it.
                if (!signed)
                {
                    signer.Sign(buffer[..length], _source, trailer);
                    _counters.HmacSignedOne();
                    signed = true;
                }

                trailer.CopyTo(buffer[length..]);
                length += HmacTrailer.Length;
            }

            try
            {
                _socket.Send(buffer[..length], destination, _config.UnicastTtl);
                _counters.AdvertSent(priority);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _counters.SendFailed();
                _dropLog.SendFailed(destination, e.Message);
            }
        }
    }

    public string? AddVirtualIps() => BindVirtualIps(dryRun: false);

    public string? CheckVirtualIps() => BindVirtualIps(dryRun: true);

    private string? BindVirtualIps(bool dryRun)
    {
        var present = _network.GetAddresses();
        foreach (var vip in _config.VirtualIps)
        {
            if (LinkOf(vip) is not { } link)
            {
                return $"{vip}: interface {vip.Device ?? _config.Interface} not found";
            }

            if (present.FirstOrDefault(a => a.Address.Equals(vip.Address)) is { } existing)
            {
                if (existing.InterfaceIndex != link.Index)
                {
                    return $"{vip}: address already in use on {InterfaceName(existing.InterfaceIndex)}";
                }

                continue;
            }

            var errno = dryRun ? 0 : _network.AddAddress(link.Index, vip);
            if (errno is not 0 and not LibC.EEXIST)
            {
                return $"{vip} on {link.Name}: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
        }

        return null;
    }

    /// <summary>
    /// The link a VIP goes on: the instance's own one, known since the start (its socket is bound to that index too),
    /// without asking the kernel on every takeover; another device (<c>dev</c>) is looked up.
    /// </summary>
    private LinkInfo? LinkOf(VirtualIp vip) =>
        vip.Device is not { } device || device == _link.Name ? _link : _network.GetLink(device);

    private string InterfaceName(int index) => _network.GetLink(index)?.Name ?? $"interface index {index}";

    public void RemoveVirtualIps()
    {
        foreach (var vip in _config.VirtualIps)
        {
            if (LinkOf(vip) is { } link
                && _network.DeleteAddress(link.Index, vip.Address, vip.PrefixLength) is var errno and not 0 and not LibC.EADDRNOTAVAIL)
            {
                NetLog.VipRemoveFailed(_logger, _config.Name, vip.ToString(), Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    public void SendGratuitousArps(int count)
    {
        var interval = _config.GarpInterval;
        if (interval <= TimeSpan.Zero)
        {
            SendGarpRounds(count);
            return;
        }

        // Spaced GARPs (vrrp_garp_interval) must not hold up the engine thread.
        _ = SendSpacedGarpsAsync(count, interval);
    }

    public void Dispose()
    {
        _disposed = true;
        _registration.Dispose();
    }

    private void SendGarpRounds(int count)
    {
        for (var round = 0; round < count && !_disposed; round++)
        {
            SendGarpRound();
        }
    }

    private async Task SendSpacedGarpsAsync(int count, TimeSpan interval)
    {
        for (var round = 0; round < count && !_disposed; round++)
        {
            if (round > 0)
            {
                await Task.Delay(interval, _time).ConfigureAwait(false);
            }

            SendGarpRound();
        }
    }

    private void SendGarpRound()
    {
        foreach (var vip in _config.VirtualIps)
        {
            var link = LinkOf(vip) ?? _link;
            if (_garp.Send(link.Index, link.Mac, vip.Address) is var errno and not 0)
            {
                NetLog.GarpFailed(_logger, _config.Name, vip.ToString(), Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> packet, Func<VrrpEvent, bool> post)
    {
        var policy = _policy;
        var reason = AdvertFilter.Accept(packet, policy, out var ip, out var advert, out var unsigned);
        if (reason == DropReason.None && advert is not null)
        {
            if (policy.Hmac is not null)
            {
                _counters.HmacAccepted(unsigned);
            }

            _counters.AdvertReceived(advert.Priority);
            // The same event as the last one (the steady stream from the master) is posted again, not allocated again.
            var received = _lastReceived;
            if (received is null || !ReferenceEquals(received.Source, ip.Source) || received.Priority != advert.Priority || received.AdvertInterval != advert.AdvertInterval)
            {
                _lastReceived = received = new VrrpEvent.AdvertReceived(ip.Source, advert.Priority, advert.AdvertInterval);
            }

            if (!post(received))
            {
                _dropLog.Dropped(_counters.Dropped(DropReason.QueueFull), DropReason.QueueFull, ip.Source);
            }
        }
        else if (reason is not (DropReason.OwnPacket or DropReason.VirtualRouterId))
        {
            // Other instances' VRIDs reach every socket bound to the address: not a fault, not counted as one.
            _dropLog.Dropped(_counters.Dropped(reason), reason, ip.Source);
        }
    }
}
