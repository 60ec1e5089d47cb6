using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HaCluster.Agent.Net;
using HaCluster.Agent.Tests.Fakes;

namespace HaCluster.Agent.Tests.Net;

/// <summary>The shared receive thread over fake sockets: an error is logged, counted and survived.</summary>
public sealed class SharedSocketTests
{
    private static readonly SocketSpec Spec = new("eth0", 2, IPAddress.Parse("192.0.2.10"), Multicast: false);

    [Fact]
    public void ReceiveError_LoggedCountedAndTheSocketOpenedAgain_TheInstanceKeepsHearingPackets()
    {
        var logger = new ListLogger();
        var opened = new ConcurrentQueue<FakePacketSocket>();
        using var hub = new SocketHub(logger, TimeProvider.System, _ =>
        {
            var socket = new FakePacketSocket();
            opened.Enqueue(socket);
            return new SocketPair(socket, socket);
        });
        var received = new BlockingCollection<byte>();
        using var registration = hub.Acquire(Spec).Register(27, packet => received.Add(packet[22]));

        var first = opened.Single();
        first.Deliver(Packet(priority: 100));
        Assert.True(received.TryTake(out var p1, TimeSpan.FromSeconds(10)));
        first.Fail(new SocketException((int)SocketError.NetworkDown));
        // The receive thread reopens: wait for the second socket to exist, then send on it.
        var second = Eventually(() => opened.Count == 2 ? opened.Last() : null);
        second.Deliver(Packet(priority: 90));
        Assert.True(received.TryTake(out var p2, TimeSpan.FromSeconds(10)));

        Assert.Equal(((byte)100, (byte)90), (p1, p2));
        Assert.Equal(1, hub.ReceiveErrors["eth0"]);
        Assert.True(first.Disposed);
        Assert.Contains(logger.Lines, l => l.Contains("receive failed", StringComparison.Ordinal) && l.Contains("opening it again", StringComparison.Ordinal));
    }

    [Fact]
    public void ShutDownUnderUs_ZeroBytes_IsAnErrorToo_NotASpin()
    {
        var opened = new ConcurrentQueue<FakePacketSocket>();
        using var hub = new SocketHub(new ListLogger(), TimeProvider.System, _ =>
        {
            var socket = new FakePacketSocket();
            opened.Enqueue(socket);
            return new SocketPair(socket, socket);
        });
        using var registration = hub.Acquire(Spec).Register(27, _ => { });

        opened.Single().ShutDown();

        Eventually(() => opened.Count == 2 ? opened.Last() : null);
        Assert.Equal(1, hub.ReceiveErrors["eth0"]);
    }

    /// <summary>Enough of an advert to be dispatched: IPv4 header, then VRRP version/type, VRID 27, the priority.</summary>
    private static byte[] Packet(byte priority)
    {
        var packet = new byte[40];
        (packet[0], packet[20], packet[21], packet[22]) = (0x45, 0x21, 27, priority);
        return packet;
    }

    /// <summary>Polls a condition the receive thread makes true (a real thread: waited for, up to 10 s).</summary>
    private static T Eventually<T>(Func<T?> value)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        T? found;
        while ((found = value()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the receive thread did not get there");
            Thread.Sleep(5); // the receive thread runs on its own; nothing to signal on but its effect
        }

        return found;
    }

    private sealed class FakePacketSocket : IPacketSocket
    {
        private readonly BlockingCollection<Func<Span<byte>, int>> _inbox = new();

        public bool Disposed { get; private set; }

        public byte Ttl { set { } }

        public void Deliver(byte[] packet) => _inbox.Add(buffer =>
        {
            packet.CopyTo(buffer);
            return packet.Length;
        });

        public void Fail(SocketException error) => _inbox.Add(_ => throw error);

        public void ShutDown() => _inbox.Add(_ => 0);

        public int Receive(Span<byte> buffer)
        {
            try
            {
                return _inbox.Take()(buffer);
            }
            catch (InvalidOperationException)
            {
                return -1; // completed by Dispose
            }
        }

        public void Send(ReadOnlySpan<byte> payload, IPAddress destination)
        {
        }

        public void Dispose()
        {
            Disposed = true;
            _inbox.CompleteAdding();
        }
    }
}
