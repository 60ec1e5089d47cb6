using System.Text.Json;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Data;

/// <summary>The alert outbox's rows ↔ the domain; a channel's settings as JSON, its secrets as encrypted JSON.</summary>
internal static class AlertRows
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record ChannelSettings(
        string? Host, int Port, string Security, string? From, List<string> To, string? User, string? CaFile, string Format,
        List<string> Groups, List<string> Kinds, string MinSeverity);

    private sealed record ChannelSecrets(string? Password, string? Url, string? Secret);

    public static AlertChannel ToDomain(AlertChannelEntity row, SecretProtector protector)
    {
        var settings = JsonSerializer.Deserialize<ChannelSettings>(row.SettingsJson, Json)!;
        var secrets = row.Secrets is { } stored ? JsonSerializer.Deserialize<ChannelSecrets>(protector.Unprotect(stored), Json)! : new ChannelSecrets(null, null, null);
        AlertSeverities.TryParse(settings.MinSeverity, out var min);
        return new AlertChannel(row.Name, row.Type, row.Enabled, new AlertRoute(settings.Groups, settings.Kinds, min))
        {
            Host = settings.Host,
            Port = settings.Port,
            Security = settings.Security,
            From = settings.From,
            To = settings.To,
            User = settings.User,
            CaFile = settings.CaFile,
            Format = settings.Format,
            Password = secrets.Password,
            Url = secrets.Url,
            Secret = secrets.Secret,
            UpdatedAt = row.UpdatedAt,
            UpdatedBy = row.UpdatedBy,
        };
    }

    public static void Fill(AlertChannelEntity row, AlertChannel channel, SecretProtector protector)
    {
        row.Type = channel.Type;
        row.Enabled = channel.Enabled;
        row.SettingsJson = JsonSerializer.Serialize(new ChannelSettings(
            channel.Host, channel.Port, channel.Security, channel.From, [.. channel.To], channel.User, channel.CaFile, channel.Format,
            [.. channel.Route.Groups], [.. channel.Route.Kinds], channel.Route.MinSeverity.Name()), Json);
        row.Secrets = channel.Password is null && channel.Url is null && channel.Secret is null
            ? null
            : protector.Protect(JsonSerializer.Serialize(new ChannelSecrets(channel.Password, channel.Url, channel.Secret), Json));
        row.UpdatedAt = channel.UpdatedAt;
        row.UpdatedBy = channel.UpdatedBy ?? "";
    }

    public static AlertDeliveryEntity Pending(AlertEntity alert, string channel, DateTimeOffset due) =>
        new() { AlertId = alert.Id, IncidentId = alert.IncidentId, Channel = channel, Status = DeliveryStatus.Pending, CreatedAt = alert.CreatedAt, NextAttemptAt = due };

    public static Alert ToDomain(AlertEntity row, IEnumerable<AlertDeliveryEntity> deliveries)
    {
        AlertSeverities.TryParse(row.Severity, out var severity);
        return new Alert(row.Id, row.At, row.Subject, row.GroupName, row.Kind, severity, row.Summary, row.EventId, row.IncidentId, row.Suppressed,
            [.. deliveries.OrderBy(d => d.Channel, StringComparer.Ordinal).Select(ToDomain)])
        { StoredAt = row.CreatedAt };
    }

    public static AlertDelivery ToDomain(AlertDeliveryEntity d) =>
        new(d.Channel, d.Status, d.Attempts, d.LastError, d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.MessageKey);

    public static Incident ToDomain(IncidentEntity row)
    {
        AlertSeverities.TryParse(row.Severity, out var severity);
        return new Incident(row.Id, row.Subject, row.GroupName, row.Title, severity, row.OpenedAt, row.LastAlertAt, row.RecoveredAt,
            row.AcknowledgedAt, row.AcknowledgedBy, row.Alerts);
    }
}
