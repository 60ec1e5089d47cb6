using System.Globalization;
using System.Text;
using System.Text.Json;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Alerts;

/// <summary>
/// One message to one channel: the alerts of one incident that were pending together (or one test alert), with the
/// idempotency key fixed at its first attempt, so that every retry carries the same key and receivers drop duplicates.
/// </summary>
public sealed record AlertMessage(string Key, Incident? Incident, IReadOnlyList<Alert> Alerts)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Subject => Alerts.Count == 1 ? $"[HaCluster] {Alerts[0].Summary}" : $"[HaCluster] {Alerts.Count} alerts: {Alerts[0].Summary}";

    /// <summary>The alerts one per line, then where the incident stands.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            foreach (var alert in Alerts)
            {
                text.Append(CultureInfo.InvariantCulture, $"{alert.At.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z  {alert.Severity.Name(),-8}  {alert.Summary}\n");
            }

            if (Incident is { } incident)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nIncident {incident.Id} ({incident.Subject}): opened {incident.OpenedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, ");
                text.Append(CultureInfo.InvariantCulture, $"{incident.Alerts} alert(s), ");
                text.Append(incident.RecoveredAt is { } recovered
                    ? string.Create(CultureInfo.InvariantCulture, $"recovered {recovered.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z")
                    : "not recovered yet");
                text.Append(incident.AcknowledgedBy is { } by ? $", acknowledged by {by}.\n" : ".\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"Idempotency key: {Key}\n");
            return text.ToString();
        }
    }

    /// <summary>HaCluster's webhook body.</summary>
    public string ToJson(DateTimeOffset sentAt) => JsonSerializer.Serialize(new
    {
        key = Key,
        sentAt,
        incident = Incident is { } i
            ? new
            {
                id = i.Id,
                subject = i.Subject,
                group = i.Group,
                title = i.Title,
                severity = i.Severity.Name(),
                openedAt = i.OpenedAt,
                recoveredAt = i.RecoveredAt,
                acknowledged = i.AcknowledgedAt is not null,
                alerts = i.Alerts,
            }
            : null,
        alerts = Alerts.Select(a => new
        {
            id = a.Id,
            at = a.At,
            storedAt = a.StoredAt,
            kind = a.Kind,
            severity = a.Severity.Name(),
            subject = a.Subject,
            group = a.Group,
            summary = a.Summary,
            eventId = a.EventId,
        }),
    }, Json);

    /// <summary>A Slack-compatible incoming-webhook body (Mattermost, Rocket.Chat and Teams' Slack connectors read it too).</summary>
    public string ToSlack() => JsonSerializer.Serialize(new { text = $"*{Subject}*\n```{Text}```" }, Json);
}
