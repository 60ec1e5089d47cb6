using HaCluster.Contracts;
using HaCluster.Controller.Alerts;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Tests;

/// <summary>Failover alerts by e-mail, delivered to a real SMTP server (aiosmtpd) started by the test.</summary>
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
    }

    [SkippableFact]
    public async Task SmtpServerDown_MailFailsLoggedAndCounted_EventsStillStored()
    {
        await using var app = await ControllerApp.StartAsync(Settings(FreePort.Next()));
        var before = await FailedMailsAsync(app);
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"]);

        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));
        await n1.WaitForAckAsync(1);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await FailedMailsAsync(app) == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100); // waits for the controller's mailer trying the SMTP port
        }

        Assert.Equal(before + 1, await FailedMailsAsync(app));
        Assert.Equal(1, await app.QueryAsync(db => db.Events.CountAsync(e => e.Kind == EventKinds.Transition)));
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard));
        await n1.WaitForAckAsync(2);
    }

    [Theory]
    [InlineData("transition", "BACKUP", "MASTER", "web: n1 became MASTER (master_down_timer)")]
    [InlineData("transition", "MASTER", "BACKUP", null)]
    [InlineData("health", "ok", "split_brain", "web: health split_brain: 2 masters: n1, n2")]
    [InlineData("health", "unreachable", "ok", "web: health ok again (was unreachable)")]
    [InlineData("health", "", "drift", null)]
    [InlineData("node", "connected", "disconnected", null)]
    public void Describe_OnlyFailoversAndBadOrRecoveredHealth(string kind, string from, string to, string? line)
    {
        Assert.True(Names.TryParse(kind, out EventKind eventKind));
        var e = new FleetEvent(eventKind, DateTimeOffset.UtcNow) { Node = "n1", Group = "web", Instance = "HC_web", Priority = 100 };
        e = eventKind switch
        {
            EventKind.Transition => e with { FromState = State(from), ToState = State(to), Reason = TransitionReason.MasterDownTimer },
            EventKind.Health => e with { FromHealth = Names.TryParse(from, out GroupHealth was) ? was : null, ToHealth = Health(to), Detail = "2 masters: n1, n2" },
            _ => e with { Connected = to == "connected" },
        };

        Assert.Equal(line, AlertMailer.Describe(e));
    }

    private static VrrpState State(string name) => Names.TryParse(name, out VrrpState state) ? state : throw new ArgumentException(name);

    private static GroupHealth Health(string name) => Names.TryParse(name, out GroupHealth health) ? health : throw new ArgumentException(name);

    private Dictionary<string, string> Settings(int port) => new(sqlite.Backend.NewSettings())
    {
        ["Alerts:SmtpHost"] = "127.0.0.1",
        ["Alerts:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerts:From"] = "hacluster@example.com",
        ["Alerts:To:0"] = "ops@example.com",
        ["Alerts:To:1"] = "oncall@example.com",
        ["Alerts:Window"] = "00:00:00.500",
        ["Alerts:Timeout"] = "00:00:03",
    };

    private static async Task<double> FailedMailsAsync(ControllerApp app) =>
        (await app.CreateClient().GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("hacluster_controller_alert_mails_total{outcome=\"failed\"} ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
}
