using System.Net;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>Security headers on every answer, and a Host header that must name this controller.</summary>
public sealed class WebHardeningTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task EveryAnswer_HstsNoFramingNoSniffingNoReferrer_RefusalsToo()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        using var anonymous = app.Client(null);

        foreach (var response in new[] { await anonymous.GetAsync("/healthz"), await anonymous.GetAsync("/api/v1/groups"), await app.CreateClient().GetAsync("/api/v1/groups") })
        {
            Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task HostHeader_NotOneOfTheServerNames_400_TheServerNamesServed()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        using var client = app.Client(null);
        // As an attacker's client would: TLS to the controller's address, any name in Host (the certificate's name not checked).
        using var lax = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = app.Address };

        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "evil.example" } };
        using var local = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "localhost" } };

        Assert.Equal(HttpStatusCode.BadRequest, (await lax.SendAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lax.SendAsync(local)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode); // 127.0.0.1
    }
}
