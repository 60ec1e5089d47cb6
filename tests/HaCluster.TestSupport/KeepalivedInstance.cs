using System.Globalization;
using System.Net;
using System.Text;

namespace HaCluster.TestSupport;

/// <summary>One <c>vrrp_instance</c> block of a keepalived.conf; <see cref="Render"/> writes it.</summary>
public sealed record KeepalivedInstance(string Name, int VirtualRouterId, int Priority, IReadOnlyList<string> VirtualAddresses)
{
    public string Interface { get; init; } = NetnsLab.HostInterface;

    /// <summary>"MASTER" or "BACKUP" (the start state).</summary>
    public string State { get; init; } = "BACKUP";

    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>2 or 3.</summary>
    public int Version { get; init; } = 2;

    /// <summary>PASS authentication (VRRPv2 only); null for none.</summary>
    public string? AuthPass { get; init; }

    /// <summary>Unicast source; with <see cref="UnicastPeers"/> empty, multicast to 224.0.0.18 is used.</summary>
    public IPAddress? UnicastSource { get; init; }

    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];

    public bool NoPreempt { get; init; }

    /// <summary>auth_hmac key 1 (keepalived 2.4's syntax: <c>hex:...</c> or text); null for none. Exclusive with <see cref="AuthPass"/>.</summary>
    public string? HmacKey { get; init; }

    /// <summary>auth_hmac mode: enforce, permissive or receive-only.</summary>
    public string HmacMode { get; init; } = "enforce";

    /// <summary>Lines added verbatim inside the block.</summary>
    public IReadOnlyList<string> ExtraLines { get; init; } = [];

    /// <summary>An instance on <paramref name="self"/> advertising by unicast to <paramref name="peers"/>,
    /// with <paramref name="vip"/> as <c>{vip}/32 dev eth0 label eth0:0</c>.</summary>
    public static KeepalivedInstance Unicast(LabHost self, IEnumerable<LabHost> peers, int vrid, int priority, IPAddress vip, string name = "VI_1") =>
        new(name, vrid, priority, [$"{vip}/32 dev {self.Interface} label {self.Interface}:0"])
        {
            Interface = self.Interface,
            UnicastSource = self.Address,
            UnicastPeers = peers.Where(p => p != self).Select(p => p.Address).ToList(),
        };

    public string Render()
    {
        var text = new StringBuilder();
        text.Append($"vrrp_instance {Name} {{\n");
        text.Append($"    state {State}\n    interface {Interface}\n    virtual_router_id {VirtualRouterId}\n    priority {Priority}\n");
        text.Append(CultureInfo.InvariantCulture, $"    advert_int {AdvertInterval.TotalSeconds}\n");
        if (Version != 2)
            text.Append($"    version {Version}\n");
        if (AuthPass is not null)
            text.Append($"    authentication {{\n        auth_type PASS\n        auth_pass {AuthPass}\n    }}\n");
        if (HmacKey is not null)
            text.Append($"    auth_hmac {{\n        key 1 {HmacKey}\n        active_key 1\n        mode {HmacMode}\n    }}\n");
        if (UnicastSource is not null)
            text.Append($"    unicast_src_ip {UnicastSource}\n");
        if (UnicastPeers.Count > 0)
            text.Append($"    unicast_peer {{\n{string.Concat(UnicastPeers.Select(p => $"        {p}\n"))}    }}\n");
        if (NoPreempt)
            text.Append("    nopreempt\n");
        foreach (var line in ExtraLines)
            text.Append($"    {line}\n");
        text.Append($"    virtual_ipaddress {{\n{string.Concat(VirtualAddresses.Select(a => $"        {a}\n"))}    }}\n}}\n");
        return text.ToString();
    }
}
