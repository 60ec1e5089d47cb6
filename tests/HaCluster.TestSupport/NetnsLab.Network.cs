using System.Net;
using System.Text;

namespace HaCluster.TestSupport;

public sealed partial class NetnsLab
{
    private const string PartitionTable = "hclab";

    private readonly Dictionary<LabHost, HashSet<LabHost>> cutOff = [];

    /// <summary>Sets the host's eth0 administratively down or up (<c>ip link set eth0 down|up</c>).</summary>
    public async Task SetLinkAsync(LabHost host, bool up) =>
        await IpAsync("-n", host.Namespace, "link", "set", host.Interface, up ? "up" : "down").ConfigureAwait(false);

    /// <summary>Pulls or plugs the host's cable: its bridge port goes down, so eth0 stays up but loses carrier.</summary>
    public async Task SetCableAsync(LabHost host, bool connected) =>
        await IpAsync("-n", HubNamespace, "link", "set", HubPort(host), connected ? "up" : "down").ConfigureAwait(false);

    /// <summary>Cuts all traffic between <paramref name="a"/> and <paramref name="b"/> both ways (including raw VRRP,
    /// protocol 112); both still reach every other host and the client. ARP still passes.</summary>
    /// <remarks>nftables inside each of the two namespaces drops packets from the other's address or MAC on input
    /// and to its address on output, so a VIP moved onto either side is cut off as well.</remarks>
    public async Task PartitionAsync(LabHost a, LabHost b)
    {
        lock (gate)
        {
            CutOff(a).Add(b);
            CutOff(b).Add(a);
        }
        await ApplyPartitionAsync(a).ConfigureAwait(false);
        await ApplyPartitionAsync(b).ConfigureAwait(false);
    }

    /// <summary>Undoes <see cref="PartitionAsync"/> between the two hosts.</summary>
    public async Task HealAsync(LabHost a, LabHost b)
    {
        lock (gate)
        {
            CutOff(a).Remove(b);
            CutOff(b).Remove(a);
        }
        await ApplyPartitionAsync(a).ConfigureAwait(false);
        await ApplyPartitionAsync(b).ConfigureAwait(false);
    }

    /// <summary>The IPv4 addresses with prefix on the host's eth0, e.g. "192.0.2.10/24", "192.0.2.100/32".</summary>
    public async Task<IReadOnlyList<string>> AddressesAsync(LabHost host)
    {
        var result = await IpAsync("-n", host.Namespace, "-4", "-o", "addr", "show", "dev", host.Interface).ConfigureAwait(false);
        // "2: eth0    inet 192.0.2.10/24 brd 192.0.2.255 scope global eth0\       valid_lft forever ..."
        return result.Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(words => words.SkipWhile(w => w != "inet").Skip(1).FirstOrDefault())
            .OfType<string>()
            .ToList();
    }

    public async Task<bool> HasAddressAsync(LabHost host, IPAddress ip) =>
        (await AddressesAsync(host).ConfigureAwait(false)).Any(a => a.Split('/')[0] == ip.ToString());

    /// <summary>Polls every 50 ms until <paramref name="ip"/> is (or, with <paramref name="present"/> false, is no longer)
    /// on the host's eth0; false on timeout.</summary>
    public async Task<bool> WaitForAddressAsync(LabHost host, IPAddress ip, bool present, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await HasAddressAsync(host, ip).ConfigureAwait(false) != present)
        {
            if (cts.IsCancellationRequested)
                return false;
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false); // waits for the agent in the namespace adding or removing the address
        }
        return true;
    }

    /// <summary>One ping from the client (<c>ping -c1 -W1</c>); true when answered within a second.</summary>
    /// <remarks>Right after a link comes back a single ping can lose: the sender's ARP entry may be waiting for
    /// its next once-a-second retransmission. Assert reachability after a change with <see cref="WaitForPingAsync"/>.</remarks>
    public Task<bool> PingAsync(IPAddress ip) => PingAsync(Client, ip);

    public async Task<bool> PingAsync(LabHost from, IPAddress ip) =>
        (await ExecAsync(from, "ping", "-n", "-c1", "-W1", ip.ToString()).ConfigureAwait(false)).Succeeded;

    /// <summary>Pings from <paramref name="from"/> until <paramref name="ip"/> answers; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForPingAsync(LabHost from, IPAddress ip, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await PingAsync(from, ip).ConfigureAwait(false))
        {
            if (cts.IsCancellationRequested)
                return false;
        }
        return true;
    }

    private HashSet<LabHost> CutOff(LabHost host) =>
        cutOff.TryGetValue(host, out var set) ? set : cutOff[host] = [];

    private async Task ApplyPartitionAsync(LabHost host)
    {
        string script;
        lock (gate)
            script = PartitionScript(CutOff(host));
        var path = Path.Combine(WorkDir, $"partition-{host.Name}.nft");
        await File.WriteAllTextAsync(path, script).ConfigureAwait(false);
        (await ExecAsync(host, "nft", "-f", path).ConfigureAwait(false)).EnsureSuccess();
    }

    /// <summary>Replaces the whole table in one transaction ("add" then "delete" makes the delete never fail).</summary>
    private static string PartitionScript(IReadOnlyCollection<LabHost> peers)
    {
        var script = new StringBuilder($"table inet {PartitionTable} {{}}\ndelete table inet {PartitionTable}\n");
        if (peers.Count == 0)
            return script.ToString();
        var addresses = string.Join(", ", peers.Select(p => p.Address));
        var macs = string.Join(", ", peers.Select(p => p.Mac));
        script.Append($$"""
            table inet {{PartitionTable}} {
                set peers4 { type ipv4_addr; elements = { {{addresses}} } }
                set peermacs { type ether_addr; elements = { {{macs}} } }
                chain input {
                    type filter hook input priority -300; policy accept;
                    ip saddr @peers4 drop
                    ether saddr @peermacs drop
                }
                chain output {
                    type filter hook output priority -300; policy accept;
                    ip daddr @peers4 drop
                }
            }

            """);
        return script.ToString();
    }

    /// <summary>Writes addresses, neighbours and nftables rules of every namespace to <c>{WorkDir}/state.txt</c>.</summary>
    public async Task DumpStateAsync(string fileName = "state.txt")
    {
        var text = new StringBuilder();
        foreach (var ns in namespaces.ToList())
        {
            text.Append($"===== {ns}\n");
            foreach (var args in new[] { new[] { "ip", "-d", "addr" }, ["ip", "neigh"], ["nft", "list", "ruleset"] })
            {
                var result = await ExecAsync(ns, TimeSpan.FromSeconds(5), args[0], args[1..]).ConfigureAwait(false);
                text.Append($"--- {string.Join(' ', args)}\n{result.Stdout}{result.Stderr}");
            }
        }
        await File.WriteAllTextAsync(Path.Combine(WorkDir, fileName), text.ToString()).ConfigureAwait(false);
    }
}
