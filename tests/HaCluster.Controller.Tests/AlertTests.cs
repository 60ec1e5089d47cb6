using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HaCluster.Controller.Alerts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Alerts by e-mail through the outbox, delivered to a real SMTP server (aiosmtpd) started by the test: the
/// configuration file's channel, STARTTLS by default, retried while the server is down and sent exactly once.
/// </summary>
public sealed class AlertTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [SkippableFact]
    public async Task Takeover_OneMailToEveryRecipient_NamingGroupNewMasterReasonAndTakeoverTime()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await ControllerApp.StartAsync(Settings(smtp.Port));
        using var agents = app.Agents();
        await using var n2 = await SimulatedAgent.ConnectAsync(agents, "n2", ["192.0.2.11/24"]);
        var at = DateTimeOffset.UtcNow;
        var startup = n2.Transition("HC_web", VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, 80, at.AddSeconds(-5));
        var takeover = n2.Transition("HC_web", VrrpState.Backup, VrrpState.Master, TransitionReason.PriorityZeroReceived, 80, at);
        takeover.MasterLastHeardAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at.AddMilliseconds(-689));

        await n2.SendEventsAsync(startup, takeover);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal("[HaCluster] web: n2 became MASTER (priority_zero_received), 689 ms after the old master was last heard", mail.Subject);
        Assert.Equal(["ops@example.com", "oncall@example.com"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("hacluster@example.com", mail.From.Mailboxes.Single().Address);
        Assert.Contains("n2 became MASTER", mail.TextBody, StringComparison.Ordinal);
        var alert = (await AlertsAsync(app)).Single();
        var delivery = alert.GetProperty("deliveries").EnumerateArray().Single();
        Assert.Equal(("mail", "delivered", 1), (delivery.GetProperty("channel").GetString(), delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32()));
        Assert.Equal(delivery.GetProperty("key").GetString() + "@hacluster", mail.MessageId);
        Assert.Equal("warning", alert.GetProperty("severity").GetString());
    }

    [SkippableFact]
    public async Task StartTlsByDefault_MailGoesOverTls_ToAServerThatRequiresIt()
    {
        using var tls = TestCertificates.Create();
        await using var smtp = await SmtpSink.StartAsync(tls: (tls.CertificatePath, tls.KeyPath));
        var settings = Settings(smtp.Port);
        settings.Remove("Alerts:Security");
        settings["Alerts:CaFile"] = tls.CaPath;
        await using var app = await ControllerApp.StartAsync(settings);
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);

        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal("[HaCluster] web: n1 became MASTER (master_down_timer)", mail.Subject);
    }

    [Theory]
    [InlineData("none", "ops", "Alerts:User: a login is sent only over TLS")]
    [InlineData("StartTlsWhenAvailable", null, "Alerts:Security: 'StartTlsWhenAvailable' is not starttls, tls or none")]
    [InlineData("SslOnConnect", "ops", null)]
    [InlineData("StartTls", "ops", null)]
    public void NoLoginWithoutTls_NoDowngradableStartTls(string security, string? user, string? error)
    {
        var options = new AlertOptions { SmtpHost = "mail.example.com", To = ["ops@example.com"], Security = security, User = user };
        var result = new AlertOptionsValidator().Validate(null, options);
        if (error is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.Contains(error, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>The server is down at the failover and comes back 30 s later: the mail arrives once, with the attempts counted.</summary>
    [SkippableFact]
    public async Task SmtpServerDownForThirtySeconds_MailArrivesExactlyOnceWhenItIsBack()
    {
        var port = FreePort.Next();
        var settings = Settings(port);
        settings["Alerts:RetryInitial"] = "00:00:01";
        settings["Alerts:RetryMax"] = "00:00:03";
        await using var app = await ControllerApp.StartAsync(settings);
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);
        var failedAt = DateTime.UtcNow;
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));
        await n1.WaitForAckAsync(1);

        var pending = await WaitForDeliveryAsync(app, d => d.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Contains("Connection refused", pending.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await RetriesAsync(app) >= 2);

        await Task.Delay(failedAt.AddSeconds(30) - DateTime.UtcNow); // the server stays down for 30 s
        await using var smtp = await SmtpSink.StartAsync(port);
        var delivered = await WaitForDeliveryAsync(app, d => d.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than the longest retry delay: a second mail would be here
        var mail = Assert.Single(smtp.Messages());
        Assert.Equal("[HaCluster] web: n1 became MASTER (master_down_timer)", mail.Subject);
        Assert.Equal(delivered.GetProperty("key").GetString() + "@hacluster", mail.MessageId);
    }

    [Theory]
    [InlineData("transition", "BACKUP", "MASTER", "failover", "web: n1 became MASTER (master_down_timer)")]
    [InlineData("transition", "MASTER", "BACKUP", null, null)]
    [InlineData("health", "ok", "split_brain", "health", "web: health split_brain: 2 masters: n1, n2")]
    [InlineData("health", "unreachable", "ok", "recovery", "web: health ok again (was unreachable)")]
    [InlineData("health", "", "drift", null, null)]
    [InlineData("node", "connected", "disconnected", null, null)]
    public void Rules_OnlyFailoversAndBadOrRecoveredHealth(string kind, string from, string to, string? alertKind, string? line)
    {
        Assert.True(Names.TryParse(kind, out EventKind eventKind));
        var e = new FleetEvent(eventKind, DateTimeOffset.UtcNow) { Node = "n1", Group = "web", Instance = "HC_web", Priority = 100 };
        e = eventKind switch
        {
            EventKind.Transition => e with { FromState = State(from), ToState = State(to), Reason = TransitionReason.MasterDownTimer },
            EventKind.Health => e with { FromHealth = Names.TryParse(from, out GroupHealth was) ? was : null, ToHealth = Health(to), Detail = "2 masters: n1, n2" },
            _ => e with { Connected = to == "connected" },
        };

        var draft = AlertRules.For(e);
        Assert.Equal(line, draft?.Summary);
        Assert.Equal(alertKind, draft?.Kind);
        Assert.Equal(alertKind == "recovery", draft?.Recovers ?? false);
    }

    internal static async Task<JsonElement[]> AlertsAsync(ControllerApp app, string query = "") =>
        (await app.CreateClient().GetFromJsonAsync<JsonElement[]>("/api/v1/alerts" + query))!;

    internal static async Task<JsonElement> WaitForDeliveryAsync(ControllerApp app, Func<JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var deliveries = (await AlertsAsync(app)).SelectMany(a => a.GetProperty("deliveries").EnumerateArray()).ToList();
            if (deliveries.FirstOrDefault(condition) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no delivery as expected: {string.Join(", ", deliveries)}");
            await Task.Delay(100); // waits for the controller's delivery worker
        }
    }

    private static VrrpState State(string name) => Names.TryParse(name, out VrrpState state) ? state : throw new ArgumentException(name);

    private static GroupHealth Health(string name) => Names.TryParse(name, out GroupHealth health) ? health : throw new ArgumentException(name);

    private Dictionary<string, string> Settings(int port) => new(sqlite.Backend.NewSettings())
    {
        ["Alerts:SmtpHost"] = "127.0.0.1",
        ["Alerts:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerts:Security"] = "none",
        ["Alerts:From"] = "hacluster@example.com",
        ["Alerts:To:0"] = "ops@example.com",
        ["Alerts:To:1"] = "oncall@example.com",
        ["Alerts:Window"] = "00:00:00.500",
        ["Alerts:Timeout"] = "00:00:03",
    };

    private static async Task<double> RetriesAsync(ControllerApp app) =>
        PrometheusText.Value(await app.CreateClient().GetStringAsync("/metrics"), "hacluster_controller_alert_deliveries_total{type=\"smtp\",outcome=\"retry\"}") ?? 0;
}

/// <summary>A CA and a server certificate for 127.0.0.1 signed by it, as PEM files (deleted on dispose).</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("hc-tls-").FullName;

    public string CaPath => Path.Combine(dir, "ca.crt");

    public string CertificatePath => Path.Combine(dir, "server.crt");

    public string KeyPath => Path.Combine(dir, "server.key");

    public static TestCertificates Create()
    {
        var files = new TestCertificates();
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=test smtp ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        // One instant for both, and the CA outliving the leaf: with two UtcNow reads a second apart, the leaf's
        // notAfter could pass the CA's and the certificate could not be made.
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        File.WriteAllText(files.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(files.CertificatePath, server.ExportCertificatePem());
        File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return files;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
