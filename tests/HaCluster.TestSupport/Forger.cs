using System.Globalization;

namespace HaCluster.TestSupport;

/// <summary>
/// An attacker on the segment: sends a raw IPv4 packet (its header as given: any source, any TTL) from a lab
/// namespace, at a fixed rate for a while, with Python's raw socket (IP_HDRINCL; the kernel fills the length and
/// header checksum). Only to addresses inside the lab.
/// </summary>
public static class Forger
{
    private const string Script = """
        import binascii, socket, sys, time
        dst, rate, seconds, packet = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), binascii.unhexlify(sys.argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        count, start = int(rate * seconds), time.monotonic()
        for i in range(count):
            s.sendto(packet, (dst, 0))
            wait = start + (i + 1) / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        print(count)
        """;

    /// <summary>Sends <paramref name="packet"/> (a whole IPv4 packet) to <paramref name="destination"/>; returns how many were sent.</summary>
    public static async Task<int> FloodAsync(NetnsLab lab, LabHost from, string destination, byte[] packet, double perSecond, TimeSpan duration)
    {
        var result = await lab.ExecAsync(from.Namespace, duration + TimeSpan.FromSeconds(30), "python3", "-c", Script, destination,
            perSecond.ToString(CultureInfo.InvariantCulture), duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), Convert.ToHexString(packet));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"the forger failed: {result}");
        }

        return int.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>An IPv4 header (no options, TOS 0xc0, protocol 112) in front of <paramref name="payload"/>.</summary>
    public static byte[] Ipv4(string source, string destination, byte ttl, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        packet[1] = 0xc0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = ttl;
        packet[9] = 112;
        System.Net.IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(12, 4), out _);
        System.Net.IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(16, 4), out _);
        payload.CopyTo(packet.AsSpan(20));
        return packet;
    }
}
