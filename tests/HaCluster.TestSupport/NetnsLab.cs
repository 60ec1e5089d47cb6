using System.Net;

namespace HaCluster.TestSupport;

/// <summary>
/// A throw-away network of Linux network namespaces: a hub namespace with bridge <c>br0</c>, host namespaces
/// <c>hc{id}n1..nN</c> (eth0 = {subnet}.10, .11, …) and an optional client <c>hc{id}c</c> ({subnet}.50).
/// Nothing is configured in the root namespace: veth pairs are created straight into their namespaces.
/// </summary>
public sealed partial class NetnsLab : IAsyncDisposable
{
    public const string HostInterface = "eth0";
    public const string Bridge = "br0";

    private static readonly string[] DocumentationSubnets = ["192.0.2", "198.51.100", "203.0.113"];

    private readonly List<string> namespaces = [];
    private readonly List<LabHost> hosts = [];
    private readonly List<LabProcess> processes = [];
    private readonly Lock gate = new();
    private readonly Action<string>? log;
    private LabHost? client;
    private int disposed;

    private NetnsLab(string id, string subnet, Action<string>? log)
    {
        Id = id;
        Subnet = subnet;
        this.log = log;
        WorkDir = Path.Combine(LabRegistry.ArtifactRoot, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{id}");
        Directory.CreateDirectory(WorkDir);
        Log($"lab {id}: work dir {WorkDir}");
    }

    /// <summary>Five hex digits, unique among labs alive on this machine.</summary>
    public string Id { get; }

    /// <summary>The first three octets, e.g. "192.0.2".</summary>
    public string Subnet { get; }

    /// <summary>Configs, logs, captures and a state dump of this lab; kept after disposal (pruned after two days).</summary>
    public string WorkDir { get; }

    public string HubNamespace => $"{LabRegistry.Prefix}{Id}br";

    public IReadOnlyList<LabHost> Hosts => hosts;

    public LabHost Client => client ?? throw new InvalidOperationException("this lab was created without a client");

    /// <summary>The host named <paramref name="name"/> ("n1", …, "client").</summary>
    public LabHost this[string name] =>
        AllHosts.FirstOrDefault(h => h.Name == name) ?? throw new KeyNotFoundException($"no host {name} in lab {Id}");

    private IEnumerable<LabHost> AllHosts => client is null ? hosts : hosts.Append(client);

    /// <summary>Creates a lab; also deletes, once per process, what crashed earlier runs left behind.</summary>
    /// <param name="hosts">Number of hosts n1..nN (1–40).</param>
    /// <param name="subnet">One of the documentation subnets "192.0.2", "198.51.100", "203.0.113".</param>
    /// <param name="withClient">Whether to add the client namespace ({subnet}.50).</param>
    /// <param name="log">Receives a few progress lines, e.g. <c>ITestOutputHelper.WriteLine</c>.</param>
    public static async Task<NetnsLab> CreateAsync(int hosts, string subnet = "192.0.2", bool withClient = true, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hosts, 40);
        if (!DocumentationSubnets.Contains(subnet))
            throw new ArgumentException($"subnet must be one of {string.Join(", ", DocumentationSubnets)}", nameof(subnet));
        await LabRegistry.CleanupOnceAsync().ConfigureAwait(false);
        var id = LabRegistry.Reserve(await LabRegistry.ListNamespacesAsync().ConfigureAwait(false));
        var lab = new NetnsLab(id, subnet, log);
        try
        {
            await lab.BuildAsync(hosts, withClient).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes the namespaces (and kills the processes) of labs whose owning test process is gone.
    /// Labs of other test runs still going on are left alone. Returns how many namespaces were deleted.</summary>
    public static Task<int> CleanupStaleAsync() => LabRegistry.CleanupStaleAsync();

    /// <summary>Runs <c>ip netns exec {ns} {file} {args}</c> to completion (30 s timeout, then killed).</summary>
    public Task<CommandResult> ExecAsync(string ns, string file, params string[] args) =>
        ExecAsync(ns, Cmd.DefaultTimeout, file, args);

    public Task<CommandResult> ExecAsync(LabHost host, string file, params string[] args) =>
        ExecAsync(host.Namespace, Cmd.DefaultTimeout, file, args);

    public Task<CommandResult> ExecAsync(string ns, TimeSpan timeout, string file, params string[] args) =>
        Cmd.RunAsync("ip", new[] { "netns", "exec", ns, Tools.Find(file) ?? file }.Concat(args), timeout);

    /// <summary>Starts a long-running process in <paramref name="host"/>'s namespace; output goes to <c>{WorkDir}/{name}.log</c>.</summary>
    public LabProcess Start(LabHost host, string file, IEnumerable<string> args, string name) =>
        Start(host.Namespace, file, args, name);

    public LabProcess Start(string ns, string file, IEnumerable<string> args, string name)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        lock (gate)
        {
            var unique = name;
            for (var i = 2; processes.Any(p => p.Name == unique); i++)
                unique = $"{name}-{i}";
            var process = LabProcess.Start(ns, file, args, unique, Path.Combine(WorkDir, $"{unique}.log"));
            processes.Add(process);
            return process;
        }
    }

    /// <summary>Starts a long-running process in the root namespace (see <see cref="LabProcess"/>); killed with the lab.</summary>
    public LabProcess StartInRootNamespace(string file, IEnumerable<string> args, string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        lock (gate)
        {
            var unique = name;
            for (var i = 2; processes.Any(p => p.Name == unique); i++)
                unique = $"{name}-{i}";
            var process = LabProcess.StartInRootNamespace(file, args, unique, Path.Combine(WorkDir, $"{unique}.log"), environment);
            processes.Add(process);
            return process;
        }
    }

    /// <summary>Kills every process started here, deletes every namespace, and writes <c>state.txt</c> first.
    /// Safe to call on a half-built lab and more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        var errors = new List<string>();
        try
        {
            await DumpStateAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            errors.Add($"state dump: {e.Message}");
        }
        List<LabProcess> started;
        lock (gate)
            started = [.. processes];
        foreach (var process in started)
        {
            try
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }
        foreach (var ns in Enumerable.Reverse(namespaces))
        {
            var result = await LabRegistry.DeleteNamespaceAsync(ns).ConfigureAwait(false);
            if (!result.Succeeded && !result.Stderr.Contains("No such file", StringComparison.Ordinal))
                errors.Add(result.ToString());
        }
        LabRegistry.Release(Id);
        Log($"lab {Id}: disposed; artifacts in {WorkDir}");
        if (errors.Count > 0)
            throw new InvalidOperationException($"lab {Id} cleanup: {string.Join("\n", errors)}");
    }

    public override string ToString() => $"lab {Id} ({WorkDir})";

    private async Task BuildAsync(int hostCount, bool withClient)
    {
        await AddNamespaceAsync(HubNamespace).ConfigureAwait(false);
        // The hub only bridges: no IPv6 link-local chatter from its ports.
        await SysctlAsync(HubNamespace, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1").ConfigureAwait(false);
        await IpAsync("-n", HubNamespace, "link", "set", "lo", "up").ConfigureAwait(false);
        await IpAsync("-n", HubNamespace, "link", "add", Bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0").ConfigureAwait(false);
        await IpAsync("-n", HubNamespace, "link", "set", Bridge, "up").ConfigureAwait(false);
        for (var i = 1; i <= hostCount; i++)
            hosts.Add(await AddHostAsync($"n{i}", $"{LabRegistry.Prefix}{Id}n{i}", 10 + i - 1).ConfigureAwait(false));
        if (withClient)
            client = await AddHostAsync("client", $"{LabRegistry.Prefix}{Id}c", 50).ConfigureAwait(false);
        Log($"lab {Id}: {string.Join(", ", AllHosts)}");
    }

    private async Task<LabHost> AddHostAsync(string name, string ns, int lastOctet)
    {
        var address = IPAddress.Parse($"{Subnet}.{lastOctet}");
        var octets = address.GetAddressBytes();
        var mac = $"02:00:{octets[0]:x2}:{octets[1]:x2}:{octets[2]:x2}:{octets[3]:x2}";
        var host = new LabHost(name, ns, HostInterface, address, mac);
        await AddNamespaceAsync(ns).ConfigureAwait(false);
        // Set before the veth exists so eth0 inherits it: no IPv6 duplicate address detection delays or probes.
        await SysctlAsync(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0").ConfigureAwait(false);
        // The one command run from the root namespace: it creates both ends directly in their namespaces.
        await IpAsync("link", "add", HostInterface, "netns", ns, "address", mac, "type", "veth", "peer", "name", HubPort(host), "netns", HubNamespace).ConfigureAwait(false);
        await IpAsync("-n", HubNamespace, "link", "set", HubPort(host), "master", Bridge, "up").ConfigureAwait(false);
        await IpAsync("-n", ns, "addr", "add", $"{address}/24", "dev", HostInterface).ConfigureAwait(false);
        await IpAsync("-n", ns, "link", "set", HostInterface, "up").ConfigureAwait(false);
        await IpAsync("-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
        return host;
    }

    private async Task AddNamespaceAsync(string ns)
    {
        // Recorded first so that a failure half-way still gets it deleted.
        namespaces.Add(ns);
        await IpAsync("netns", "add", ns).ConfigureAwait(false);
    }

    private static string HubPort(LabHost host) => $"v{host.Name}";

    private async Task SysctlAsync(string ns, params string[] settings) =>
        (await ExecAsync(ns, "sysctl", ["-qw", .. settings]).ConfigureAwait(false)).EnsureSuccess();

    private static async Task<CommandResult> IpAsync(params string[] args) =>
        (await Cmd.RunAsync("ip", args).ConfigureAwait(false)).EnsureSuccess();

    private void Log(string message) => log?.Invoke(message);
}
