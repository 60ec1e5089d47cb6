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
        var files = TestPki.WriteClientFiles(Directory.CreateTempSubdirectory("hc-dash-").FullName);
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = url,
            ["Controller__Address"] = $"https://127.0.0.1:{FreePort.Next()}",
            ["Controller__CaPath"] = files.Ca,
        };

        var result = await Cmd.RunAsync("dotnet", [DashboardProcess.Dll], TimeSpan.FromSeconds(60), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"hacluster-dashboard: not started: Failed to bind to address {url}: address already in use.", result.Stderr.Trim());
        Assert.DoesNotContain("crit:", result.Stdout);
    }

    [Fact]
    public async Task PlainHttpController_NoCa_HalfConfiguredSingleSignOn_RefusedAtStart_EachSaid()
    {
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Controller__Address"] = "http://127.0.0.1:5081",
            ["Controller__CaPath"] = "/nonexistent/ca.crt",
            ["Auth__Oidc__Authority"] = "http://idp.example",
        };

        var result = await Cmd.RunAsync("dotnet", [DashboardProcess.Dll], TimeSpan.FromSeconds(60), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("hacluster-dashboard: not started: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Controller:Address: 'http://127.0.0.1:5081' is plain http: the controller is reached over TLS only", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Controller:CaPath: cannot read the controller's CA from '/nonexistent/ca.crt'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:Authority: 'http://idp.example' is plain http (set Auth:Oidc:RequireHttpsMetadata=false only for a test provider)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:ClientId: required when Auth:Oidc:Authority is set", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:Resource: required when Auth:Oidc:Authority is set", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
