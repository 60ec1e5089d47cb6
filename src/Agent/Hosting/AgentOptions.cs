using System.Net;

namespace HaCluster.Agent.Hosting;

/// <summary>Where the daemon serves metrics and status (null: nowhere).</summary>
public sealed record AgentOptions(IPEndPoint? MetricsEndpoint)
{
    public static readonly IPEndPoint DefaultMetricsEndpoint = new(IPAddress.Loopback, 9650);
}
