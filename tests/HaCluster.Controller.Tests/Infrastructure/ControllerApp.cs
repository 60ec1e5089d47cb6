using Grpc.Net.Client;
using HaCluster.Controller.Data;
using HaCluster.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>The real controller host in-process, pointed at one test's database.</summary>
public sealed class ControllerApp(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    /// <summary>Started, with the sample nodes n1..n3 known (each said hello on the agent link, as an agent does).</summary>
    public static async Task<ControllerApp> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var app = new ControllerApp(settings);
        await app.RegisterNodesAsync(Samples.Nodes);
        return app;
    }

    /// <summary>A gRPC channel into the in-process server (agent link and admin API).</summary>
    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    /// <summary>Each node connects, says hello, receives its config and hangs up: afterwards it is known, not connected.</summary>
    public async Task RegisterNodesAsync(IEnumerable<(string Node, string Address)> nodes)
    {
        using var channel = Channel();
        foreach (var (node, address) in nodes)
        {
            await using var agent = await SimulatedAgent.ConnectAsync(channel, node, [$"{address}/24"]);
            await agent.NextConfigAsync();
        }
    }

    public async Task<T> QueryAsync<T>(Func<HaClusterContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HaClusterContext>());
    }

    public Task<(int Groups, int Revisions, int Audit)> CountRowsAsync() =>
        QueryAsync(async db => (await db.Groups.CountAsync(), await db.ConfigRevisions.CountAsync(), await db.AuditEntries.CountAsync()));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The tests' output is about the tests: the controller's own lines only when something goes wrong.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
