using System.Net;
using System.Net.Sockets;
using System.Text;
using HaCluster.Agent.Wire;

namespace HaCluster.Agent.Net;

/// <summary>
/// A raw IPv4 protocol-112 socket. .NET refuses <c>new Socket(..., (ProtocolType)112)</c>, so the fd comes from
/// libc and is wrapped. Received buffers include the IP header.
/// </summary>
public sealed class VrrpSocket : IPacketSocket
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const byte TosInternetControl = 0xc0;
    private readonly Socket _socket;
    private readonly int _fd;
    // Destinations serialised once: an advert allocates nothing (peers are few and fixed).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPAddress, SocketAddress> _addresses = new();
    private int _ttl = -1;
    private volatile bool _disposed;

    private VrrpSocket(Socket socket, int fd) => (_socket, _fd) = (socket, fd);

    public int Handle => _disposed ? -1 : _fd;

    /// <summary>A socket bound to our unicast source on one interface: sends to peers and receives what they send us.</summary>
    public static VrrpSocket OpenUnicast(IPAddress source, string interfaceName, byte ttl)
    {
        var socket = Create(interfaceName);
        socket.Bind(new IPEndPoint(source, 0));
        socket.Ttl = ttl;
        return new VrrpSocket(socket, (int)socket.Handle);
    }

    /// <summary>Sends to 224.0.0.18 from <paramref name="source"/> with TTL 255 (RFC 5798 §5.1.1.3).</summary>
    public static VrrpSocket OpenMulticastSender(IPAddress source, string interfaceName)
    {
        var socket = Create(interfaceName);
        socket.Bind(new IPEndPoint(source, 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, source.GetAddressBytes());
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
        return new VrrpSocket(socket, (int)socket.Handle);
    }

    /// <summary>The sockets of one channel: for unicast one bound to our source for both ways; for multicast a sender and a group member.</summary>
    public static SocketPair OpenPair(SocketSpec spec)
    {
        if (!spec.Multicast)
        {
            var socket = OpenUnicast(spec.Source, spec.Interface, 255);
            return new SocketPair(socket, socket);
        }

        var sender = OpenMulticastSender(spec.Source, spec.Interface);
        try
        {
            return new SocketPair(sender, OpenMulticastReceiver(spec.Interface, spec.InterfaceIndex));
        }
        catch
        {
            sender.Dispose();
            throw;
        }
    }

    /// <summary>Receives adverts sent to 224.0.0.18 on one interface (not bound to an address: that would filter them).</summary>
    public static VrrpSocket OpenMulticastReceiver(string interfaceName, int interfaceIndex)
    {
        var socket = Create(interfaceName);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(VrrpCodec.VrrpMulticastGroup, interfaceIndex));
        return new VrrpSocket(socket, (int)socket.Handle);
    }

    public void Send(ReadOnlySpan<byte> payload, IPAddress destination) =>
        _socket.SendTo(payload, SocketFlags.None, _addresses.GetOrAdd(destination, static d => new IPEndPoint(d, 0).Serialize()));

    /// <summary>Unicast TTL of the next sends; instances sharing the socket may differ (unicast_ttl).</summary>
    /// <remarks>Remembered here: reading Socket.Ttl is a getsockopt, which every advert would pay.</remarks>
    public byte Ttl
    {
        get => _ttl >= 0 ? (byte)_ttl : (byte)_socket.Ttl;
        set
        {
            if (_ttl != value)
            {
                _socket.Ttl = value;
                _ttl = value;
            }
        }
    }

    /// <summary>Blocks for a packet: its length, or -1 once this socket was disposed; any other failure throws.</summary>
    public int Receive(Span<byte> buffer)
    {
        while (true)
        {
            try
            {
                return _socket.Receive(buffer, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.Interrupted && !_disposed)
            {
                // A signal: not an error, receive again.
            }
            catch (Exception e) when (_disposed && e is ObjectDisposedException or SocketException)
            {
                return -1;
            }
        }
    }

    /// <summary>Without blocking (MSG_DONTWAIT, no exception for "nothing waiting"): a length, -1 if none waits, 0 once shut down.</summary>
    public int TryReceive(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var length = LibC.Recv(_fd, buffer, buffer.Length, LibC.MSG_DONTWAIT);
        if (length >= 0)
        {
            return (int)length;
        }

        var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return error is LibC.EAGAIN or LibC.EINTR ? -1 : throw new SocketException(error);
    }

    /// <summary>Wakes a thread blocked in <see cref="Receive"/> (closing an fd alone does not), then closes.</summary>
    public void Dispose()
    {
        _disposed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Unconnected raw sockets report ENOTCONN, but the shutdown still wakes the receiver.
        }

        _socket.Dispose();
    }

    private static Socket Create(string interfaceName)
    {
        var fd = LibC.OpenSocket(LibC.AF_INET, LibC.SOCK_RAW, InternetChecksum.VrrpProtocol);
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, TosInternetControl);
            socket.DontFragment = false; // as keepalived: no DF on adverts
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
