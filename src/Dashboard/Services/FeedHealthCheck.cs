using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaCluster.Dashboard.Services;

/// <summary>Ready when the dashboard has the controller's live stream (it shows a banner when it has not).</summary>
public sealed class FeedHealthCheck(FleetFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.Connected
            ? HealthCheckResult.Healthy("watching the controller")
            : HealthCheckResult.Unhealthy($"no stream from the controller: {feed.LastError ?? "connecting"}"));
}
