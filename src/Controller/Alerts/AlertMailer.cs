using System.Globalization;
using System.Text;
using System.Threading.Channels;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Infrastructure;
using HaCluster.Shared.Vocabulary;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HaCluster.Controller.Alerts;

/// <summary>Where failover alerts go (<c>Alerts</c> in appsettings); without a host and a recipient, none are sent.</summary>
public sealed class AlertOptions
{
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    /// <summary>None, StartTls, SslOnConnect or Auto (MailKit's <see cref="SecureSocketOptions"/>).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "hacluster@localhost";
    public List<string> To { get; set; } = [];
    /// <summary>Alerts that come close together go out in one mail.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool Enabled => SmtpHost is { Length: > 0 } && To.Count > 0;
}

/// <summary>Every problem with <see cref="AlertOptions"/>, checked at start.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        if (options.SmtpPort is < 1 or > 65535)
        {
            errors.Add($"Alerts:SmtpPort: {options.SmtpPort} is not a port (1-65535)");
        }

        if (!MailboxAddress.TryParse(options.From, out _))
        {
            errors.Add($"Alerts:From: '{options.From}' is not a mail address");
        }

        errors.AddRange(options.To.Where(to => !MailboxAddress.TryParse(to, out _)).Select(to => $"Alerts:To: '{to}' is not a mail address"));
        if (options.SmtpHost is { Length: > 0 } && options.To.Count == 0)
        {
            errors.Add("Alerts:To: Alerts:SmtpHost is set but no recipient is");
        }

        if (options.Window < TimeSpan.Zero || options.Window > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Alerts:Window: {options.Window} is not 0 to 10 minutes");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Alerts:Timeout: {options.Timeout} is not above 0 and at most 10 minutes");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Mails the operators when a master changes and when a group's health turns bad (split brain, no master,
/// unreachable) or recovers. Events close together go out as one mail; a failing SMTP server is logged and counted,
/// never in anybody's way (the mailer reads the fleet bus on its own task).
/// </summary>
public sealed partial class AlertMailer(FleetBus bus, IOptions<AlertOptions> settings, AlertMetrics metrics, TimeProvider clock, ILogger<AlertMailer> logger)
    : StoppableService
{
    private static readonly HashSet<GroupHealth> BadHealth = [GroupHealth.SplitBrain, GroupHealth.NoMaster, GroupHealth.Unreachable];
    private readonly AlertOptions options = settings.Value;

    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        AlertsLog.AlertsEnabled(logger, options.SmtpHost!, options.SmtpPort, string.Join(", ", options.To));
        while (!stoppingToken.IsCancellationRequested)
        {
            using var subscription = bus.Subscribe();
            try
            {
                await ReadAsync(subscription.Reader, stoppingToken);
            }
            catch (SubscriberTooSlowException)
            {
                AlertsLog.FellBehind(logger);
            }
        }
    }

    /// <summary>What deserves a mail, as one line; null for the rest.</summary>
    public static string? Describe(FleetEvent e) => e switch
    {
        { IsTakeover: true } =>
            $"{e.Group ?? e.Instance}: {e.Node} became MASTER ({e.Reason?.Name()}){(e.TakeoverMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $", {ms:0} ms after the old master was last heard") : "")}",
        { Kind: EventKind.Health, ToHealth: { } to } when BadHealth.Contains(to) => $"{e.Group}: health {to.Name()}: {e.Detail}",
        { Kind: EventKind.Health, ToHealth: GroupHealth.Ok, FromHealth: { } from } when BadHealth.Contains(from) => $"{e.Group}: health ok again (was {from.Name()})",
        // Planned work (a switchover, a node's maintenance starting or ending, a drill): who asked, and how it went.
        { Kind: EventKind.Operation } => e.Detail,
        _ => null,
    };

    private async Task ReadAsync(ChannelReader<FleetUpdate> reader, CancellationToken ct)
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

    private static void Collect(ChannelReader<FleetUpdate> reader, List<(DateTimeOffset, string)> pending)
    {
        while (reader.TryRead(out var change))
        {
            if (change is FleetUpdate.EventAppended { Event: var e } && Describe(e) is { } line)
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
            AlertsLog.MailFailed(logger, options.SmtpHost!, options.SmtpPort, alerts.Count, e.Message);
        }
    }
}
