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

        await controller.WaitForAppliedAsync("tcp-node");
        Assert.True(await agent.WaitForOutputAsync($"controller {grpc}/: connected as node tcp-node", TimeSpan.FromSeconds(5)));

        await controller.StopAsync();
        Assert.True(await agent.WaitForOutputAsync("unreachable", TimeSpan.FromSeconds(10)));
        await controller.RestartAsync();

        Assert.True(await agent.WaitForOutputAsync("(session 2)", TimeSpan.FromSeconds(20)), agent.Output);
        await controller.WaitForAppliedAsync("tcp-node");
        Assert.False(agent.HasExited);
    }
}
