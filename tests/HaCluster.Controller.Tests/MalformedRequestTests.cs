using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.Shared.Tls;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Issue 18: malformed HTTP framing, written byte by byte on a TLS socket as an admin (so that the body is read at
/// all): each gets its 4xx with problem details — body too large 413, bad chunking 400, a body shorter than its
/// Content-Length 408 once the server's body timeout has passed — never a 500, and no error or stack trace in the log.
/// </summary>
public sealed class MalformedRequestTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "POST", "/api/v1/groups" },
        { "PUT", "/api/v1/groups/web" },
        { "POST", "/api/v1/tokens" },
        { "PUT", "/api/v1/alert-channels/ops" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ContentLengthOverTheLimit_Is413(string method, string path)
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());

        var (status, body) = await SendAsync(app, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 30000001\r\n\r\n{{");

        Assert.Equal(413, status);
        Assert.Contains("\"status\":413", body, StringComparison.Ordinal);
        AssertNoErrorsLogged(app);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ChunkSizeNotHex_Is400(string method, string path)
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());

        var (status, _) = await SendAsync(app, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n");

        Assert.Equal(400, status);
        AssertNoErrorsLogged(app);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task BodyShorterThanItsContentLength_Is408AfterTheBodyTimeout(string method, string path)
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());

        var (status, _) = await SendAsync(app, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":");

        Assert.Equal(408, status);
        AssertNoErrorsLogged(app);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WrongMediaType_Is415(string method, string path)
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());

        var (status, body) = await SendAsync(app, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{{}}");

        Assert.True(415 == status, body);
        AssertNoErrorsLogged(app);
    }

    /// <summary>A route called with a method it does not have: 405 for a signed-in caller; 401 for anyone else, who learns nothing.</summary>
    [Fact]
    public async Task WrongMethod_Is405ForACaller_401ForNobody()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());

        var (status, _) = await SendAsync(app, "PATCH /api/v1/groups/web HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
        var (anonymous, _) = await SendAsync(app, "PATCH /api/v1/groups/web HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", certificate: false);
        var (media, _) = await SendAsync(app, "POST /api/v1/groups HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", certificate: false);

        Assert.Equal((405, 401, 401), (status, anonymous, media));
        AssertNoErrorsLogged(app);
    }

    private static void AssertNoErrorsLogged(ControllerApp app)
    {
        var errors = app.ErrorLogs;
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Writes <paramref name="request"/> as is over TLS with the admin's certificate; the answer's status and body.</summary>
    private static async Task<(int Status, string Body)> SendAsync(ControllerApp app, string request, bool certificate = true)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.Address.Host, app.Address.Port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        // The controller's own client TLS (its CA trusted, the admin's certificate offered), speaking HTTP/1.1.
        var options = ControllerTls.Trusting(app.Ca, certificate ? () => app.AdminCertificate : null).ToSslOptions();
        options.TargetHost = "localhost";
        options.ApplicationProtocols = [SslApplicationProtocol.Http11];
        await tls.AuthenticateAsClientAsync(options);
        var answer = await RawHttp.SendAsync(tls, request);
        return (answer.Status, answer.Body);
    }
}
