using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Wire;

/// <summary>
/// What one instance's receive path expects to decode — its peers' and its own addresses, its VIP list, its password —
/// and the last advert decoded, so that the steady stream of identical adverts from a peer (100 a second at
/// advert_int 0.01) decodes without allocating: a known value is returned as the instance it already is, anything
/// else is built as usual. Immutable but for the last advert, which is swapped whole: a stale read only costs an
/// allocation, never a wrong advert (every field is compared before one is reused).
/// </summary>
public sealed class DecodeCache
{
    private readonly uint[] _keys;
    private readonly IPAddress[] _addresses;
    private readonly ImmutableArray<IPAddress> _list;
    private readonly ImmutableArray<byte> _auth;
    private VrrpAdvert? _last;

    /// <param name="known">Addresses a header may carry (peers, the instance's own, the multicast group).</param>
    /// <param name="list">The VIP list as peers send it (the configured order).</param>
    /// <param name="auth">The v2 auth data as peers send it (8 bytes, NUL-padded; empty without a password).</param>
    public DecodeCache(IEnumerable<IPAddress> known, ImmutableArray<IPAddress> list, ImmutableArray<byte> auth)
    {
        _addresses = [.. known.Concat(list).Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).Distinct()];
        _keys = [.. _addresses.Select(Key)];
        _list = list;
        _auth = auth;
    }

    /// <summary>The IPv4 address in these 4 bytes: a known instance, or a new one.</summary>
    public IPAddress Address(ReadOnlySpan<byte> bytes)
    {
        var key = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var i = Array.IndexOf(_keys, key);
        return i >= 0 ? _addresses[i] : new IPAddress(bytes[..4]);
    }

    /// <summary>The <paramref name="count"/> addresses packed in <paramref name="bytes"/>: the configured list when they are it.</summary>
    internal ImmutableArray<IPAddress> Addresses(ReadOnlySpan<byte> bytes, int count)
    {
        var same = count == _list.Length;
        for (var i = 0; i < count && same; i++)
        {
            same = BinaryPrimitives.ReadUInt32BigEndian(bytes[(i * 4)..]) == Key(_list[i]);
        }

        if (same)
        {
            return _list;
        }

        var addresses = ImmutableArray.CreateBuilder<IPAddress>(count);
        for (var i = 0; i < count; i++)
        {
            addresses.Add(Address(bytes.Slice(i * 4, 4)));
        }

        return addresses.MoveToImmutable();
    }

    /// <summary>The 8 bytes of v2 auth data: the configured password when they are it.</summary>
    internal ImmutableArray<byte> AuthData(ReadOnlySpan<byte> bytes) =>
        bytes.SequenceEqual(_auth.AsSpan()) ? _auth : [.. bytes];

    /// <summary>The advert with these fields: the last one when it has them all.</summary>
    internal VrrpAdvert Advert(int version, byte vrid, byte priority, TimeSpan interval, ImmutableArray<IPAddress> addresses, AuthType authType, ImmutableArray<byte> authData)
    {
        if (Volatile.Read(ref _last) is { } last && last.Version == version && last.VirtualRouterId == vrid && last.Priority == priority
            && last.AdvertInterval == interval && last.AuthType == authType && SameInstance(last.Addresses, addresses) && SameInstance(last.AuthData, authData))
        {
            return last;
        }

        var advert = new VrrpAdvert(version, vrid, priority, interval, addresses) { AuthType = authType, AuthData = authData };
        Volatile.Write(ref _last, advert);
        return advert;
    }

    /// <summary>A decoder without expectations: every address, list and advert built anew.</summary>
    internal static DecodeCache None { get; } = new([], [], []);

    private static bool SameInstance<T>(ImmutableArray<T> a, ImmutableArray<T> b) => a == b || (a.IsEmpty && b.IsEmpty);

    private static uint Key(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) && written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0;
    }
}
