using HaCluster.Controller.Data;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Fleet;

/// <summary>At start: the desired state (groups, nodes in maintenance) and what the history says of the fleet (known nodes, each group's last failover).</summary>
public sealed class FleetLoader(GroupRepository groups, NodeRepository nodes, MaintenanceRepository maintenance, EventRepository history, DesiredState desired, FleetState fleet)
{
    public async Task LoadAsync(CancellationToken ct)
    {
        foreach (var drained in await maintenance.ListAsync(ct))
        {
            desired.SetMaintenance(drained.Node, drained);
        }

        desired.Load(await groups.ListAsync(ct));
        foreach (var node in await nodes.ListAsync(ct))
        {
            fleet.Known(node);
        }

        foreach (var (group, at) in await history.LastTakeoversAsync(ct))
        {
            fleet.LastFailover(group, at);
        }
    }
}
