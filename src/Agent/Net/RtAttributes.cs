using System.Buffers.Binary;

namespace HaCluster.Agent.Net;

/// <summary>Reads and writes rtnetlink attributes (struct rtattr: length, type, value padded to 4).</summary>
internal static class RtAttributes
{
    public static void Write(List<byte> buffer, ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        buffer.AddRange(header);
        buffer.AddRange(value);
        while (buffer.Count % 4 != 0)
        {
            buffer.Add(0);
        }
    }

    public static Dictionary<ushort, byte[]> Read(ReadOnlySpan<byte> data)
    {
        var attributes = new Dictionary<ushort, byte[]>();
        while (data.Length >= 4)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(data);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[2..]) & 0x3fff);
            if (length < 4 || length > data.Length)
            {
                break;
            }

            attributes[type] = data[4..length].ToArray();
            data = data[Math.Min(data.Length, NetlinkSocket.Align(length))..];
        }

        return attributes;
    }
}
