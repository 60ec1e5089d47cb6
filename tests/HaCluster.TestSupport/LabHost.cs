using System.Net;

namespace HaCluster.TestSupport;

/// <summary>One machine of a lab: a network namespace with one interface on the lab bridge.</summary>
/// <param name="Name">Short name, also what its responder answers ("n1", "client").</param>
/// <param name="Namespace">The network namespace ("hc1a2b3n1").</param>
/// <param name="Interface">The interface on the bridge, always "eth0".</param>
/// <param name="Address">Its primary IPv4 address (prefix /24).</param>
/// <param name="Mac">Its deterministic MAC address, lower-case colon form.</param>
public sealed record LabHost(string Name, string Namespace, string Interface, IPAddress Address, string Mac)
{
    public override string ToString() => $"{Name} ({Namespace}, {Address})";
}
