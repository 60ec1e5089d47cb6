using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HaCluster.Agent.Net;

/// <summary>A NETLINK_ROUTE socket: requests with ACK/dump replies, or a listener bound to multicast groups.</summary>
internal sealed class NetlinkSocket : IDisposable
{
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFMulti = 0x2;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFDump = 0x300;
    public const ushort NlmFExcl = 0x200;
    public const ushort NlmFCreate = 0x400;
    public const int HeaderLength = 16;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private uint _sequence = (uint)Environment.TickCount;

    public NetlinkSocket(uint groups = 0, int receiveTimeoutMs = 2000)
    {
        var fd = LibC.OpenSocket(LibC.AF_NETLINK, LibC.SOCK_RAW, 0 /* NETLINK_ROUTE */);
        Span<byte> address = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(address, LibC.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(address[8..], groups);
        if (LibC.Bind(fd, address, address.Length) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            LibC.Close(fd);
            throw new SocketException(errno);
        }

        _socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { ReceiveTimeout = receiveTimeoutMs };
    }

    /// <summary>Sends one request and collects the reply messages; returns the kernel's errno (0 on success).</summary>
    public int Request(ushort type, ushort flags, ReadOnlySpan<byte> body, List<NetlinkMessage>? replies = null)
    {
        var sequence = ++_sequence;
        var message = new byte[HeaderLength + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), (ushort)(flags | NlmFRequest));
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        body.CopyTo(message.AsSpan(HeaderLength));
        _socket.Send(message);
        return ReadReplies(sequence, replies);
    }

    /// <summary>
    /// Waits for the next batch of messages (listener use) without a thread or a timeout: the socket engine's epoll
    /// wakes it, and cancelling the token ends it (closing a netlink fd does not wake a blocked recv). Returns false
    /// once cancelled or closed; an overrun (ENOBUFS: the kernel dropped messages) returns an empty batch.
    /// </summary>
    public async ValueTask<bool> ReceiveAsync(List<NetlinkMessage> messages, CancellationToken cancellation)
    {
        messages.Clear();
        try
        {
            var length = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellation).ConfigureAwait(false);
            Split(_buffer.AsSpan(0, length), messages);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.NoBufferSpaceAvailable)
        {
            return true;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private int ReadReplies(uint sequence, List<NetlinkMessage>? replies)
    {
        var batch = new List<NetlinkMessage>();
        while (true)
        {
            var length = _socket.Receive(_buffer);
            batch.Clear();
            Split(_buffer.AsSpan(0, length), batch);
            foreach (var message in batch.Where(m => m.Sequence == sequence))
            {
                switch (message.Type)
                {
                    case NlmsgError:
                        return -BinaryPrimitives.ReadInt32LittleEndian(message.Payload);
                    case NlmsgDone:
                        return 0;
                    default:
                        replies?.Add(message);
                        if ((message.Flags & NlmFMulti) == 0)
                        {
                            return 0;
                        }

                        break;
                }
            }
        }
    }

    private static void Split(ReadOnlySpan<byte> data, List<NetlinkMessage> messages)
    {
        while (data.Length >= HeaderLength)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            if (length < HeaderLength || length > data.Length)
            {
                return;
            }

            messages.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(data[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(data[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(data[8..]),
                data[HeaderLength..length].ToArray()));
            data = data[Math.Min(data.Length, Align(length))..];
        }
    }

    public static int Align(int length) => (length + 3) & ~3;
}

internal sealed record NetlinkMessage(ushort Type, ushort Flags, uint Sequence, byte[] Payload);
