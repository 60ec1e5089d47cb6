using System.Collections.Concurrent;
using System.Net;

namespace HaCluster.Agent.Net;

/// <summary>
/// One raw socket and one receive thread per (interface, source address), shared by every instance that advertises
/// from there, with packets handed to the instances of the VRID they carry. Per-instance sockets would each get a copy
/// of every packet and need a thread each.
/// </summary>
public sealed class SocketHub : IDisposable
{
    private readonly ConcurrentDictionary<(string Interface, IPAddress Source, bool Multicast), SharedSocket> _sockets = new();

    public SharedSocket Acquire(string interfaceName, int interfaceIndex, IPAddress source, bool multicast)
    {
        lock (_sockets)
        {
            var key = (interfaceName, source, multicast);
            var socket = _sockets.GetOrAdd(key, _ => new SharedSocket(interfaceName, interfaceIndex, source, multicast, s => Release(key, s)));
            socket.Users++;
            return socket;
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Close();
        }
    }

    /// <summary>The last user's release closes the socket, under the same lock as <see cref="Acquire"/>.</summary>
    private void Release((string, IPAddress, bool) key, SharedSocket socket)
    {
        lock (_sockets)
        {
            if (--socket.Users == 0)
            {
                _sockets.TryRemove(key, out _);
                socket.Close();
            }
        }
    }
}

/// <summary>A shared VRRP socket: send from one source, receive for many instances, dispatched by VRID.</summary>
public sealed class SharedSocket
{
    private const int VrrpHeaderOffsetMax = 60;
    private readonly VrrpSocket _sender;
    private readonly VrrpSocket _receiver;
    private readonly Action<SharedSocket> _release;
    private readonly Lock _lock = new();
    // An immutable snapshot, replaced on (un)register: the receive loop reads it without locking or allocating.
    private volatile (object Token, byte Vrid, PacketHandler Handler)[] _handlers = [];

    public delegate void PacketHandler(ReadOnlySpan<byte> packet);

    internal SharedSocket(string interfaceName, int interfaceIndex, IPAddress source, bool multicast, Action<SharedSocket> release)
    {
        _release = release;
        _sender = multicast ? VrrpSocket.OpenMulticastSender(source, interfaceName) : VrrpSocket.OpenUnicast(source, interfaceName, 255);
        _receiver = multicast ? VrrpSocket.OpenMulticastReceiver(interfaceName, interfaceIndex) : _sender;
        new Thread(ReceiveLoop) { IsBackground = true, Name = $"vrrp-rx-{interfaceName}" }.Start();
    }

    public void Send(ReadOnlySpan<byte> payload, IPAddress destination, byte ttl)
    {
        lock (_lock)
        {
            _sender.Ttl = ttl;
            _sender.Send(payload, destination);
        }
    }

    /// <summary>Receives the packets carrying <paramref name="vrid"/> (and any too short to tell); dispose to stop.</summary>
    public IDisposable Register(byte vrid, PacketHandler handler)
    {
        var token = new object();
        lock (_lock)
        {
            _handlers = [.. _handlers, (token, vrid, handler)];
        }

        return new Registration(() => Unregister(token));
    }

    /// <summary>Instances holding the socket; guarded by the hub's lock.</summary>
    internal int Users { get; set; }

    internal void Close()
    {
        _sender.Dispose();
        if (_receiver != _sender)
        {
            _receiver.Dispose();
        }
    }

    private void Unregister(object token)
    {
        lock (_lock)
        {
            _handlers = [.. _handlers.Where(h => h.Token != token)];
        }

        _release(this);
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[65536];
        int length;
        while ((length = _receiver.Receive(buffer)) >= 0)
        {
            if (length > 0)
            {
                Dispatch(buffer.AsSpan(0, length));
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> packet)
    {
        // The VRID is the second byte after the IP header; what is too short to tell goes to everyone to count.
        var headerLength = packet.Length > 0 ? (packet[0] & 0x0f) * 4 : 0;
        int? vrid = headerLength is >= 20 and <= VrrpHeaderOffsetMax && packet.Length > headerLength + 1 ? packet[headerLength + 1] : null;
        foreach (var (_, wanted, handler) in _handlers)
        {
            if (vrid is null || vrid == wanted)
            {
                handler(packet);
            }
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
