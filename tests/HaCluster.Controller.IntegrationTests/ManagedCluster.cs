using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>
/// A controller and one managed agent per lab host (n1 .10, n2 .11, n3 .12, all on eth0), a client and TCP
/// responders: the whole product, with nothing but REST calls to drive it.
/// </summary>
internal sealed partial class ManagedCluster : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, List<AgentProcess>> _runs = [];

    private ManagedCluster(NetnsLab lab, ControllerProcess controller) => (Lab, Controller) = (lab, controller);

    public NetnsLab Lab { get; }
    public ControllerProcess Controller { get; }

    /// <summary>The agent running now on each host.</summary>
    public IReadOnlyDictionary<string, AgentProcess> Agents => _runs.ToDictionary(r => r.Key, r => r.Value[^1]);

    /// <param name="settings">The controller's extra configuration (Key:Sub → value).</param>
    /// <param name="localConfig">Each host's own keepalived.conf (default: none but global_defs).</param>
    public static async Task<ManagedCluster> StartAsync(int hosts = 3, IReadOnlyDictionary<string, string>? settings = null, Func<NetnsLab, LabHost, string>? localConfig = null)
    {
        Privileges.RequireOrSkip("a managed cluster in network namespaces", "dotnet");
        var lab = await NetnsLab.CreateAsync(hosts);
        try
        {
            var cluster = new ManagedCluster(lab, await ControllerProcess.StartAsync(lab, settings));
            foreach (var host in lab.Hosts)
            {
                await lab.StartResponderAsync(host);
                await cluster.StartAgentAsync(host, localConfig?.Invoke(lab, host));
            }

            await cluster.WaitForAsync("every agent connected", async () =>
                (await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/nodes")).Count(n => n.GetProperty("connected").GetBoolean()) == hosts);
            return cluster;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts the managed agent of <paramref name="host"/>, enrolled with a join token the first time; its state directory is kept across runs.</summary>
    public async Task<AgentProcess> StartAgentAsync(LabHost host, string? localConfig = null)
    {
        var agent = localConfig is null ? await AgentProcess.StartManagedAsync(Lab, host, Controller) : await AgentProcess.StartManagedAsync(Lab, host, Controller, localConfig);
        (_runs.TryGetValue(host.Name, out var runs) ? runs : _runs[host.Name] = []).Add(agent);
        return agent;
    }

    /// <summary>A group of every lab host with these priorities (n1, n2, n3…), VIP with a label on eth0.</summary>
    public VipGroup Group(string name, int vrid, string vip, params int[] priorities) =>
        new(name, vrid, NetnsLab.HostInterface, 2, 1, "1111", true, 0,
            [new Vip($"{vip}/32", NetnsLab.HostInterface, $"{NetnsLab.HostInterface}:{vrid}")],
            [.. Lab.Hosts.Zip(priorities, (h, p) => new Member(h.Name, h.Address.ToString(), p))]);

    public async Task CreateAsync(VipGroup group)
    {
        var response = await Controller.Http.PostAsJsonAsync("/api/v1/groups", GroupDocument.Of(group), GroupJsonContext.Default.GroupDocument);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public async Task UpdateAsync(VipGroup group)
    {
        var response = await Controller.Http.PutAsJsonAsync($"/api/v1/groups/{group.Name}", GroupDocument.Of(group), GroupJsonContext.Default.GroupDocument);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<JsonElement> StatusAsync(string group) => Controller.GetAsync<JsonElement>($"/api/v1/groups/{group}/status");

    /// <summary>Waits until the group is healthy with <paramref name="master"/> holding it, as the controller sees it.</summary>
    public Task WaitForMasterAsync(string group, string master) =>
        WaitForAsync($"{group}: ok with master {master}", async () =>
            await StatusAsync(group) is var s && s.GetProperty("health").GetString() == "ok" && s.GetProperty("masterNode").GetString() == master);

    /// <summary>The stored transitions of a node, oldest first, as "FROM>TO:reason".</summary>
    public async Task<List<string>> StoredTransitionsAsync(string node, string group)
    {
        var events = await Controller.GetAsync<JsonElement[]>($"/api/v1/events?kind=transition&node={node}&group={group}&limit=10000");
        return [.. events.Reverse().Select(e => $"{e.GetProperty("fromState").GetString()}>{e.GetProperty("toState").GetString()}:{e.GetProperty("reason").GetString()}")];
    }

    /// <summary>What the agent processes of a host logged, over all their runs, in the same form.</summary>
    public List<string> LoggedTransitions(string host, string instance) =>
        [.. _runs[host].SelectMany(a => TransitionLine().Matches(a.Process.Output))
            .Where(m => m.Groups["instance"].Value == instance)
            .Select(m => $"{m.Groups["from"].Value}>{m.Groups["to"].Value}:{m.Groups["reason"].Value}")];

    public async Task WaitForAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!await Probe(condition))
        {
            if (DateTime.UtcNow > deadline)
            {
                await Lab.DumpStateAsync();
                Assert.Fail($"timed out waiting for {what} (lab {Lab.WorkDir})");
            }

            await Task.Delay(100); // waits for the controller and the agents (separate processes) get there on their own
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        await Lab.DisposeAsync();
    }

    private static async Task<bool> Probe(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"VRRP transition instance=(?<instance>\S+) from=(?<from>\w+) to=(?<to>\w+) reason=(?<reason>\w+)")]
    private static partial Regex TransitionLine();
}
