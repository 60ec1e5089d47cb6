using HaCluster.TestSupport;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>The real hacluster-dashboard process, from its own build output, pointed at a lab's controller.</summary>
internal sealed class DashboardProcess
{
    private DashboardProcess(LabProcess process, Uri url) => (Process, Url) = (process, url);

    public LabProcess Process { get; }

    public Uri Url { get; }

    /// <param name="settings">Extra configuration (Key:Sub → value), e.g. single sign-on.</param>
    public static async Task<DashboardProcess> StartAsync(NetnsLab lab, ControllerProcess controller, IReadOnlyDictionary<string, string>? settings = null, Uri? url = null)
    {
        // No credential of its own: only the controller's address and CA. Every call carries the signed-in person's token.
        url ??= new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>
        {
            ["Controller__Address"] = controller.AgentAddress,
            ["Controller__CaPath"] = controller.CaPath,
            ["Kestrel__Endpoints__Web__Url"] = url.ToString().TrimEnd('/'),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = lab.StartInRootNamespace("dotnet", [Dll], "dashboard", environment);
        using var http = new HttpClient { BaseAddress = url };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the dashboard exited at start (exit {process.ExitCode}): {process.LastLine}\n{process.Output}");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return new DashboardProcess(process, url);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the dashboard did not start:\n{process.Output}");
            await Task.Delay(100); // waits for the dashboard process starting up
        }
    }

    /// <summary>src/Dashboard/bin/{the tests' configuration}/net10.0/hacluster-dashboard.dll.</summary>
    internal static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(Repository.Root, "src", "Dashboard", "bin", configuration, "net10.0", "hacluster-dashboard.dll");
        }
    }
}
