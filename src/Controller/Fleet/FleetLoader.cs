using HaCluster.Controller.Data;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Fleet;

/// <summary>At start: the desired state and what the history says of the fleet (known nodes, each group's last failover).</summary>
public sealed class FleetLoader(GroupRepository groups, NodeRepository nodes, EventRepository history, DesiredState desired, FleetState fleet)
{
    public async Task LoadAsync(CancellationToken ct)
    {
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
