using System.Buffers.Binary;

namespace HaCluster.Agent.Tests.Wire;

/// <summary>Reads the Ethernet frames of a classic pcap file (tcpdump -w).</summary>
internal static class Pcap
{
    public static IReadOnlyList<byte[]> Frames(string name)
    {
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vectors", name));
        var frames = new List<byte[]>();
        for (var offset = 24; offset + 16 <= data.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 8));
            frames.Add(data.AsSpan(offset + 16, length).ToArray());
            offset += 16 + length;
        }

        return frames;
    }

    /// <summary>The IPv4 packets carrying VRRP (protocol 112) in a capture.</summary>
    public static IReadOnlyList<byte[]> VrrpPackets(string name) =>
        [.. Frames(name).Where(f => f.Length > 34 && f[12] == 0x08 && f[13] == 0x00 && f[14 + 9] == 112).Select(f => f[14..])];

    public static IReadOnlyList<byte[]> ArpFrames(string name) =>
        [.. Frames(name).Where(f => f.Length >= 42 && f[12] == 0x08 && f[13] == 0x06)];

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal).Replace("|", "", StringComparison.Ordinal));
}
