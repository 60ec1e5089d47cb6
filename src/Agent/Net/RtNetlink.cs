using System.Buffers.Binary;
using System.Net;
using System.Text;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Net;

public sealed record LinkInfo(int Index, string Name, bool IsUp, byte[] Mac);

public sealed record InterfaceAddress(int InterfaceIndex, IPAddress Address, int PrefixLength, string? Label);

/// <summary>The OS edge for links and addresses; errors come back as errno values, never exceptions.</summary>
public interface INetworkControl
{
    LinkInfo? GetLink(string name);
    LinkInfo? GetLink(int index);
    IReadOnlyList<LinkInfo> GetLinks();
    IReadOnlyList<InterfaceAddress> GetAddresses();
    int AddAddress(int interfaceIndex, VirtualIp vip);
    int DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength);
}

/// <summary>rtnetlink requests (RTM_GETLINK, RTM_GETADDR, RTM_NEWADDR, RTM_DELADDR), directly, without forking ip(8).</summary>
public sealed class RtNetlink : INetworkControl, IDisposable
{
    private const ushort RtmGetLink = 18;
    private const ushort RtmNewLink = 16;
    private const ushort RtmNewAddr = 20;
    private const ushort RtmDelAddr = 21;
    private const ushort RtmGetAddr = 22;
    private const ushort IflaAddress = 1;
    private const ushort IflaIfname = 3;
    private const ushort IfaAddress = 1;
    private const ushort IfaLocal = 2;
    private const ushort IfaLabel = 3;
    private const ushort IfaBroadcast = 4;
    private const uint IffUp = 0x1;
    private const uint IffRunning = 0x40;

    private readonly NetlinkSocket _socket = new();
    private readonly Lock _lock = new();

    public LinkInfo? GetLink(string name)
    {
        var body = new List<byte>(new byte[16]);
        RtAttributes.Write(body, IflaIfname, Encoding.ASCII.GetBytes(name + "\0"));
        return RequestLink(body.ToArray());
    }

    public LinkInfo? GetLink(int index)
    {
        var body = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(4), index);
        return RequestLink(body);
    }

    private LinkInfo? RequestLink(byte[] body)
    {
        var replies = new List<NetlinkMessage>();
        lock (_lock)
        {
            if (_socket.Request(RtmGetLink, 0, body, replies) != 0)
            {
                return null;
            }
        }

        return replies.Where(r => r.Type == RtmNewLink).Select(r => ParseLink(r.Payload)).FirstOrDefault();
    }

    /// <summary>Every link of this network namespace (RTM_GETLINK dump).</summary>
    public IReadOnlyList<LinkInfo> GetLinks()
    {
        var replies = new List<NetlinkMessage>();
        lock (_lock)
        {
            _socket.Request(RtmGetLink, NetlinkSocket.NlmFDump, new byte[16], replies);
        }

        return [.. replies.Where(r => r.Type == RtmNewLink).Select(r => ParseLink(r.Payload)).OfType<LinkInfo>()];
    }

    public IReadOnlyList<InterfaceAddress> GetAddresses()
    {
        var body = new byte[8];
        body[0] = LibC.AF_INET;
        var replies = new List<NetlinkMessage>();
        lock (_lock)
        {
            _socket.Request(RtmGetAddr, NetlinkSocket.NlmFDump, body, replies);
        }

        return [.. replies.Where(r => r.Type == RtmNewAddr && r.Payload.Length >= 8).Select(r => ParseAddress(r.Payload))];
    }

    public int AddAddress(int interfaceIndex, VirtualIp vip)
    {
        var body = AddressMessage(interfaceIndex, vip.Address, vip.PrefixLength, vip.Scope);
        if (vip.Label is { } label)
        {
            RtAttributes.Write(body, IfaLabel, Encoding.ASCII.GetBytes(label + "\0"));
        }

        if (vip.Broadcast is { } broadcast)
        {
            RtAttributes.Write(body, IfaBroadcast, broadcast.GetAddressBytes());
        }

        lock (_lock)
        {
            return _socket.Request(RtmNewAddr, NetlinkSocket.NlmFAck | NetlinkSocket.NlmFCreate | NetlinkSocket.NlmFExcl, body.ToArray());
        }
    }

    public int DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        var body = AddressMessage(interfaceIndex, address, prefixLength, 0);
        lock (_lock)
        {
            return _socket.Request(RtmDelAddr, NetlinkSocket.NlmFAck, body.ToArray());
        }
    }

    public void Dispose() => _socket.Dispose();

    internal static LinkInfo? ParseLink(byte[] payload)
    {
        if (payload.Length < 16)
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(8));
        var attributes = RtAttributes.Read(payload.AsSpan(16));
        var name = attributes.TryGetValue(IflaIfname, out var n) ? Encoding.ASCII.GetString(n).TrimEnd('\0') : "";
        var mac = attributes.TryGetValue(IflaAddress, out var m) ? m : [];
        return new LinkInfo(index, name, (flags & (IffUp | IffRunning)) == (IffUp | IffRunning), mac);
    }

    private static List<byte> AddressMessage(int interfaceIndex, IPAddress address, int prefixLength, byte scope)
    {
        var header = new byte[8];
        header[0] = LibC.AF_INET;
        header[1] = (byte)prefixLength;
        header[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), interfaceIndex);
        var body = new List<byte>(header);
        RtAttributes.Write(body, IfaLocal, address.GetAddressBytes());
        RtAttributes.Write(body, IfaAddress, address.GetAddressBytes());
        return body;
    }

    private static InterfaceAddress ParseAddress(byte[] payload)
    {
        var attributes = RtAttributes.Read(payload.AsSpan(8));
        var raw = attributes.TryGetValue(IfaLocal, out var local) ? local : attributes.GetValueOrDefault(IfaAddress, new byte[4]);
        var label = attributes.TryGetValue(IfaLabel, out var l) ? Encoding.ASCII.GetString(l).TrimEnd('\0') : null;
        return new InterfaceAddress(BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)), new IPAddress(raw), payload[1], label);
    }
}
