namespace HaCluster.Agent.Tracking;

/// <summary>track_interface: OK while the link is up and running; fed by the agent's link monitor.</summary>
public sealed class InterfaceTracker(string name, bool initiallyUp) : TrackedObject(name, initiallyUp)
{
    public void Update(bool up) => Report(up);
}
