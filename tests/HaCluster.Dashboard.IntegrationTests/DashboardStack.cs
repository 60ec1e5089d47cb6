using System.Net.Http.Json;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>
/// A controller and the dashboard over it, in a lab (its work directory and, when asked, hosts with managed agents).
/// Without agents, simulated ones (the real protocol on the controller's socket) make the nodes known.
/// </summary>
internal sealed class DashboardStack : IAsyncDisposable
{
    private static readonly Lazy<Task<(string DataDir, AdminFiles Admin)>> Seed =
        new(() =>
        {
            var dir = Directory.CreateTempSubdirectory("hc-dashboard-seed-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
            return ControllerProcess.CreateDataAsync(dir);
        });

    private readonly List<SimulatedAgent> _simulated = [];
    private readonly List<Task> _answering = [];
    private AgentChannels? _agents;

    private DashboardStack(NetnsLab lab, ControllerProcess controller, DashboardProcess dashboard) =>
        (Lab, Controller, Dashboard) = (lab, controller, dashboard);

    public NetnsLab Lab { get; }
    public ControllerProcess Controller { get; }
    public DashboardProcess Dashboard { get; }
    public Uri Url => Dashboard.Url;

    /// <summary>The admin the tests sign in as (a local user made through the controller's API).</summary>
    public const string Admin = "alice";

    /// <summary>Every test user's password (12 characters at least, as the controller asks).</summary>
    public const string Password = "correct horse battery";

    /// <param name="controllerSettings">Extra controller configuration (single sign-on).</param>
    /// <param name="dashboardSettings">Extra dashboard configuration; <paramref name="dashboardUrl"/> fixes its address (a provider's callback).</param>
    public static async Task<DashboardStack> StartAsync(int hosts = 1, IReadOnlyDictionary<string, string>? controllerSettings = null,
        IReadOnlyDictionary<string, string>? dashboardSettings = null, Uri? dashboardUrl = null)
    {
        Privileges.RequireOrSkip("the dashboard's tests (a lab for the controller and its agents)", "dotnet");
        var lab = await NetnsLab.CreateAsync(hosts, withClient: hosts > 1);
        try
        {
            // A first run's data and admin credentials, made once for the suite (not a `cert create` per test).
            var (data, admin) = await Seed.Value;
            ControllerProcess.CopyData(data, ControllerProcess.DataDirOf(lab));
            var controller = await ControllerProcess.StartAsync(lab, controllerSettings, admin);
            var stack = new DashboardStack(lab, controller, await DashboardProcess.StartAsync(lab, controller, dashboardSettings, dashboardUrl));
            await stack.AddUserAsync(Admin, "admin");
            return stack;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A local user, made by the controller's API (as the test's admin certificate).</summary>
    public async Task AddUserAsync(string name, string role)
    {
        var response = await Controller.Http.PostAsJsonAsync("/api/v1/users", new { name, role, password = Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A fresh browser page signed in as <paramref name="user"/> through the sign-in page.</summary>
    public async Task<IPage> SignedInPageAsync(Browser browser, string user = Admin, int width = 1366, int height = 900)
    {
        var page = await browser.NewPageAsync(width, height);
        await page.SignInAsync(Url, user, Password);
        return page;
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
