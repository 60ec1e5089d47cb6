using System.Net;

namespace HaCluster.Agent.Hosting;

/// <summary>How the daemon was started: its config file and where it serves metrics and status (null: nowhere).</summary>
public sealed record AgentOptions(string ConfigPath, IPEndPoint? MetricsEndpoint)
{
    public static readonly IPEndPoint DefaultMetricsEndpoint = new(IPAddress.Loopback, 9650);
}
