using HaCluster.Controller.Domain;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HaCluster.Controller.Alerts;

/// <summary>
/// Alerts (<c>Alerts</c> in appsettings): how they are grouped, retried and given up on, and one SMTP channel of the
/// configuration file (<c>mail</c>: without a host and a recipient there is none). More channels — webhooks, Slack,
/// other mailboxes — are created through the API.
/// </summary>
public sealed class AlertOptions
{
    /// <summary>The name of the configuration file's SMTP channel.</summary>
    public const string MailChannel = "mail";

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    /// <summary>starttls (default), tls (SMTPS) or none; a login is refused without TLS.</summary>
    public string Security { get; set; } = SmtpSecurity.StartTls;
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>A PEM file of the CA that signs the SMTP server's certificate, when it is not one the system trusts.</summary>
    public string? CaFile { get; set; }
    public string From { get; set; } = "hacluster@localhost";
    public List<string> To { get; set; } = [];
    /// <summary>How long the first alert of a message waits for the rest of its incident (the old master's STOP, the new health).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Alerts of a subject closer together than this form one incident.</summary>
    public TimeSpan IncidentWindow { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The first retry's delay; each next one doubles, up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>A delivery still failing this long after its alert is given up (failed, with the last error).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>More than <see cref="FlappingTransitions"/> takeovers of a group within <see cref="FlappingWindow"/> raise a flapping alert.</summary>
    public int FlappingTransitions { get; set; } = 6;
    public TimeSpan FlappingWindow { get; set; } = TimeSpan.FromMinutes(10);

    public bool MailEnabled => SmtpHost is { Length: > 0 } && To.Count > 0;

    /// <summary>The configuration file's channel, if it has one.</summary>
    public AlertChannel? MailChannelOf() => MailEnabled
        ? new AlertChannel(MailChannel, ChannelTypes.Smtp, true, AlertRoute.Everything)
        {
            Host = SmtpHost,
            Port = SmtpPort,
            Security = SmtpSecurityOf(Security) ?? SmtpSecurity.StartTls,
            User = User,
            Password = Password,
            CaFile = CaFile,
            From = From,
            To = To,
            FromConfiguration = true,
        }
        : null;

    /// <summary>starttls, tls or none from what the file says (MailKit's names StartTls, SslOnConnect, None are taken too); null for anything else.</summary>
    public static string? SmtpSecurityOf(string? text) => text?.ToLowerInvariant() switch
    {
        "starttls" => SmtpSecurity.StartTls,
        "tls" or "sslonconnect" => SmtpSecurity.Tls,
        "none" => SmtpSecurity.None,
        _ => null,
    };
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

        if (AlertOptions.SmtpSecurityOf(options.Security) is not { } security)
        {
            errors.Add($"Alerts:Security: '{options.Security}' is not starttls, tls or none");
        }
        else if (security == SmtpSecurity.None && options.User is { Length: > 0 })
        {
            errors.Add("Alerts:User: a login is sent only over TLS; set Alerts:Security to starttls or tls");
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

        if (options.CaFile is { Length: > 0 } ca && !File.Exists(ca))
        {
            errors.Add($"Alerts:CaFile: {ca} does not exist");
        }

        void Within(string key, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                errors.Add($"Alerts:{key}: {value} is not {min} to {max}");
            }
        }

        Within(nameof(options.Window), options.Window, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Within(nameof(options.IncidentWindow), options.IncidentWindow, TimeSpan.Zero, TimeSpan.FromDays(1));
        Within(nameof(options.Timeout), options.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Within(nameof(options.RetryInitial), options.RetryInitial, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Within(nameof(options.RetryMax), options.RetryMax, options.RetryInitial, TimeSpan.FromHours(6));
        Within(nameof(options.GiveUpAfter), options.GiveUpAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        Within(nameof(options.FlappingWindow), options.FlappingWindow, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        if (options.FlappingTransitions is < 2 or > 10_000)
        {
            errors.Add($"Alerts:FlappingTransitions: {options.FlappingTransitions} is not 2 to 10000");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
