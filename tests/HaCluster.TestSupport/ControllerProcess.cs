using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace HaCluster.TestSupport;

/// <summary>
/// A real hacluster-controller process for a lab, started from the build output next to the tests. It runs in the
/// root namespace on loopback (REST on a free port) and takes the agents' streams on a Unix socket in the lab's work
/// directory: network namespaces do not share 127.0.0.1, but they share the filesystem. TLS everywhere, from its own
/// CA; the tests are its admin with a certificate made by <c>hacluster-controller cert create</c>, as an operator
/// would. Restartable on the same data.
/// </summary>
public sealed class ControllerProcess : IAsyncDisposable
{
    public const string AdminName = "test-admin";
    private readonly NetnsLab lab;
    private readonly Dictionary<string, string> environment;

    private ControllerProcess(NetnsLab lab, Dictionary<string, string> environment, Uri web, AdminFiles admin)
    {
        (this.lab, this.environment, Web) = (lab, environment, web);
        (CaPath, AdminCertificatePath, AdminKeyPath) = admin;
        Ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaPath));
        AdminCertificate = X509Certificate2.CreateFromPemFile(AdminCertificatePath, AdminKeyPath);
        Http = Client(AdminCertificate);
    }

    public static string ControllerDll => Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll");

    public Uri Web { get; }

    /// <summary>REST as the admin.</summary>
    public HttpClient Http { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 AdminCertificate { get; }

    /// <summary>The CA the controller's server certificate chains to (what clients trust).</summary>
    public string CaPath { get; }

    public string AdminCertificatePath { get; }

    public string AdminKeyPath { get; }

    public string DataDir => environment["Storage__DataDir"];

    public LabProcess? Process { get; private set; }

    public string Socket => Path.Combine(lab.WorkDir, "controller.sock");

    /// <summary>What an agent passes to <c>--controller</c>.</summary>
    public string AgentAddress => "unix:" + Socket;

    /// <summary>
    /// A first run's data (its CA, its database) and the admin's credentials, as <c>cert create</c> makes them, made
    /// once under <paramref name="dir"/>: a suite that starts many controllers on SQLite copies it for each
    /// (<see cref="CopyData"/>) instead of a process start of its own each time (2.3 s). The operator's own flow stays
    /// the default, and the controller's tests check what it writes.
    /// </summary>
    public static async Task<(string DataDir, AdminFiles Admin)> CreateDataAsync(string dir)
    {
        var data = Path.Combine(dir, "controller-data");
        return (data, await CreateAdminAsync(new Dictionary<string, string> { ["Storage__DataDir"] = data }, Path.Combine(dir, "admin")));
    }

    /// <summary>As an operator starts: the command line makes the CA (first run) and the admin's certificate into <paramref name="credentials"/>.</summary>
    private static async Task<AdminFiles> CreateAdminAsync(IReadOnlyDictionary<string, string> environment, string credentials)
    {
        (await RunAsync(environment, "cert", "create", "--name", AdminName, "--role", "admin", "--out", credentials)).EnsureSuccess();
        return new AdminFiles(Path.Combine(credentials, "ca.crt"), Path.Combine(credentials, AdminName + ".crt"), Path.Combine(credentials, AdminName + ".key"));
    }

    /// <summary>Copies a controller's data directory (stopped) to <paramref name="to"/>, every mode kept (its key is 0600).</summary>
    public static void CopyData(string from, string to)
    {
        Directory.CreateDirectory(to, File.GetUnixFileMode(from));
        foreach (var file in Directory.GetFiles(from))
        {
            var copy = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyData(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    /// <summary>Where <see cref="StartAsync"/> keeps the controller's data in <paramref name="lab"/>.</summary>
    public static string DataDirOf(NetnsLab lab) => Path.Combine(lab.WorkDir, "controller-data");

    /// <param name="settings">Extra configuration (Key:Sub → value), e.g. a PostgreSQL connection string.</param>
    /// <param name="site">A site's PKI: the CA and an admin's certificate from it (the controller is then configured with it by <paramref name="settings"/>).</param>
    public static async Task<ControllerProcess> StartAsync(NetnsLab lab, IReadOnlyDictionary<string, string>? settings = null, AdminFiles? site = null)
    {
        var web = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Web__Url"] = web.ToString().TrimEnd('/'),
            ["Kestrel__Endpoints__Grpc__Url"] = "https://unix:" + Path.Combine(lab.WorkDir, "controller.sock"),
            ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
            ["Storage__DataDir"] = DataDirOf(lab),
            ["Fleet__HealthSettle"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        // As an operator starts: the admin's certificate first (and the CA on a first run), then the server runs.
        site ??= await CreateAdminAsync(environment, Path.Combine(lab.WorkDir, "admin"));

        var controller = new ControllerProcess(lab, environment, web, site);
        await controller.RestartAsync();
        return controller;
    }

    /// <summary>Runs <c>hacluster-controller ARGS</c> (token create, node revoke, cert create…) on this controller's data.</summary>
    public Task<CommandResult> RunCommandAsync(params string[] args) => RunAsync(environment, args);

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

    /// <summary>
    /// Waits until each of <paramref name="nodes"/> is connected and has reported running the config it was last sent
    /// (its applied hash is the desired one): what a test waits for before events that must carry the revision.
    /// </summary>
    public async Task WaitForAppliedAsync(params string[] nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var listed = await GetAsync<System.Text.Json.JsonElement[]>("/api/v1/nodes");
            var pending = nodes.Where(name => !listed.Any(n => n.GetProperty("name").GetString() == name && n.GetProperty("connected").GetBoolean()
                && n.GetProperty("appliedHash").GetString() is { Length: > 0 } applied && applied == n.GetProperty("desiredHash").GetString())).ToList();
            if (pending.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not reported running the config they were sent: {string.Join(", ", pending)}");
            await Task.Delay(100); // waits for the agents applying their configs and reporting them
        }
    }

    /// <summary>REST over TLS with <paramref name="certificate"/> (null: none).</summary>
    public HttpClient Client(X509Certificate2? certificate) => TlsClients.Http(Web, Ca, certificate);

    /// <summary>gRPC on the agents' socket with <paramref name="certificate"/> (null: none).</summary>
    public GrpcChannel Channel(X509Certificate2? certificate) => TlsClients.Grpc(new Uri("unix:/" + Socket.TrimStart('/')), Ca, certificate);

    /// <summary>A join token for <paramref name="node"/> from the REST API (as an admin).</summary>
    public async Task<string> CreateTokenAsync(string node, string? ttl = null)
    {
        var response = await Http.PostAsJsonAsync("/api/v1/tokens", new { node, ttl });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenReply>())!.Token;
    }

    /// <summary>Simulated agents' channels, each node enrolled with a join token the first time it is used.</summary>
    public AgentChannels Agents() => new(node => CreateTokenAsync(node), Channel);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (Process is not null)
            await Process.DisposeAsync();
    }

    private static Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Cmd.RunAsync("dotnet", [ControllerDll, .. args], TimeSpan.FromSeconds(60), environment);

    private sealed record TokenReply(string Token);
}

/// <summary>A CA and an admin's certificate and key, as PEM files.</summary>
public sealed record AdminFiles(string Ca, string Certificate, string Key);
