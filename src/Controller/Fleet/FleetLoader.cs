using HaCluster.Controller.Agents;
using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Fleet;

/// <summary>At start: the desired state and what the history says of the fleet (known nodes, each group's last failover).</summary>
public static class FleetLoader
{
    public static async Task LoadAsync(HaClusterContext db, DesiredState desired, FleetState fleet, CancellationToken ct)
    {
        await desired.LoadAsync(db, ct);
        foreach (var node in await db.Nodes.AsNoTracking().ToListAsync(ct))
        {
            fleet.Known(node, NodeStore.Strings(node.AddressesJson), NodeStore.Strings(node.InterfacesJson));
        }

        var failovers = await db.Events
            .Where(e => e.Kind == EventKinds.Transition && e.ToState == "MASTER" && e.GroupName != null)
            .GroupBy(e => e.GroupName!)
            .Select(g => new { Group = g.Key, At = g.Max(e => e.At) })
            .ToListAsync(ct);
        foreach (var failover in failovers)
        {
            fleet.LastFailover(failover.Group, failover.At);
        }
    }
}
