using System.Text.Json;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>The real agent on the link over TCP (TLS), as across hosts: enrolled over it, and through a controller restart.</summary>
public class AgentOverTcpTests
{
    [SkippableFact]
    public async Task RealAgent_OverTcp_RunsTheConfigItIsSent_AndComesBackAfterAControllerRestart()
    {
        Privileges.RequireOrSkip("the agent's capability check", "dotnet");
        await using var lab = await NetnsLab.CreateAsync(1, withClient: false);
        var grpc = $"https://127.0.0.1:{FreePort.Next()}";
        await using var controller = await ControllerProcess.StartAsync(lab, new Dictionary<string, string> { ["Kestrel:Endpoints:Grpc:Url"] = grpc });
        var config = Path.Combine(lab.WorkDir, "empty.conf");
        await File.WriteAllTextAsync(config, "global_defs {\n}\n");
        var state = Path.Combine(lab.WorkDir, "state");
        (await Cmd.RunAsync("dotnet", AgentProcess.AgentDll, "enroll", "--controller", grpc, "--token", await controller.CreateTokenAsync("tcp-node"),
            "--node", "tcp-node", "--state-dir", state)).EnsureSuccess();
        // In this namespace, with no instance: it only talks to the controller (no VRRP, no address is touched). No
        // --node: the certificate says which node this is.
        var agent = lab.StartInRootNamespace("dotnet",
            [AgentProcess.AgentDll, "--config", config, "--controller", grpc, "--state-dir", state, "--metrics", "off"],
            "agent-tcp");

        await WaitForAppliedAsync(controller);
        Assert.True(await agent.WaitForOutputAsync($"controller {grpc}/: connected as node tcp-node", TimeSpan.FromSeconds(5)));

        await controller.StopAsync();
        Assert.True(await agent.WaitForOutputAsync("unreachable", TimeSpan.FromSeconds(10)));
        await controller.RestartAsync();

        Assert.True(await agent.WaitForOutputAsync("(session 2)", TimeSpan.FromSeconds(20)), agent.Output);
        await WaitForAppliedAsync(controller);
        Assert.False(agent.HasExited);
    }

    private static async Task WaitForAppliedAsync(ControllerProcess controller)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var node = (await controller.GetAsync<JsonElement[]>("/api/v1/nodes")).FirstOrDefault(n => n.GetProperty("name").GetString() == "tcp-node");
            if (node.ValueKind == JsonValueKind.Object && node.GetProperty("connected").GetBoolean()
                && node.GetProperty("appliedHash").GetString() is { Length: > 0 } applied && applied == node.GetProperty("desiredHash").GetString())
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the agent did not report the config it was sent");
            await Task.Delay(100); // waits for the agent process applying its config and reporting it
        }
    }
}
