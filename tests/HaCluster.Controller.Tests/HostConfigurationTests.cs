using System.Diagnostics;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.Extensions.Configuration;

namespace HaCluster.Controller.Tests;

/// <summary>The shipped defaults and the real Kestrel host, started as an operator would.</summary>
public sealed class HostConfigurationTests : IDisposable
{
    private readonly string dataDir = Directory.CreateTempSubdirectory("hc-host-").FullName;

    [Fact]
    public void AppSettings_NoOverrides_ListensOnLoopbackOnly_TlsOnBoth_GrpcOverHttp2_AndStoresUnderData()
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
            .Build();

        Assert.Equal("https://127.0.0.1:5080", config["Kestrel:Endpoints:Web:Url"]);
        Assert.Equal("https://127.0.0.1:5081", config["Kestrel:Endpoints:Grpc:Url"]);
        Assert.Equal("Http2", config["Kestrel:Endpoints:Grpc:Protocols"]);
        Assert.Equal(["Grpc", "Web"], config.GetSection("Kestrel:Endpoints").GetChildren().Select(c => c.Key).Order());
        Assert.Equal("./data", config["Storage:DataDir"]);
        Assert.Null(config.GetConnectionString("HaCluster"));
    }

    [Fact]
    public async Task Serve_WebUrlFromEnvironment_ListensThereOverTlsFromItsOwnCa_AndIsReady()
    {
        var url = $"https://127.0.0.1:{FreePort.Next()}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll"));
        info.Environment["Kestrel__Endpoints__Web__Url"] = url;
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = $"https://127.0.0.1:{FreePort.Next()}";
        info.Environment["Storage__DataDir"] = dataDir;
        using var process = Process.Start(info)!;
        try
        {
            // The CA is made before the listeners open: the client trusts it and nothing else.
            var ca = await PollAsync(() => Task.FromResult(File.ReadAllText(Path.Combine(dataDir, "pki", "ca.crt"))));
            using var client = TlsClients.Http(new Uri(url), System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(ca), null);
            Assert.Equal("Healthy", await PollAsync(() => client.GetStringAsync("/readyz")));
            Assert.True(File.Exists(Path.Combine(dataDir, "hacluster.db")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("Grpc")]
    public async Task Serve_PortTaken_ExitsOneWithOneClearLine_NoAbortNoStackTrace(string endpoint)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, FreePort.Next());
        taken.Start();
        var takenUrl = $"https://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";
        var freeUrl = $"https://127.0.0.1:{FreePort.Next()}";
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = endpoint == "Web" ? takenUrl : freeUrl,
            ["Kestrel__Endpoints__Grpc__Url"] = endpoint == "Grpc" ? takenUrl : $"https://127.0.0.1:{FreePort.Next()}",
            ["Storage__DataDir"] = dataDir,
        };

        var result = await Cmd.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll")], TimeSpan.FromSeconds(60), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"hacluster-controller: not started: Failed to bind to address {takenUrl}: address already in use.", result.Stderr.Trim());
        // The host logs the failure once; nothing aborts, and no background service reports its own stop as a fault.
        Assert.DoesNotContain("crit:", result.Stdout);
        Assert.DoesNotContain("BackgroundService", result.Stdout);
    }

    [Fact]
    public async Task RetentionOutOfRange_NotStarted_NamingTheSetting()
    {
        var result = await Cmd.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll"), "migrate"], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["Storage__DataDir"] = dataDir, ["Storage__RetentionDays"] = "0" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hacluster-controller: not started: Storage:RetentionDays: 0 is not between 1 and 36500", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Issue 12: TLS on every endpoint. A plain one is refused at start, whichever way it was configured.</summary>
    [Theory]
    [InlineData("Kestrel__Endpoints__Web__Url", "http://127.0.0.1:5999", "Kestrel:Endpoints:Web:Url: 'http://127.0.0.1:5999' is not TLS")]
    [InlineData("Kestrel__Endpoints__Grpc__Url", "http://unix:/tmp/hc-plain.sock", "Kestrel:Endpoints:Grpc:Url: 'http://unix:/tmp/hc-plain.sock' is not TLS")]
    [InlineData("ASPNETCORE_URLS", "https://127.0.0.1:5998;http://127.0.0.1:5999", "urls (ASPNETCORE_URLS): 'http://127.0.0.1:5999' is not TLS")]
    public async Task PlainHttpEndpoint_NotStarted_NamingIt(string variable, string url, string message)
    {
        var result = await Cmd.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll")], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["Storage__DataDir"] = dataDir, [variable] = url });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"hacluster-controller: not started: {message}", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    private static async Task<string> PollAsync(Func<Task<string>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (e is HttpRequestException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // waits for the controller process starting up
            }
        }
    }
}
