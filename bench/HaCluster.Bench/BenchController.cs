using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>
/// The controller process under load: REST and gRPC on loopback over TLS from its own CA, PostgreSQL behind it. The
/// bench is its admin (a certificate from <c>hacluster-controller cert create</c>) and enrolls every simulated agent
/// with a join token, so each stream is its own mTLS connection with its own node certificate, as in production.
/// </summary>
internal sealed class BenchController : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly string _dataDir;
    private readonly X509Certificate2 _ca;

    private BenchController(System.Diagnostics.Process process, string dataDir, Uri web, Uri grpc, X509Certificate2 ca, X509Certificate2 admin)
    {
        (_process, _dataDir, Grpc, _ca) = (process, dataDir, grpc, ca);
        Http = TlsClients.Http(web, ca, admin);
        Http.Timeout = TimeSpan.FromMinutes(2);
    }

    public HttpClient Http { get; }

    public Uri Grpc { get; }

    /// <param name="settings">Extra configuration (Key:Sub → value).</param>
    public static async Task<BenchController> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var web = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var grpc = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        var dataDir = Directory.CreateTempSubdirectory("hacluster-bench-controller-").FullName;
        var dll = Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll");
        var credentials = Path.Combine(dataDir, "admin");
        var create = await Cmd.RunAsync("dotnet", [dll, "cert", "create", "--name", "bench", "--role", "admin", "--out", credentials],
            TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["Storage__DataDir"] = dataDir, ["ConnectionStrings__HaCluster"] = connectionString });
        create.EnsureSuccess();
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(credentials, "ca.crt")));
        var admin = X509Certificate2.CreateFromPemFile(Path.Combine(credentials, "bench.crt"), Path.Combine(credentials, "bench.key"));
        var info = Cmd.StartInfo("dotnet", [dll]);
        info.Environment["Storage__DataDir"] = dataDir;
        info.Environment["ConnectionStrings__HaCluster"] = connectionString;
        info.Environment["Kestrel__Endpoints__Web__Url"] = web.ToString().TrimEnd('/');
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString().TrimEnd('/');
        info.Environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
        // A thousand connects would be a thousand log lines: keep the log to warnings for the load.
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start the controller");
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var controller = new BenchController(process, dataDir, web, grpc, ca, admin);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await controller.Http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return controller;
                }
            }
            catch (HttpRequestException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A simulated agent's channel: enrolled the real way (a join token from the API, a key made here, a CSR), its own TLS connection.</summary>
    public async Task<GrpcChannel> EnrollAsync(string node)
    {
        var response = await Http.PostAsJsonAsync("/api/v1/tokens", new { node, ttl = "1h" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenReply>())!.Token;
        using var anonymous = TlsClients.Grpc(Grpc, _ca, null);
        return TlsClients.Grpc(Grpc, _ca, await TlsClients.EnrollAsync(anonymous, token, node));
    }

    /// <summary>VmRSS of the controller process, KiB.</summary>
    public long RssKiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU time the controller process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{_process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Cmd.KillTree(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private sealed record TokenReply(string Token);
}
