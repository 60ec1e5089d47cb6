using System.Buffers.Binary;
using System.Net;

namespace HaCluster.Agent.Wire;

/// <summary>The RFC 1071 one's-complement checksum, with the IPv4 pseudo-header VRRPv3 uses (RFC 5798 §5.2.8).</summary>
public static class InternetChecksum
{
    public const byte VrrpProtocol = 112;

    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Sum(data, 0));

    public static ushort ComputeWithPseudoHeader(IPAddress source, IPAddress destination, ReadOnlySpan<byte> data)
    {
        Span<byte> pseudo = stackalloc byte[12];
        source.TryWriteBytes(pseudo[..4], out _);
        destination.TryWriteBytes(pseudo[4..8], out _);
        pseudo[8] = 0;
        pseudo[9] = VrrpProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)data.Length);
        return Fold(Sum(data, Sum(pseudo, 0)));
    }

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
