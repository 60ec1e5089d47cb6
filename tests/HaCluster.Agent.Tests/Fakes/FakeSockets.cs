using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Fakes;

/// <summary>VRRP channels that record what is sent and deliver what a test says a peer sent.</summary>
internal sealed class FakeSockets : IVrrpSockets
{
    private readonly ConcurrentDictionary<SocketSpec, FakeChannel> _channels = new();

    public IReadOnlyDictionary<string, long> ReceiveErrors { get; } = new Dictionary<string, long>();

    public IVrrpChannel Acquire(SocketSpec spec) => _channels.GetOrAdd(spec, s => new FakeChannel(s));

    public FakeChannel Channel(string source) => _channels.Values.Single(c => c.Spec.Source.Equals(IPAddress.Parse(source)));

    /// <summary>Every advert sent from <paramref name="source"/>, decoded, in order.</summary>
    public IReadOnlyList<Sent> SentFrom(string source) => _channels.TryGetValue(_channels.Keys.FirstOrDefault(k => k.Source.Equals(IPAddress.Parse(source)))!, out var c) ? c.Sent : [];

    public void Dispose()
    {
    }

    /// <summary>One advert as it left: to whom, with which TTL, what it said.</summary>
    public sealed record Sent(IPAddress Destination, byte Ttl, byte Priority, byte Vrid)
    {
        /// <summary>The VRRP payload's length (28 more with an auth_hmac trailer).</summary>
        public int Length { get; init; }
    }
}

internal sealed class FakeChannel(SocketSpec spec) : IVrrpChannel
{
    private readonly Lock _lock = new();
    private readonly List<FakeSockets.Sent> _sent = [];
    private (byte Vrid, PacketHandler Handler)[] _handlers = [];

    public SocketSpec Spec { get; } = spec;

    public IReadOnlyList<FakeSockets.Sent> Sent
    {
        get
        {
            lock (_lock)
            {
                return [.. _sent];
            }
        }
    }

    public void Send(ReadOnlySpan<byte> payload, IPAddress destination, byte ttl)
    {
        lock (_lock)
        {
            _sent.Add(new FakeSockets.Sent(destination, ttl, payload[2], payload[1]) { Length = payload.Length });
        }
    }

    public IDisposable Register(byte vrid, PacketHandler handler)
    {
        lock (_lock)
        {
            _handlers = [.. _handlers, (vrid, handler)];
        }

        return new Unregister(() =>
        {
            lock (_lock)
            {
                _handlers = [.. _handlers.Where(h => h.Handler != handler)];
            }
        });
    }

    /// <summary>A peer's advert arrives (IPv4 header included), as the receive thread would hand it over.</summary>
    public void Deliver(IPAddress from, VrrpAdvert advert, byte ttl = 255, ChecksumMode mode = ChecksumMode.Standard)
    {
        var packet = Packet(from, Spec.Source, advert, ttl, mode);
        foreach (var (vrid, handler) in _handlers)
        {
            if (vrid == advert.VirtualRouterId)
            {
                handler(packet);
            }
        }
    }

    public static byte[] Packet(IPAddress from, IPAddress to, VrrpAdvert advert, byte ttl, ChecksumMode mode)
    {
        var body = new byte[VrrpCodec.MaxPacketLength];
        var length = VrrpCodec.Encode(advert, from, to, mode, body);
        var packet = new byte[20 + length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = ttl;
        packet[9] = 112;
        from.TryWriteBytes(packet.AsSpan(12, 4), out _);
        to.TryWriteBytes(packet.AsSpan(16, 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, 20)));
        body.AsSpan(0, length).CopyTo(packet.AsSpan(20));
        return packet;
    }

    private sealed class Unregister(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
