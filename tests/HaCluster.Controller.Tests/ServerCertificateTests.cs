using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Pki;
using HaCluster.Controller.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Controller.Tests;

/// <summary>The controller's own TLS certificate (it is its own CA): issued at start, issued again before it expires.</summary>
public sealed class ServerCertificateTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task Renewed_OnceTwoThirdsOfItsLifeAreOver_WithAFreshKey_ChainedToTheCa_ForTheConfiguredNames()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lifetime = TimeSpan.FromMinutes(90);
        var server = new ServerCertificate(app.Services.GetRequiredService<ControllerPki>(),
            Options.Create(new TlsOptions { ServerCertificateLifetime = lifetime, ServerNames = ["ctl.example.test", "192.0.2.5"] }), clock);

        var first = server.Current;
        clock.Advance(TimeSpan.FromMinutes(59));
        var early = server.Current;
        clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = server.Current;

        Assert.Same(first, early);
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.NotEqual(first.GetPublicKeyString(), renewed.GetPublicKeyString());
        Assert.Equal(first.NotAfter.AddMinutes(60), renewed.NotAfter, TimeSpan.FromSeconds(1));
        foreach (var certificate in new[] { first, renewed })
        {
            Assert.True(certificate.MatchesHostname("ctl.example.test"));
            Assert.True(certificate.MatchesHostname("192.0.2.5"));
            Assert.False(certificate.MatchesHostname("other.example.test"));
            using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, VerificationTime = clock.GetLocalNow().DateTime } };
            chain.ChainPolicy.CustomTrustStore.Add(app.Ca);
            Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
    }

    [Fact]
    public async Task EachHandshake_GetsTheCurrentCertificate()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var current = app.Services.GetRequiredService<ServerCertificate>().Current;

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.Address.Host, app.Address.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = app.Address.Host,
            // Which certificate was presented is the question here; its trust is the first test's.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });

        Assert.Equal(current.SerialNumber, tls.RemoteCertificate?.GetSerialNumberString());
    }
}
