using System.Net;
using System.Net.Sockets;
using HaCluster.TestSupport;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>The dashboard process started as an operator would, where it cannot listen.</summary>
public class StartupTests
{
    [Fact]
    public async Task PortTaken_ExitsOneWithOneClearLine_NoAbort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, FreePort.Next());
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = url,
            ["Controller__Address"] = $"http://127.0.0.1:{FreePort.Next()}",
        };

        var result = await Cmd.RunAsync("dotnet", [DashboardProcess.Dll], TimeSpan.FromSeconds(60), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"hacluster-dashboard: not started: Failed to bind to address {url}: address already in use.", result.Stderr.Trim());
        Assert.DoesNotContain("crit:", result.Stdout);
    }
}
