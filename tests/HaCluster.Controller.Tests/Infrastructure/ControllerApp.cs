using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using HaCluster.Controller.Data;
using HaCluster.Controller.Pki;
using HaCluster.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>
/// The real controller host in-process, on real Kestrel with TLS (its own CA, as in production), pointed at one test's
/// database. Clients are real too: <see cref="CreateClient()"/> and <see cref="Channel()"/> hold an admin's certificate;
/// <see cref="Agents"/> enrolls simulated agents with join tokens.
/// </summary>
public sealed class ControllerApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly CapturedLogs _logs = new();
    private X509Certificate2? _admin;

    private ControllerApp(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel();
    }

    /// <summary>The controller's address (REST and gRPC).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The controller's CA: what its clients trust.</summary>
    public X509Certificate2 Ca => Services.GetRequiredService<ControllerPki>().ClientCa;

    public X509Certificate2 AdminCertificate => _admin!;

    /// <summary>Every line the controller logged at Warning or above (the host's level in tests), with its exception.</summary>
    public IReadOnlyList<CapturedLogs.Line> Logs => _logs.Lines;

    /// <summary>The lines of <see cref="Logs"/> that say something went wrong in the controller (<see cref="CapturedLogs.Line.IsError"/>).</summary>
    public IReadOnlyList<CapturedLogs.Line> ErrorLogs => [.. _logs.Lines.Where(l => l.IsError)];

    /// <summary>Started, with the sample nodes n1..n3 known (each said hello on the agent link, as an agent does).</summary>
    public static async Task<ControllerApp> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var app = await StartBareAsync(settings);
        await app.RegisterNodesAsync(Samples.Nodes);
        return app;
    }

    /// <summary>Started, and nothing else.</summary>
    public static async Task<ControllerApp> StartBareAsync(IReadOnlyDictionary<string, string> settings)
    {
        var app = new ControllerApp(settings);
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        app.Address = new Uri(addresses.First(a => a.StartsWith("https://127.0.0.1:", StringComparison.Ordinal)));
        app._admin = await app.IssueAsync("test-admin", Role.Admin);
        return app;
    }

    /// <summary>A certificate from the controller's CA, as <c>hacluster-controller cert create</c> makes one.</summary>
    public Task<X509Certificate2> IssueAsync(string name, Role role) =>
        Services.GetRequiredService<Credentials>().IssueAsync(name, role, null, Domain.Actor.CommandLine with { Name = "the tests" }, CancellationToken.None);

    /// <summary>REST as the test's admin.</summary>
    public new HttpClient CreateClient() => Client(_admin);

    /// <summary>REST with <paramref name="certificate"/> (null: none).</summary>
    public HttpClient Client(X509Certificate2? certificate) => TlsClients.Http(Address, Ca, certificate);

    /// <summary>gRPC as the test's admin.</summary>
    public GrpcChannel Channel() => Channel(_admin);

    public GrpcChannel Channel(X509Certificate2? certificate) => TlsClients.Grpc(Address, Ca, certificate);

    /// <summary>Simulated agents' channels, each node enrolled with a join token the first time it is used.</summary>
    public AgentChannels Agents() => new(CreateTokenAsync, Channel);

    public async Task<string> CreateTokenAsync(string node)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/tokens", new { node });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenReply>())!.Token;
    }

    /// <summary>Each node connects, says hello, receives its config and hangs up: afterwards it is known, not connected.</summary>
    public async Task RegisterNodesAsync(IEnumerable<(string Node, string Address)> nodes)
    {
        using var agents = Agents();
        foreach (var (node, address) in nodes)
        {
            await using var agent = await SimulatedAgent.ConnectAsync(agents, node, [$"{address}/24"]);
            await agent.NextConfigAsync();
        }
    }

    public async Task<T> QueryAsync<T>(Func<HaClusterContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HaClusterContext>());
    }

    /// <summary>Groups, config revisions, and audit entries of group changes (the audit also holds sign-ins, certificates, refusals).</summary>
    public Task<(int Groups, int Revisions, int Audit)> CountRowsAsync() =>
        QueryAsync(async db => (await db.Groups.CountAsync(), await db.ConfigRevisions.CountAsync(),
            await db.AuditEntries.CountAsync(a => a.Action == "create" || a.Action == "update" || a.Action == "delete")));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The tests' output is about the tests: the controller's own lines only when something goes wrong.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
        builder.UseSetting("Kestrel:Endpoints:Web:Url", "https://127.0.0.1:0");
        builder.UseSetting("Kestrel:Endpoints:Grpc:Url", "https://127.0.0.1:0");
        // Either endpoint serves REST and gRPC (TLS negotiates HTTP/2 for gRPC): the tests use whichever comes first.
        builder.UseSetting("Kestrel:Endpoints:Grpc:Protocols", "Http1AndHttp2");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// Stops the host, then closes its idle PostgreSQL connections: Npgsql's pools outlive a host, and one test
    /// database after another would otherwise hold the server's connections until it refuses new clients.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_settings.TryGetValue("ConnectionStrings:HaCluster", out var connectionString))
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private sealed record TokenReply(string Token);
}
