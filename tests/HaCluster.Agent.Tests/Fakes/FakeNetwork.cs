using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Fakes;

/// <summary>Links and addresses of a pretend host, changed by what the agent asks of netlink.</summary>
internal sealed class FakeNetwork : INetworkControl, IGarpSender
{
    private const int EEXIST = 17, EADDRNOTAVAIL = 99;
    private readonly Lock _lock = new();
    private readonly List<LinkInfo> _links = [];
    private readonly List<InterfaceAddress> _addresses = [];

    /// <summary>Every gratuitous ARP sent: the address it announces.</summary>
    public List<IPAddress> Garps { get; } = [];

    public FakeNetwork Link(string name, bool up = true)
    {
        lock (_lock)
        {
            _links.RemoveAll(l => l.Name == name);
            _links.Add(new LinkInfo(_links.Count + 2, name, up, [0x02, 0, 0, 0, 0, (byte)(_links.Count + 2)]));
        }

        return this;
    }

    public FakeNetwork Address(string link, string address, int prefix = 24)
    {
        lock (_lock)
        {
            _addresses.Add(new InterfaceAddress(GetLink(link)!.Index, IPAddress.Parse(address), prefix, null));
        }

        return this;
    }

    public bool Has(string address)
    {
        lock (_lock)
        {
            return _addresses.Any(a => a.Address.Equals(IPAddress.Parse(address)));
        }
    }

    public bool IsUp(string name) => GetLink(name)?.IsUp ?? false;

    public LinkInfo? GetLink(string name)
    {
        lock (_lock)
        {
            return _links.FirstOrDefault(l => l.Name == name);
        }
    }

    public LinkInfo? GetLink(int index)
    {
        lock (_lock)
        {
            return _links.FirstOrDefault(l => l.Index == index);
        }
    }

    public IReadOnlyList<LinkInfo> GetLinks()
    {
        lock (_lock)
        {
            return [.. _links];
        }
    }

    public IReadOnlyList<InterfaceAddress> GetAddresses()
    {
        lock (_lock)
        {
            return [.. _addresses];
        }
    }

    public int AddAddress(int interfaceIndex, VirtualIp vip)
    {
        lock (_lock)
        {
            if (_addresses.Any(a => a.Address.Equals(vip.Address) && a.InterfaceIndex == interfaceIndex))
            {
                return EEXIST;
            }

            _addresses.Add(new InterfaceAddress(interfaceIndex, vip.Address, vip.PrefixLength, vip.Label));
            return 0;
        }
    }

    public int DeleteAddress(int interfaceIndex, IPAddress address, int prefixLength)
    {
        lock (_lock)
        {
            return _addresses.RemoveAll(a => a.Address.Equals(address) && a.InterfaceIndex == interfaceIndex) > 0 ? 0 : EADDRNOTAVAIL;
        }
    }

    public int Send(int interfaceIndex, ReadOnlySpan<byte> mac, IPAddress address)
    {
        lock (_lock)
        {
            Garps.Add(address);
        }

        return 0;
    }
}
