using System.Globalization;
using System.Text;
using System.Threading.Channels;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Events;
using HaCluster.Controller.Extensions;
using HaCluster.Controller.Fleet;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace HaCluster.Controller.Alerts;

/// <summary>Where failover alerts go (<c>Alerts</c> in appsettings); without a host and a recipient, none are sent.</summary>
public sealed record AlertOptions
{
    public string? SmtpHost { get; init; }
    public int SmtpPort { get; init; } = 25;
    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's <see cref="SecureSocketOptions"/>).</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.None;
    public string? User { get; init; }
    public string? Password { get; init; }
    public string From { get; init; } = "hacluster@localhost";
    public IReadOnlyList<string> To { get; init; } = [];
    /// <summary>Alerts that come close together go out in one mail.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    public bool Enabled => SmtpHost is { Length: > 0 } && To.Count > 0;
}

/// <summary>
/// Mails the operators when a master changes and when a group's health turns bad (split brain, no master,
/// unreachable) or recovers. Events close together go out as one mail; a failing SMTP server is logged and counted,
/// never in anybody's way (the mailer reads the fleet bus on its own task).
/// </summary>
public sealed partial class AlertMailer(FleetBus bus, AlertOptions options, AlertMetrics metrics, TimeProvider clock, ILogger<AlertMailer> logger)
    : StoppableService
{
    private static readonly HashSet<string> BadHealth = [Health.SplitBrain, Health.NoMaster, Health.Unreachable];

    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        LogEnabled(options.SmtpHost!, options.SmtpPort, string.Join(", ", options.To));
        while (!stoppingToken.IsCancellationRequested)
        {
            using var subscription = bus.Subscribe();
            try
            {
                await ReadAsync(subscription.Reader, stoppingToken);
            }
            catch (SubscriberTooSlowException)
            {
                LogFellBehind();
            }
        }
    }

    /// <summary>What deserves a mail, as one line; null for the rest.</summary>
    public static string? Describe(EventRecord e) => e switch
    {
        { Kind: EventKinds.Transition, To: "MASTER" } =>
            $"{e.Group ?? e.Instance}: {e.Node} became MASTER ({e.Reason}){(e.TakeoverMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $", {ms:0} ms after the old master was last heard") : "")}",
        { Kind: EventKinds.Health } when BadHealth.Contains(e.To ?? "") => $"{e.Group}: health {e.To}: {e.Detail}",
        { Kind: EventKinds.Health, To: Health.Ok } when BadHealth.Contains(e.From ?? "") => $"{e.Group}: health ok again (was {e.From})",
        _ => null,
    };

    private async Task ReadAsync(ChannelReader<FleetChange> reader, CancellationToken ct)
    {
        var pending = new List<(DateTimeOffset At, string Line)>();
        while (await reader.WaitToReadAsync(ct))
        {
            Collect(reader, pending);
            if (pending.Count == 0)
            {
                continue;
            }

            // Let the rest of a failover (the old master's STOP, the new health) join this mail.
            await Task.Delay(options.Window, clock, ct);
            Collect(reader, pending);
            await SendAsync(pending, ct);
            pending.Clear();
        }
    }

    private static void Collect(ChannelReader<FleetChange> reader, List<(DateTimeOffset, string)> pending)
    {
        while (reader.TryRead(out var change))
        {
            if (change is FleetChange.EventAppended { Event: var e } && Describe(e) is { } line)
            {
                pending.Add((e.At, line));
            }
        }
    }

    private async Task SendAsync(List<(DateTimeOffset At, string Line)> alerts, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = alerts.Count == 1 ? $"[HaCluster] {alerts[0].Line}" : $"[HaCluster] {alerts.Count} alerts: {alerts[0].Line}";
        var body = new StringBuilder();
        foreach (var (at, line) in alerts)
        {
            body.Append(CultureInfo.InvariantCulture, $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z  {line}\n");
        }

        message.Body = new TextPart("plain") { Text = body.ToString() };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Timeout);
            using var smtp = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
            await smtp.ConnectAsync(options.SmtpHost!, options.SmtpPort, options.Security, timeout.Token);
            if (options.User is { Length: > 0 } user)
            {
                await smtp.AuthenticateAsync(user, options.Password ?? "", timeout.Token);
            }

            await smtp.SendAsync(message, timeout.Token);
            await smtp.DisconnectAsync(quit: true, timeout.Token);
            metrics.Sent();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.Failed();
            LogSendFailed(options.SmtpHost!, options.SmtpPort, alerts.Count, e.Message);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "failover alerts go to {To} through {Host}:{Port}")]
    private partial void LogEnabled(string host, int port, string to);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "alert mail ({Count} alert(s)) not sent through {Host}:{Port}: {Error}")]
    private partial void LogSendFailed(string host, int port, int count, string error);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "the alert mailer fell behind the fleet's changes; some alerts may be missing")]
    private partial void LogFellBehind();
}
