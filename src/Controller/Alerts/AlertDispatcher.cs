using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Alerts;

/// <summary>
/// Delivers the outbox, at least once. Woken when alerts are committed (and once a second anyway), it takes the pending
/// deliveries that are due, forms each channel's message per incident — fixing its idempotency key and its alerts in the
/// database before the first attempt, so that a retry, even after a restart, sends the same message with the same key —
/// and sends the channels' messages side by side. A delivery that fails is retried with capped exponential backoff
/// until it is delivered, refused (4xx, a permanent SMTP error) or older than <see cref="AlertOptions.GiveUpAfter"/>.
/// </summary>
public sealed partial class AlertDispatcher(
    IDbContextFactory<HaClusterContext> contexts, AlertChannels channels, AlertOutbox outbox, IEnumerable<IAlertSender> senders,
    IOptions<AlertOptions> settings, AlertMetrics metrics, TimeProvider clock, ILogger<AlertDispatcher> logger) : StoppableService
{
    public const int MaxBatch = 500;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly AlertOptions options = settings.Value;
    private readonly Dictionary<string, IAlertSender> _senders = senders.ToDictionary(s => s.Type);

    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        if ((await channels.AllAsync(stoppingToken)).FirstOrDefault(c => c.FromConfiguration) is { } mail)
        {
            AlertsLog.AlertsEnabled(logger, mail.Host!, mail.Port, string.Join(", ", mail.To));
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = Poll;
            try
            {
                next = await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                AlertsLog.OutboxUnavailable(logger, e.InnerException?.Message ?? e.Message);
            }

            await outbox.WaitForQueuedAsync(next < Poll ? next : Poll, stoppingToken);
        }
    }

    /// <summary>Sends what is due; how long until the next delivery is.</summary>
    public async Task<TimeSpan> DeliverDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<(string Channel, string Key)> messages;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var due = await db.AlertDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now).OrderBy(d => d.Id).Take(MaxBatch).ToListAsync(ct);
            messages = [];
            foreach (var delivery in due.Where(d => d.MessageKey is null))
            {
                if (delivery.MessageKey is not null)
                {
                    continue; // joined an earlier message of its incident in this loop
                }

                // The message: this delivery and every other of its incident to the channel still waiting to be sent, due or not.
                var key = $"hc-{delivery.Id}";
                var joining = delivery.IncidentId is { } incident
                    ? await db.AlertDeliveries.Where(d => d.Channel == delivery.Channel && d.IncidentId == incident && d.Status == DeliveryStatus.Pending && d.MessageKey == null).ToListAsync(ct)
                    : [delivery];
                foreach (var d in joining.Append(delivery))
                {
                    d.MessageKey = key;
                }
            }

            await db.SaveChangesAsync(ct);
            messages = [.. due.Select(d => (d.Channel, d.MessageKey!)).Distinct()];
        }

        await Task.WhenAll(messages.GroupBy(m => m.Channel).Select(channel => SendAllAsync(channel.Key, [.. channel.Select(m => m.Key)], ct)));
        await using var read = await contexts.CreateDbContextAsync(ct);
        var next = await read.AlertDeliveries.Where(d => d.Status == DeliveryStatus.Pending).MinAsync(d => (DateTimeOffset?)d.NextAttemptAt, ct);
        return next is { } at ? TimeSpan.FromTicks(Math.Max(0, (at - clock.GetUtcNow()).Ticks)) : Poll;
    }

    private async Task SendAllAsync(string name, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var channel = await channels.FindAsync(name, ct);
        foreach (var key in keys)
        {
            await SendAsync(name, channel, key, ct);
        }
    }

    private async Task SendAsync(string name, AlertChannel? channel, string key, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.AlertDeliveries.Where(d => d.MessageKey == key && d.Status == DeliveryStatus.Pending).OrderBy(d => d.AlertId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return;
        }

        var ids = rows.Select(r => r.AlertId).ToList();
        var alerts = (await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).OrderBy(a => a.Id).ToListAsync(ct)).Select(a => AlertRows.ToDomain(a, [])).ToList();
        var incident = rows[0].IncidentId is { } id && await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct) is { } row ? AlertRows.ToDomain(row) : null;
        var (outcome, error) = channel switch
        {
            null => (SendOutcome.Refused, $"the channel {name} is gone"),
            { Enabled: false } => (SendOutcome.Refused, $"the channel {name} is disabled"),
            _ when !_senders.TryGetValue(channel.Type, out _) => (SendOutcome.Refused, $"no sender for {channel.Type}"),
            _ => await _senders[channel.Type].SendAsync(channel, new AlertMessage(key, incident, alerts), options.Timeout, ct),
        };

        var now = clock.GetUtcNow();
        var attempts = rows[0].Attempts + 1;
        var givenUp = outcome == SendOutcome.Retry && now - rows.Min(r => r.CreatedAt) > options.GiveUpAfter;
        foreach (var delivery in rows)
        {
            delivery.Attempts = attempts;
            delivery.LastError = error is { Length: > 1000 } ? error[..1000] : error;
            delivery.Status = outcome switch
            {
                SendOutcome.Delivered => DeliveryStatus.Delivered,
                SendOutcome.Retry when !givenUp => DeliveryStatus.Pending,
                _ => DeliveryStatus.Failed,
            };
            delivery.DeliveredAt = outcome == SendOutcome.Delivered ? now : null;
            delivery.NextAttemptAt = now + Backoff(attempts);
        }

        // Whatever happens to the network, the outcome is written without the caller's token: a delivered message must not be sent again.
        await db.SaveChangesAsync(CancellationToken.None);
        var type = channel?.Type ?? "unknown";
        switch (outcome)
        {
            case SendOutcome.Delivered:
                metrics.Delivered(type, alerts.Count, now - alerts.Min(a => a.At));
                break;
            case SendOutcome.Retry when !givenUp:
                metrics.Retried(type);
                AlertsLog.DeliveryRetried(logger, name, key, attempts, Backoff(attempts).TotalSeconds, error ?? "");
                break;
            default:
                metrics.Failed(type);
                AlertsLog.DeliveryFailed(logger, name, key, attempts, error ?? "");
                break;
        }
    }

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: doubling from the first, capped, with a tenth of jitter.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var delay = options.RetryInitial * Math.Pow(2, Math.Min(attempts - 1, 30));
        delay = delay < options.RetryMax ? delay : options.RetryMax;
        return delay * (0.9 + (Random.Shared.NextDouble() * 0.2));
    }
}
