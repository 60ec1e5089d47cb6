using HaCluster.Controller.Agents;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Security;
using HaCluster.Shared.Vocabulary;
using Prometheus;

namespace HaCluster.Controller.Extensions;

/// <summary>
/// The controller's own Prometheus registry (one per host, so hosts in one process, as in tests, count apart), with
/// the .NET process series and gauges read at scrape time from the live state.
/// </summary>
internal static class ControllerMetrics
{
    public static IServiceCollection AddControllerMetrics(this IServiceCollection services)
    {
        var registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        services.AddSingleton(registry);
        services.AddSingleton<IMetricFactory>(Metrics.WithCustomRegistry(registry));
        return services;
    }

    public static void MapControllerMetrics(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        var factory = app.Services.GetRequiredService<IMetricFactory>();
        var agents = factory.CreateGauge("hacluster_controller_agents_connected", "agents with an open stream");
        var watchers = factory.CreateGauge("hacluster_controller_watchers", "open live streams (dashboards)");
        var groups = factory.CreateGauge("hacluster_controller_groups", "VIP groups by health", ["health"]);
        var sessions = app.Services.GetRequiredService<AgentSessions>();
        var bus = app.Services.GetRequiredService<FleetBus>();
        var fleet = app.Services.GetRequiredService<FleetState>();
        registry.AddBeforeCollectCallback(() =>
        {
            agents.Set(sessions.Count);
            watchers.Set(bus.Subscribers);
            var byHealth = fleet.Statuses().GroupBy(s => s.Health).ToDictionary(g => g.Key, g => g.Count());
            foreach (var health in Enum.GetValues<GroupHealth>().Where(h => h != GroupHealth.Unspecified))
            {
                groups.WithLabels(health.Name()).Set(byHealth.GetValueOrDefault(health));
            }
        });
        // Readers' only, like the rest of what the controller knows; Metrics:Anonymous opens it (a scraper without a certificate).
        var metrics = app.MapMetrics("/metrics", registry);
        if (app.Configuration.GetValue<bool>("Metrics:Anonymous"))
        {
            metrics.AllowAnonymous();
        }
        else
        {
            metrics.RequireAuthorization(Policies.Read);
        }
    }
}
