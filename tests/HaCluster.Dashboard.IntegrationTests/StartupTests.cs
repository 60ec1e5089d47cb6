using System.Diagnostics;
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
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(DashboardProcess.Dll);
        info.Environment["Kestrel__Endpoints__Web__Url"] = url;
        info.Environment["Controller__Address"] = $"http://127.0.0.1:{FreePort.Next()}";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, process.ExitCode);
        Assert.Equal($"hacluster-dashboard: not started: Failed to bind to address {url}: address already in use.", (await stderr).Trim());
        Assert.DoesNotContain("crit:", await stdout);
    }
}
