using System.Net;
using System.Net.Sockets;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>A raw packet socket as <see cref="SharedSocket"/> uses it (a fake one in tests).</summary>
public interface IPacketSocket : IDisposable
{
    /// <summary>Blocks for a packet: its length (IP header included), or -1 once closed by <see cref="IDisposable.Dispose"/>.</summary>
    /// <exception cref="SocketException">The socket failed; it is of no further use.</exception>
    int Receive(Span<byte> buffer);

    void Send(ReadOnlySpan<byte> payload, IPAddress destination);

    /// <summary>Unicast TTL of the next sends.</summary>
    byte Ttl { set; }

    /// <summary>The descriptor the engine thread may watch (-1: none; packets are then read by a receive thread).</summary>
    int Handle => -1;

    /// <summary>Without blocking: a packet's length, -1 if none is waiting, 0 once shut down.</summary>
    /// <exception cref="SocketException">The socket failed; it is of no further use.</exception>
    int TryReceive(Span<byte> buffer) => throw new NotSupportedException("a socket without a Handle is read by a receive thread");
}

/// <summary>The socket a channel sends on and the one it receives on: the same one for unicast, two for multicast.</summary>
public sealed record SocketPair(IPacketSocket Sender, IPacketSocket Receiver) : IDisposable
{
    public void Dispose()
    {
        Sender.Dispose();
        if (Receiver != Sender)
        {
            Receiver.Dispose();
        }
    }
}

/// <summary>
/// A shared VRRP socket: send from one source, receive for many instances, dispatched by VRID. Read on the engine
/// thread itself when the engine watches descriptors (<see cref="PollWait"/>: one wake-up per advert, as keepalived),
/// else by a receive thread of its own. A receive error is never quiet: it is logged and counted, and the sockets are
/// opened again (retried with a capped backoff while that fails, off the engine thread), so the instances keep
/// hearing their peers.
/// </summary>
public sealed partial class SharedSocket : IVrrpChannel, IReadable
{
    private const int VrrpHeaderOffsetMax = 60;
    // One sleep of a few µs per this many packets: nothing at 100 adverts a second, a little breath in a flood.
    private const int BreatheEvery = 64;
    private static readonly TimeSpan ReopenBackoffMax = TimeSpan.FromSeconds(5);
    private readonly Func<SocketSpec, SocketPair> _open;
    private readonly Action<SharedSocket> _release;
    private readonly Action<SocketSpec> _failed;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IVrrpThreads _threads;
    private readonly PollWait? _poller;
    private readonly byte[] _buffer = new byte[65536];
    private readonly Lock _lock = new();
    private int _received;
    private volatile bool _reopening;
    private readonly CancellationTokenSource _closed = new();
    private volatile SocketPair _pair;
    // An immutable snapshot, replaced on (un)register: the receive loop reads it without locking or allocating.
    private volatile (object Token, byte Vrid, PacketHandler Handler)[] _handlers = [];

    internal SharedSocket(SocketSpec spec, Func<SocketSpec, SocketPair> open, Action<SharedSocket> release, Action<SocketSpec> failed, ILogger logger, TimeProvider time,
        IVrrpThreads threads, PollWait? poller)
    {
        (Spec, _open, _release, _failed, _logger, _time, _threads) = (spec, open, release, failed, logger, time, threads);
        _pair = open(spec);
        if (poller is not null && _pair.Receiver.Handle >= 0)
        {
            _poller = poller;
            poller.Watch(this);
        }
        else
        {
            new Thread(ReceiveLoop) { IsBackground = true, Name = $"vrrp-rx-{spec.Interface}" }.Start();
        }
    }

    /// <summary>The receiving socket's descriptor, watched by the engine; -1 while it is being opened again.</summary>
    public int Handle => _reopening ? -1 : _pair.Receiver.Handle;

    public SocketSpec Spec { get; }

    /// <summary>Instances holding the socket; guarded by the hub's lock.</summary>
    internal int Users { get; set; }

    public void Send(ReadOnlySpan<byte> payload, IPAddress destination, byte ttl)
    {
        lock (_lock)
        {
            _pair.Sender.Ttl = ttl;
            _pair.Sender.Send(payload, destination);
        }
    }

    public IDisposable Register(byte vrid, PacketHandler handler)
    {
        var token = new object();
        lock (_lock)
        {
            _handlers = [.. _handlers, (token, vrid, handler)];
        }

        return new Registration(() => Unregister(token));
    }

    internal void Close()
    {
        _closed.Cancel();
        _poller?.Unwatch(this);
        lock (_lock)
        {
            _pair.Dispose();
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

    /// <summary>On the engine thread: one packet (the poll is level-triggered: the next one wakes it again at once).</summary>
    public void OnReadable(bool failed)
    {
        if (_closed.IsCancellationRequested || _reopening)
        {
            return;
        }

        if (++_received % BreatheEvery == 0)
        {
            _threads.Breathe(); // a flood never keeps the (real-time) engine from sleeping
        }

        string error;
        try
        {
            var length = failed ? 0 : _pair.Receiver.TryReceive(_buffer);
            if (length > 0)
            {
                Dispatch(_buffer.AsSpan(0, length));
                return;
            }

            if (length < 0)
            {
                return; // nothing waiting after all
            }

            error = "the socket was shut down";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = e.Message;
        }

        if (_closed.IsCancellationRequested)
        {
            return;
        }

        // Opening again can back off for seconds: not on the engine thread, which goes on with every other instance.
        _reopening = true;
        new Thread(() =>
        {
            Reopen(error);
            _reopening = false;
            _poller!.Wake(); // the engine watches the new descriptor from its next sleep
        })
        { IsBackground = true, Name = $"vrrp-reopen-{Spec.Interface}" }.Start();
    }

    private void ReceiveLoop()
    {
        // An advert waiting here while the engine's Master_Down timer runs would be a takeover nobody asked for: this
        // thread is scheduled as the engine is.
        _threads.Enter();
        try
        {
            ReceiveUntilClosed();
        }
        finally
        {
            _threads.Leave();
        }
    }

    private void ReceiveUntilClosed()
    {
        var buffer = new byte[65536];
        var received = 0;
        while (!_closed.IsCancellationRequested)
        {
            if (++received % BreatheEvery == 0)
            {
                _threads.Breathe(); // a flood never keeps this (real-time) thread from sleeping
            }

            string? error;
            try
            {
                var length = _pair.Receiver.Receive(buffer);
                // A raw packet has at least an IP header: zero bytes is a socket shut down under us, not a packet.
                error = length > 0 ? null : length == 0 ? "the socket was shut down" : "the socket was closed";
                if (error is null)
                {
                    Dispatch(buffer.AsSpan(0, length));
                    continue;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                error = e.Message;
            }

            if (!_closed.IsCancellationRequested)
            {
                Reopen(error);
            }
        }
    }

    /// <summary>Counts and logs the failure, then opens the sockets again; retries with a capped backoff until it works or the socket is closed.</summary>
    private void Reopen(string error)
    {
        _failed(Spec);
        NetLog.ReceiveFailed(_logger, Spec.Interface, Spec.Source.ToString(), error);
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!_closed.IsCancellationRequested)
        {
            try
            {
                var fresh = _open(Spec);
                SocketPair old;
                lock (_lock)
                {
                    (old, _pair) = (_pair, fresh);
                }

                old.Dispose();
                NetLog.SocketReopened(_logger, Spec.Interface, Spec.Source.ToString());
                return;
            }
            catch (SocketException e)
            {
                NetLog.SocketReopenFailed(_logger, Spec.Interface, Spec.Source.ToString(), e.Message, backoff.TotalMilliseconds);
            }

            try
            {
                Task.Delay(backoff, _time, _closed.Token).Wait();
            }
            catch (AggregateException)
            {
                return; // closed meanwhile
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, ReopenBackoffMax.Ticks));
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
