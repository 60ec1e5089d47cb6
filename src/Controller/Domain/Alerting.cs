namespace HaCluster.Controller.Domain;

/// <summary>How bad an alert is; channels route on a minimum.</summary>
public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>What an alert is about, one word each (the API's and the routing rules' vocabulary).</summary>
public static class AlertKinds
{
    /// <summary>A node became MASTER.</summary>
    public const string Failover = "failover";

    /// <summary>A group turned split_brain, no_master or unreachable.</summary>
    public const string Health = "health";

    /// <summary>A group is ok again.</summary>
    public const string Recovery = "recovery";

    /// <summary>Planned work: a switchover, a maintenance, a drill.</summary>
    public const string Operation = "operation";

    /// <summary>A group changed master more often than the flapping rule allows.</summary>
    public const string Flapping = "flapping";

    /// <summary>Sent on request, to try a channel.</summary>
    public const string Test = "test";

    public static readonly IReadOnlyList<string> All = [Failover, Health, Recovery, Operation, Flapping, Test];
}

/// <summary>Where an alert is on its way to one channel.</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>Given up: the receiver refused it (a 4xx, a permanent SMTP error) or retries ran out.</summary>
    public const string Failed = "failed";
}

/// <summary>Why an alert was stored but not sent.</summary>
public static class Suppression
{
    public const string Quiet = "quiet";
    public const string Maintenance = "maintenance";
    public const string Acknowledged = "acknowledged";
    public const string NoChannel = "no_channel";
}

public static class AlertSeverities
{
    public static string Name(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Warning => "warning",
        _ => "info",
    };

    public static bool TryParse(string? text, out AlertSeverity severity)
    {
        severity = text switch
        {
            "critical" => AlertSeverity.Critical,
            "warning" => AlertSeverity.Warning,
            "info" => AlertSeverity.Info,
            _ => (AlertSeverity)(-1),
        };
        return severity >= 0;
    }
}

/// <summary>What an event means to the people on call: its kind, how bad, in one line.</summary>
/// <param name="Recovers">The incident it belongs to is over (the group is ok again).</param>
public sealed record AlertDraft(string Kind, AlertSeverity Severity, string Summary, bool Recovers = false);

/// <summary>
/// One alert as stored in the outbox: about a subject (its group, or the node for a node's own work), part of the
/// subject's incident, and either suppressed (with why) or queued for each channel whose rules take it.
/// </summary>
/// <param name="At">When its event happened (the agent's clock for a transition).</param>
/// <param name="StoredAt">When it was stored, with its event (the controller's clock).</param>
public sealed record Alert(
    long Id, DateTimeOffset At, string Subject, string? Group, string Kind, AlertSeverity Severity, string Summary,
    long? EventId, long? IncidentId, string? Suppressed, IReadOnlyList<AlertDelivery> Deliveries)
{
    public DateTimeOffset StoredAt { get; init; }
}

/// <summary>An alert's way to one channel: <see cref="DeliveryStatus"/>, attempts, the last error; the message's idempotency key once formed.</summary>
public sealed record AlertDelivery(
    string Channel, string Status, int Attempts, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, string? Key);

/// <summary>A subject's alerts that came within the incident window of each other: one message, then updates (recovery).</summary>
public sealed record Incident(
    long Id, string Subject, string? Group, string Title, AlertSeverity Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt,
    DateTimeOffset? RecoveredAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, int Alerts);

/// <summary>A group's alerts are kept (listed as suppressed) but not sent until <see cref="Until"/>.</summary>
public sealed record GroupQuiet(string Group, DateTimeOffset Since, DateTimeOffset Until, string? Reason, string By)
{
    public const int MaxReason = 512;
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(30);
}

/// <summary>Which alerts take a channel: all groups and kinds when empty, from a severity up.</summary>
public sealed record AlertRoute(IReadOnlyList<string> Groups, IReadOnlyList<string> Kinds, AlertSeverity MinSeverity)
{
    public static readonly AlertRoute Everything = new([], [], AlertSeverity.Info);

    public bool Takes(string? group, string kind, AlertSeverity severity) =>
        kind == AlertKinds.Test
        || (severity >= MinSeverity && (Kinds.Count == 0 || Kinds.Contains(kind)) && (Groups.Count == 0 || (group is not null && Groups.Contains(group))));
}

public static class ChannelTypes
{
    public const string Smtp = "smtp";
    public const string Webhook = "webhook";
}

/// <summary>A webhook's body: HaCluster's own JSON (signed), or Slack's <c>{"text": …}</c> for chat tools' incoming webhooks.</summary>
public static class WebhookFormats
{
    public const string Json = "json";
    public const string Slack = "slack";
}

/// <summary>
/// A place alerts go. SMTP: <see cref="Host"/>, <see cref="Port"/>, <see cref="Security"/> (starttls by default; a login
/// only over TLS), <see cref="From"/>, <see cref="To"/>, <see cref="User"/> and the write-only <see cref="Password"/>;
/// optionally a CA to trust (<see cref="CaFile"/>). Webhook: the write-only <see cref="Url"/> (https, or http to a
/// loopback address), the body's <see cref="Format"/>, the write-only signing <see cref="Secret"/>.
/// Channels from the configuration file (<see cref="FromConfiguration"/>) are read-only in the API.
/// </summary>
public sealed record AlertChannel(string Name, string Type, bool Enabled, AlertRoute Route)
{
    public const int MaxName = 64;

    public string? Host { get; init; }

    public int Port { get; init; } = 25;

    public string Security { get; init; } = SmtpSecurity.StartTls;

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    public string? User { get; init; }

    public string? Password { get; init; }

    public string? CaFile { get; init; }

    public string? Url { get; init; }

    public string Format { get; init; } = WebhookFormats.Json;

    public string? Secret { get; init; }

    public bool FromConfiguration { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }

    /// <summary>The URL as the API shows it: scheme and host, the rest (where chat tools keep their token) left out.</summary>
    public string? UrlShown => Url is null ? null : Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "…";
}

/// <summary>How an SMTP channel secures its connection (MailKit's options, by name).</summary>
public static class SmtpSecurity
{
    public const string StartTls = "starttls";
    public const string Tls = "tls";
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [StartTls, Tls, None];
}

/// <summary>The flapping rule (<c>Alerts:FlappingTransitions</c>, <c>FlappingWindow</c>): more than <paramref name="Transitions"/> takeovers of a group within <paramref name="Window"/>.</summary>
public sealed record FlappingRule(int Transitions, TimeSpan Window);
