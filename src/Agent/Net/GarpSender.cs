using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace HaCluster.Agent.Net;

/// <summary>The OS edge for gratuitous ARP.</summary>
public interface IGarpSender
{
    /// <summary>Returns 0 or the errno of the failed send.</summary>
    int Send(int interfaceIndex, ReadOnlySpan<byte> mac, IPAddress address);
}

/// <summary>
/// Gratuitous ARP requests on an AF_PACKET socket, as keepalived sends them:
/// "Request who-has VIP tell VIP" from the interface's own MAC to ff:ff:ff:ff:ff:ff.
/// </summary>
public sealed class GarpSender : IGarpSender, IDisposable
{
    private const ushort EthPArp = 0x0806;
    private readonly int _fd = LibC.OpenSocket(LibC.AF_PACKET, LibC.SOCK_RAW, BinaryPrimitives.ReverseEndianness(EthPArp));

    public static byte[] BuildFrame(ReadOnlySpan<byte> mac, IPAddress address)
    {
        var frame = new byte[42];
        var span = frame.AsSpan();
        span[..6].Fill(0xff);
        mac[..6].CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], EthPArp);
        var arp = span[14..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1); // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800); // IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 1); // request
        mac[..6].CopyTo(arp[8..]);
        address.TryWriteBytes(arp[14..18], out _);
        arp[18..24].Fill(0xff);
        address.TryWriteBytes(arp[24..28], out _);
        return frame;
    }

    public int Send(int interfaceIndex, ReadOnlySpan<byte> mac, IPAddress address)
    {
        if (mac.Length < 6)
        {
            return LibC.ENODEV;
        }

        var frame = BuildFrame(mac, address);
        Span<byte> link = stackalloc byte[20]; // struct sockaddr_ll
        link.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(link, LibC.AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(link[2..], EthPArp);
        BinaryPrimitives.WriteInt32LittleEndian(link[4..], interfaceIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(link[8..], 1); // ARPHRD_ETHER
        link[11] = 6;
        link[12..18].Fill(0xff);
        return LibC.SendTo(_fd, frame, frame.Length, 0, link, link.Length) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    public void Dispose() => LibC.Close(_fd);
}
