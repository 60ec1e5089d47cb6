using System.Buffers.Binary;

namespace HaCluster.TestSupport;

/// <summary>The IPv4 packets of a classic pcap file (tcpdump -w on an Ethernet interface), with their capture times.</summary>
public static class PcapFile
{
    public static IReadOnlyList<(DateTimeOffset At, byte[] Packet)> Ipv4Packets(string path)
    {
        var data = File.ReadAllBytes(path);
        var packets = new List<(DateTimeOffset, byte[])>();
        for (var offset = 24; offset + 16 <= data.Length;)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            var micros = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 8));
            if (offset + 16 + length > data.Length)
            {
                break;
            }

            var frame = data.AsSpan(offset + 16, length);
            if (frame.Length > 34 && frame[12] == 0x08 && frame[13] == 0x00)
            {
                packets.Add((DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10L), frame[14..].ToArray()));
            }

            offset += 16 + length;
        }

        return packets;
    }
}
