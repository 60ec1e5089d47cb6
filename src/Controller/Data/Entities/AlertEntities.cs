namespace HaCluster.Controller.Data.Entities;

/// <summary>One alert in the outbox, written in the transaction of the event that caused it.</summary>
public sealed class AlertEntity
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string Subject { get; set; }

    public string? GroupName { get; set; }

    public required string Kind { get; set; }

    public required string Severity { get; set; }

    public required string Summary { get; set; }

    public long? EventId { get; set; }

    public long? IncidentId { get; set; }

    /// <summary>Why it was not sent (quiet, maintenance, acknowledged, no_channel); null when it was queued.</summary>
    public string? Suppressed { get; set; }
}

/// <summary>An alert's way to one channel; <see cref="MessageKey"/> fixes which alerts go in one message (its idempotency key) at the first attempt.</summary>
public sealed class AlertDeliveryEntity
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    public long? IncidentId { get; set; }

    public required string Channel { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? MessageKey { get; set; }
}

/// <summary>A subject's alerts within the incident window of each other.</summary>
public sealed class IncidentEntity
{
    public long Id { get; set; }

    public required string Subject { get; set; }

    public string? GroupName { get; set; }

    public required string Title { get; set; }

    public required string Severity { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset LastAlertAt { get; set; }

    public DateTimeOffset? RecoveredAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public int Alerts { get; set; }
}

/// <summary>An alert channel created through the API: its settings as JSON, its secrets (password, URL, signing key) encrypted.</summary>
public sealed class AlertChannelEntity
{
    public required string Name { get; set; }

    public required string Type { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Everything but the secrets, serialised with <c>ChannelSettings</c>.</summary>
    public required string SettingsJson { get; set; }

    /// <summary>The secrets, serialised with <c>ChannelSecrets</c>, then encrypted (<see cref="SecretProtector"/>).</summary>
    public string? Secrets { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>A group's quiet period (one row per group while it lasts).</summary>
public sealed class GroupQuietEntity
{
    public required string GroupName { get; set; }

    public DateTimeOffset Since { get; set; }

    public DateTimeOffset Until { get; set; }

    public string? Reason { get; set; }

    public required string By { get; set; }
}
