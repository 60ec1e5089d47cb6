using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>
/// One real controller process (TLS, its own CA), and every way in that must be refused, each with the reason the
/// caller is told: plain http, no certificate, another CA's certificate, a used, expired or foreign token, a token whose
/// CA hash is not this controller's, a hello in another node's name, an agent's certificate on the admin API and REST,
/// a revoked node.
/// </summary>
public sealed class RefusalTests(RefusalTests.Controller shared) : IClassFixture<RefusalTests.Controller>
{
    [SkippableFact]
    public async Task PlainHttp_ToTheAgentLink_GetsNoAnswer()
    {
        var controller = await shared.GetAsync();
        // HTTP/2 without TLS (h2c), as agents spoke before: the socket speaks TLS only, so the call ends before any answer.
        using var plain = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixHandler(controller.Socket) });

        var error = await Assert.ThrowsAsync<RpcException>(() => new AgentLink.AgentLinkClient(plain).Connect().ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Error starting gRPC call", error.Status.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Tls_WithoutClientCertificate_Unauthenticated()
    {
        var controller = await shared.GetAsync();
        using var channel = controller.Channel(null);

        var status = await EndOfHelloAsync(channel, "n1");

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.StartsWith("no credential: this controller takes a client certificate from its CA", status.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CertificateFromAnotherCa_Unauthenticated_OnTheLinkAndOnRest()
    {
        var controller = await shared.GetAsync();
        var foreign = TlsClients.ForeignCertificate("n1", Role.Agent);
        using var channel = controller.Channel(foreign);
        using var rest = controller.Client(TlsClients.ForeignCertificate("mallory", Role.Admin));

        var status = await EndOfHelloAsync(channel, "n1");
        var response = await rest.GetAsync("/api/v1/groups");

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal("the client certificate (O=HaCluster, OU=agent, CN=n1) is not from this controller's CA", status.Detail);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("the client certificate (O=HaCluster, OU=admin, CN=mallory) is not from this controller's CA", await DetailAsync(response));
    }

    [SkippableFact]
    public async Task UsedToken_Refused()
    {
        var controller = await shared.GetAsync();
        using var anonymous = controller.Channel(null);
        var token = await controller.CreateTokenAsync("used-1");
        await TlsClients.EnrollAsync(anonymous, token, "used-1");

        var error = await Assert.ThrowsAsync<RpcException>(() => TlsClients.EnrollAsync(anonymous, token, "used-1"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("this join token was used already (at ", error.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("): a token enrolls one agent once; create a new one", error.Status.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ExpiredToken_Refused()
    {
        var controller = await shared.GetAsync();
        using var anonymous = controller.Channel(null);
        var token = await controller.CreateTokenAsync("late-1", ttl: "1s");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // lets the token's one second of life pass on the controller's clock

        var error = await Assert.ThrowsAsync<RpcException>(() => TlsClients.EnrollAsync(anonymous, token, "late-1"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Matches(@"^this join token expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: create a new one$", error.Status.Detail);
    }

    [SkippableFact]
    public async Task TokenForN1_UsedToEnrollN2_Refused_AndN1CanStillUseIt()
    {
        var controller = await shared.GetAsync();
        using var anonymous = controller.Channel(null);
        var token = await controller.CreateTokenAsync("mine-1");

        var error = await Assert.ThrowsAsync<RpcException>(() => TlsClients.EnrollAsync(anonymous, token, "mine-2"));
        var certificate = await TlsClients.EnrollAsync(anonymous, token, "mine-1");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("this join token is for node mine-1, not mine-2", error.Status.Detail);
        Assert.Equal("O=HaCluster, OU=agent, CN=mine-1", certificate.Subject);
    }

    [SkippableFact]
    public async Task TokenWhoseCaHashIsNotThisController_AgentRefusesToEnroll_WithoutSendingIt()
    {
        var controller = await shared.GetAsync();
        var token = await controller.CreateTokenAsync(shared.Host.Name);
        var pinned = token[(token.LastIndexOf('.') + 1)..];
        var forged = token[..(token.LastIndexOf('.') + 1)] + new string('0', 64);

        var refused = await AgentProcess.EnrollAsync(shared.Lab, shared.Host, controller, forged);
        // The controller never saw the token: the real one still enrolls.
        var enrolled = await AgentProcess.EnrollAsync(shared.Lab, shared.Host, controller, token);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"hacluster-agent: not enrolled: the controller at {controller.AgentAddress} shows a CA with hash {pinned}, but the token pins {new string('0', 64)}: "
            + "this is not the controller the token is from (or someone answers in its place); the token was not sent", refused.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(AgentProcess.StateDir(shared.Lab, shared.Host), "identity.pem.tmp")));
        Assert.Equal(0, enrolled.ExitCode);
        Assert.StartsWith($"hacluster-agent: enrolled as node {shared.Host.Name} at {controller.AgentAddress}", enrolled.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task HelloNamingAnotherNode_PermissionDenied()
    {
        var controller = await shared.GetAsync();
        using var agents = controller.Agents();
        await using var agent = await SimulatedAgent.ConnectAsync(agents, "liar-1", ["192.0.2.10/24"], helloAs: "victim-1");

        var status = await agent.WaitForEndAsync();

        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Equal("this stream is authenticated as node liar-1 (its certificate), but its hello names victim-1", status.Detail);
        var nodes = await controller.GetAsync<JsonElement[]>("/api/v1/nodes");
        Assert.DoesNotContain(nodes, n => n.GetProperty("name").GetString() == "victim-1");
    }

    [SkippableFact]
    public async Task AgentCertificate_OnTheAdminApiAndOnRest_Forbidden()
    {
        var controller = await shared.GetAsync();
        using var agents = controller.Agents();
        var certificate = await agents.CertificateAsync("agent-1");
        using var channel = controller.Channel(certificate);
        using var rest = controller.Client(certificate);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Admin.AdminClient(channel).ListGroupsAsync(new ListGroupsRequest()).ResponseAsync);
        var response = await rest.PostAsync("/api/v1/tokens", JsonContent("""{"node":"agent-2"}"""));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("agent agent-1 may not call /hacluster.v1.Admin/ListGroups: it takes the role viewer or operator or admin (an agent's certificate is for the agent link only)", error.Status.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("agent agent-1 may not call /api/v1/tokens: it takes the role admin (an agent's certificate is for the agent link only)", await DetailAsync(response));
    }

    [SkippableFact]
    public async Task RevokedNode_StreamCutWithinOneSecond_ReconnectsRefused_UntilEnrolledAgain()
    {
        var controller = await shared.GetAsync();
        using var agents = controller.Agents();
        var certificate = await agents.CertificateAsync("gone-1");
        await using var live = await SimulatedAgent.ConnectAsync(agents, "gone-1", ["192.0.2.10/24"]);
        await live.NextConfigAsync();

        // The command line writes the revocation to the database; the running controller follows it there.
        var revoke = await controller.RunCommandAsync("node", "revoke", "gone-1");
        var revokedAt = Stopwatch.StartNew();
        var ended = await live.WaitForEndAsync(TimeSpan.FromSeconds(5));
        var cutAfter = revokedAt.Elapsed;
        using var again = controller.Channel(certificate);
        var reconnect = await EndOfHelloAsync(again, "gone-1");
        using var anonymous = controller.Channel(null);
        var renewed = await TlsClients.EnrollAsync(anonymous, await controller.CreateTokenAsync("gone-1"), "gone-1");
        using var fresh = controller.Channel(renewed);
        await using var back = await SimulatedAgent.ConnectAsync(fresh, "gone-1", ["192.0.2.10/24"]);

        Assert.Equal(0, revoke.ExitCode);
        Assert.StartsWith("node gone-1: 1 certificate(s) revoked", revoke.Stdout, StringComparison.Ordinal);
        Assert.True(cutAfter < TimeSpan.FromSeconds(1), $"the stream ended {cutAfter.TotalMilliseconds:0} ms after the revocation");
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal($"the certificate of agent gone-1 (serial {certificate.SerialNumber}) is revoked", ended.Detail);
        Assert.Equal(StatusCode.Unauthenticated, reconnect.StatusCode);
        Assert.Equal($"the certificate of agent gone-1 (serial {certificate.SerialNumber}) is revoked", reconnect.Detail);
        Assert.NotNull(await back.NextConfigAsync());
    }

    /// <summary>The same through the API: the live stream is cut with the reason, and reconnecting is refused.</summary>
    [SkippableFact]
    public async Task RevokeThroughRest_LiveStreamCutWithTheReason_ReconnectRefused()
    {
        var controller = await shared.GetAsync();
        using var agents = controller.Agents();
        var certificate = await agents.CertificateAsync("gone-2");
        await using var live = await SimulatedAgent.ConnectAsync(agents, "gone-2", ["192.0.2.11/24"]);
        await live.NextConfigAsync();

        var revoke = await controller.Http.PostAsync("/api/v1/nodes/gone-2/revoke", null);
        var ended = await live.WaitForEndAsync(TimeSpan.FromSeconds(5));
        using var again = controller.Channel(certificate);
        var reconnect = await EndOfHelloAsync(again, "gone-2");

        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        var reason = $"the certificate of agent gone-2 (serial {certificate.SerialNumber}) is revoked";
        Assert.Equal((StatusCode.Unauthenticated, reason), (ended.StatusCode, ended.Detail));
        Assert.Equal((StatusCode.Unauthenticated, reason), (reconnect.StatusCode, reconnect.Detail));
    }

    [SkippableFact]
    public async Task RevokeThroughRest_AdminOnly_UnknownNodeIsNotFound()
    {
        var controller = await shared.GetAsync();

        var unknown = await controller.Http.PostAsync("/api/v1/nodes/nobody-1/revoke", null);
        var badTtl = await controller.Http.PostAsync("/api/v1/tokens", JsonContent("""{"node":"n1","ttl":"soon"}"""));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("node nobody-1 has no certificate to revoke", await DetailAsync(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, badTtl.StatusCode);
        Assert.Contains("'soon' is not a duration (90s, 30m, 1h, 7d)", await badTtl.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<Status> EndOfHelloAsync(GrpcChannel channel, string node)
    {
        await using var agent = await SimulatedAgent.ConnectAsync(channel, node, ["192.0.2.10/24"]);
        return await agent.WaitForEndAsync();
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static SocketsHttpHandler UnixHandler(string path) => new()
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>The controller the refusals are tried on, started once for all of them, in a lab of one host (for the real agent).</summary>
    /// <summary>
    /// One controller for the class. An IAsyncLifetime, not only IAsyncDisposable: xUnit 2 disposes a class fixture
    /// through IAsyncLifetime or IDisposable only — as IAsyncDisposable alone, its controller process and lab
    /// outlived the run (found in CI: a controller of this class still running an hour later).
    /// </summary>
    public sealed class Controller : IAsyncLifetime, IAsyncDisposable
    {
        private readonly SemaphoreSlim _starting = new(1, 1);
        private ControllerProcess? _controller;

        public NetnsLab Lab { get; private set; } = null!;

        public LabHost Host => Lab.Hosts[0];

        public async Task<ControllerProcess> GetAsync()
        {
            Privileges.RequireOrSkip("a controller process and an agent in a network namespace", "dotnet");
            await _starting.WaitAsync();
            try
            {
                if (_controller is null)
                {
                    Lab = await NetnsLab.CreateAsync(1, withClient: false);
                    _controller = await ControllerProcess.StartAsync(Lab);
                }

                return _controller;
            }
            finally
            {
                _starting.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _controller, null) is { } controller)
            {
                await controller.DisposeAsync();
                await Lab.DisposeAsync();
            }
        }
    }
}
