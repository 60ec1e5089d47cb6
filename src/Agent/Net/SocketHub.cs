using System.Collections.Concurrent;
using System.Net;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>Where a VRRP socket sends from and listens on.</summary>
public sealed record SocketSpec(string Interface, int InterfaceIndex, IPAddress Source, bool Multicast);

/// <summary>The edge for VRRP packets: one shared channel per interface and source (a fake one in tests).</summary>
public interface IVrrpSockets : IDisposable
{
    /// <summary>The channel for <paramref name="spec"/>, shared by every instance there; dispose its registration to release it.</summary>
    IVrrpChannel Acquire(SocketSpec spec);

    /// <summary>Receive errors since start, by interface (each one logged, and its socket reopened).</summary>
    IReadOnlyDictionary<string, long> ReceiveErrors { get; }
}

/// <summary>Sends from one source; hands the packets of a VRID to the instances registered for it.</summary>
public interface IVrrpChannel
{
    void Send(ReadOnlySpan<byte> payload, IPAddress destination, byte ttl);

    /// <summary>Receives the packets carrying <paramref name="vrid"/> (and any too short to tell); dispose to stop.</summary>
    IDisposable Register(byte vrid, PacketHandler handler);
}

public delegate void PacketHandler(ReadOnlySpan<byte> packet);

/// <summary>
/// One raw socket and one receive thread per (interface, source address), shared by every instance that advertises
/// from there, with packets handed to the instances of the VRID they carry. Per-instance sockets would each get a copy
/// of every packet and need a thread each.
/// </summary>
/// <param name="poller">The engine's sleep, which then reads the sockets (null: a receive thread per socket).</param>
public sealed class SocketHub(ILogger logger, TimeProvider time, Func<SocketSpec, SocketPair>? open = null, IVrrpThreads? threads = null, PollWait? poller = null) : IVrrpSockets
{
    private readonly ConcurrentDictionary<SocketSpec, SharedSocket> _sockets = new();
    private readonly ConcurrentDictionary<string, long> _receiveErrors = new(StringComparer.Ordinal);
    private readonly Func<SocketSpec, SocketPair> _open = open ?? VrrpSocket.OpenPair;

    public IReadOnlyDictionary<string, long> ReceiveErrors => _receiveErrors;

    public IVrrpChannel Acquire(SocketSpec spec)
    {
        lock (_sockets)
        {
            var socket = _sockets.GetOrAdd(spec, s => new SharedSocket(s, _open, Release, ReceiveFailed, logger, time, threads ?? NormalThreads.Instance, poller));
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

    private void ReceiveFailed(SocketSpec spec) => _receiveErrors.AddOrUpdate(spec.Interface, 1, (_, n) => n + 1);

    /// <summary>The last user's release closes the socket, under the same lock as <see cref="Acquire"/>.</summary>
    private void Release(SharedSocket socket)
    {
        lock (_sockets)
        {
            if (--socket.Users == 0)
            {
                _sockets.TryRemove(socket.Spec, out _);
                socket.Close();
            }
        }
    }
}
