using System.Net.Http.Json;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>
/// A controller and the dashboard over it, in a lab (its work directory and, when asked, hosts with managed agents).
/// Without agents, simulated ones (the real protocol on the controller's socket) make the nodes known.
/// </summary>
internal sealed class DashboardStack : IAsyncDisposable
{
    private readonly List<SimulatedAgent> _simulated = [];
    private readonly List<Task> _answering = [];
    private AgentChannels? _agents;

    private DashboardStack(NetnsLab lab, ControllerProcess controller, DashboardProcess dashboard) =>
        (Lab, Controller, Dashboard) = (lab, controller, dashboard);

    public NetnsLab Lab { get; }
    public ControllerProcess Controller { get; }
    public DashboardProcess Dashboard { get; }
    public Uri Url => Dashboard.Url;

    public static async Task<DashboardStack> StartAsync(int hosts = 1)
    {
        Privileges.RequireOrSkip("the dashboard's tests (a lab for the controller and its agents)", "dotnet");
        var lab = await NetnsLab.CreateAsync(hosts, withClient: hosts > 1);
        try
        {
            var controller = await ControllerProcess.StartAsync(lab);
            return new DashboardStack(lab, controller, await DashboardProcess.StartAsync(lab, controller));
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A node whose simulated agent stays connected and answers every pushed config as applied.</summary>
    public async Task<SimulatedAgent> SimulateAsync(string node, string address)
    {
        _agents ??= Controller.Agents();
        var agent = await SimulatedAgent.ConnectAsync(_agents, node, [$"{address}/24"]);
        _simulated.Add(agent);
        await agent.SendAppliedAsync(await agent.NextConfigAsync());
        _answering.Add(AnswerConfigsAsync(agent));
        return agent;
    }

    private static async Task AnswerConfigsAsync(SimulatedAgent agent)
    {
        await foreach (var message in agent.Received.ReadAllAsync())
        {
            if (message.Config is { } config)
                await agent.SendAppliedAsync(config);
        }
    }

    public async Task CreateAsync(VipGroup group)
    {
        var response = await Controller.Http.PostAsJsonAsync("/api/v1/groups", GroupDocument.Of(group), GroupJsonContext.Default.GroupDocument);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _simulated)
            await agent.DisposeAsync();
        await Task.WhenAll(_answering).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _agents?.Dispose();
        await Controller.DisposeAsync();
        await Lab.DisposeAsync();
    }
}
