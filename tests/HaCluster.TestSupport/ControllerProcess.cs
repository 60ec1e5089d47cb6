using System.Net.Http.Json;

namespace HaCluster.TestSupport;

/// <summary>
/// A real hacluster-controller process for a lab, started from the build output next to the tests. It runs in the
/// root namespace on loopback (REST on a free port) and takes the agents' streams on a Unix socket in the lab's work
/// directory: network namespaces do not share 127.0.0.1, but they share the filesystem. Restartable on the same data.
/// </summary>
public sealed class ControllerProcess : IAsyncDisposable
{
    private readonly NetnsLab lab;
    private readonly Dictionary<string, string> environment;

    private ControllerProcess(NetnsLab lab, Dictionary<string, string> environment, Uri web)
    {
        (this.lab, this.environment, Web) = (lab, environment, web);
        Http = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static string ControllerDll => Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll");

    public Uri Web { get; }

    public HttpClient Http { get; }

    public LabProcess? Process { get; private set; }

    public string Socket => Path.Combine(lab.WorkDir, "controller.sock");

    /// <summary>What an agent passes to <c>--controller</c>.</summary>
    public string AgentAddress => "unix:" + Socket;

    /// <param name="settings">Extra configuration (Key:Sub → value), e.g. a PostgreSQL connection string.</param>
    public static async Task<ControllerProcess> StartAsync(NetnsLab lab, IReadOnlyDictionary<string, string>? settings = null)
    {
        var web = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = web.ToString().TrimEnd('/'),
            ["Kestrel__Endpoints__Grpc__Url"] = "http://unix:" + Path.Combine(lab.WorkDir, "controller.sock"),
            ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
            ["Storage__DataDir"] = Path.Combine(lab.WorkDir, "controller-data"),
            ["Fleet__HealthSettle"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var controller = new ControllerProcess(lab, environment, web);
        await controller.RestartAsync();
        return controller;
    }

    /// <summary>Starts it (again, on the same data) and waits until it answers /readyz.</summary>
    public async Task RestartAsync()
    {
        if (Process is { HasExited: false })
            throw new InvalidOperationException("the controller is still running");
        Process = lab.StartInRootNamespace("dotnet", [ControllerDll], "controller", environment);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (Process.HasExited)
                throw new InvalidOperationException($"the controller exited at start (exit {Process.ExitCode}): {Process.LastLine}\n{Process.Output}");
            try
            {
                if ((await Http.GetAsync("/readyz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the controller did not become ready:\n{Process.Output}");
            await Task.Delay(100); // waits for the controller process starting up
        }
    }

    /// <summary>SIGTERM and wait, as systemd stops it.</summary>
    public Task<int> StopAsync() => Process!.StopAsync(TimeSpan.FromSeconds(15));

    public async Task<T> GetAsync<T>(string path) =>
        await Http.GetFromJsonAsync<T>(path) ?? throw new InvalidOperationException($"GET {path} returned null");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (Process is not null)
            await Process.DisposeAsync();
    }
}
