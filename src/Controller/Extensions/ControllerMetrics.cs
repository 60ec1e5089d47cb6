using HaCluster.Controller.Agents;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using Prometheus;

namespace HaCluster.Controller.Extensions;

/// <summary>Gauges read at scrape time from the live state.</summary>
internal static class ControllerMetrics
{
    private static readonly Gauge Agents = Metrics.CreateGauge("hacluster_controller_agents_connected", "agents with an open stream");
    private static readonly Gauge Watchers = Metrics.CreateGauge("hacluster_controller_watchers", "open live streams (dashboards)");
    private static readonly Gauge Groups = Metrics.CreateGauge("hacluster_controller_groups", "VIP groups by health", "health");

    public static void Register(IServiceProvider services)
    {
        var sessions = services.GetRequiredService<AgentSessions>();
        var bus = services.GetRequiredService<FleetBus>();
        var fleet = services.GetRequiredService<FleetState>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            Agents.Set(sessions.Count);
            Watchers.Set(bus.Subscribers);
            var byHealth = fleet.Statuses().GroupBy(s => s.Health).ToDictionary(g => g.Key, g => g.Count());
            foreach (var health in new[] { Health.Ok, Health.NoMaster, Health.SplitBrain, Health.Unreachable, Health.Drift })
            {
                Groups.WithLabels(health).Set(byHealth.GetValueOrDefault(health));
            }
        });
    }
}
