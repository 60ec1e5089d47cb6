using HaCluster.Controller.Domain;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Agents;

/// <summary>
/// After every committed group change, renders the config of each node that was or is a member and hands it to that
/// node's session (the newest replaces one not yet written). Nodes not connected get theirs when they connect.
/// </summary>
public sealed class ConfigPusher(DesiredState desired, AgentSessions sessions, FleetState fleet) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        desired.Changed += OnChanged;
        desired.NodeChanged += OnNodeChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        desired.Changed -= OnChanged;
        desired.NodeChanged -= OnNodeChanged;
        return Task.CompletedTask;
    }

    private void OnNodeChanged(string node)
    {
        fleet.NodeConfigChanged(node);
        sessions.Get(node)?.SendConfig(desired.ConfigFor(node));
    }

    private void OnChanged(GroupChange change)
    {
        fleet.GroupChanged(change);
        foreach (var node in change.Nodes)
        {
            sessions.Get(node)?.SendConfig(desired.ConfigFor(node));
        }
    }
}
