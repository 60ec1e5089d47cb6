using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace HaCluster.Agent.Wire;

/// <summary>
/// keepalived 2.4's <c>auth_hmac</c> trailer (draft-cassen-vrrp-auth-hmac, 2.4.2+ signed input), written from the wire
/// format's description: 28 bytes after the VRRP message — ext type 1, key id, 2 reserved zero bytes, a 64-bit sequence
/// (32-bit UTC seconds, 16-bit binary sub-seconds, 16-bit counter) and the first 16 bytes of HMAC-SHA256 over a 20-byte
/// pseudo-header (family 4 or 6, version, VRID, 0, source address zero-padded to 16), the VRRP message with its checksum
/// read as zero, and the trailer with its HMAC field read as zero. Neither the IP header nor the destination is
/// covered, so one signature serves every unicast copy; the VRRP checksum does not cover the trailer.
/// </summary>
public static class HmacTrailer
{
    public const int Length = 28;
    public const int TagLength = 16;
    public const byte HmacSha256Type = 1;
    private const int PseudoHeaderLength = 20;
    private const int SignedTrailerPrefix = 12;
    private const int MaxMessageLength = VrrpCodec.MaxPacketLength;

    /// <summary>The sequence of a moment: seconds (low 32 bits of Unix time) | sub-seconds (1/65536 s) | counter 0.</summary>
    public static ulong SequenceAt(DateTimeOffset utc)
    {
        var unixTicks = utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = (uint)(unixTicks / TimeSpan.TicksPerSecond);
        var subSeconds = (ushort)(unixTicks % TimeSpan.TicksPerSecond * 65536 / TimeSpan.TicksPerSecond);
        return ((ulong)seconds << 32) | ((ulong)subSeconds << 16);
    }

    /// <summary>The seconds field of a sequence.</summary>
    public static uint Seconds(ulong sequence) => (uint)(sequence >> 32);

    /// <summary>RFC 1982 serial order on 64 bits: whether <paramref name="a"/> comes after <paramref name="b"/>.</summary>
    public static bool After(ulong a, ulong b) => (long)(a - b) > 0;

    /// <summary>
    /// Writes the trailer after <paramref name="message"/> (the VRRP message, any checksum) into <paramref name="trailer"/>
    /// (28 bytes): the HMAC with <paramref name="key"/> as key <paramref name="keyId"/>, source <paramref name="source"/>.
    /// </summary>
    public static void Sign(ReadOnlySpan<byte> message, IPAddress source, byte keyId, ReadOnlySpan<byte> key, ulong sequence, Span<byte> trailer)
    {
        trailer[..Length].Clear();
        trailer[0] = HmacSha256Type;
        trailer[1] = keyId;
        BinaryPrimitives.WriteUInt64BigEndian(trailer[4..], sequence);
        Span<byte> tag = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(message, source, trailer, key, tag);
        tag[..TagLength].CopyTo(trailer[SignedTrailerPrefix..]);
    }

    /// <summary>Whether the trailer's HMAC is the one <paramref name="key"/> gives (compared in constant time).</summary>
    public static bool Verify(ReadOnlySpan<byte> message, IPAddress source, ReadOnlySpan<byte> trailer, ReadOnlySpan<byte> key)
    {
        Span<byte> tag = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(message, source, trailer, key, tag);
        return CryptographicOperations.FixedTimeEquals(tag[..TagLength], trailer.Slice(SignedTrailerPrefix, TagLength));
    }

    /// <summary>The trailer's fixed fields: <see cref="HmacSha256Type"/> and zero reserved bytes, or false (malformed).</summary>
    public static bool WellFormed(ReadOnlySpan<byte> trailer) =>
        trailer.Length == Length && trailer[0] == HmacSha256Type && trailer[2] == 0 && trailer[3] == 0;

    public static byte KeyId(ReadOnlySpan<byte> trailer) => trailer[1];

    public static ulong Sequence(ReadOnlySpan<byte> trailer) => BinaryPrimitives.ReadUInt64BigEndian(trailer[4..]);

    private static void Compute(ReadOnlySpan<byte> message, IPAddress source, ReadOnlySpan<byte> trailer, ReadOnlySpan<byte> key, Span<byte> tag)
    {
        // pseudo-header ‖ message (checksum zero) ‖ trailer[0..12] ‖ 16 zero bytes, in one stack buffer: no allocation per advert.
        Span<byte> input = stackalloc byte[PseudoHeaderLength + MaxMessageLength + Length];
        var length = PseudoHeaderLength + message.Length + Length;
        var data = input[..length];
        data.Clear();
        data[0] = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? (byte)6 : (byte)4;
        data[1] = (byte)(message[0] >> 4);
        data[2] = message[1];
        source.TryWriteBytes(data.Slice(4, 16), out _);
        message.CopyTo(data[PseudoHeaderLength..]);
        data.Slice(PseudoHeaderLength + 6, 2).Clear();
        trailer[..SignedTrailerPrefix].CopyTo(data[(PseudoHeaderLength + message.Length)..]);
        HMACSHA256.HashData(key, data, tag);
    }
}
