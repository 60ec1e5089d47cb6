namespace HaCluster.Controller.Data.Entities;

/// <summary>A node as its agent last described itself; kept when it disconnects (its groups still name it).</summary>
public sealed class NodeEntity
{
    public required string Name { get; set; }

    /// <summary>JSON array of "address/prefix".</summary>
    public required string AddressesJson { get; set; }

    /// <summary>JSON array of interface names.</summary>
    public required string InterfacesJson { get; set; }

    public required string AgentVersion { get; set; }

    public required string BootId { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}
