using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;

namespace HaCluster.Agent.Runtime;

/// <summary>
/// What the controller link needs of the running agent, and all it may touch: the instances to report, their
/// transitions, the host's facts for the hello, and the one way in for a pushed config. The link never names the
/// agent's composition (it depends on this, the agent implements it), so it can be tested against a fake.
/// </summary>
public interface IAgentRuntime
{
    /// <summary>Completes once the instances run.</summary>
    Task Started { get; }

    /// <summary>Raised on the engine thread after each state change of any instance; handlers must only queue work.</summary>
    event Action<InstanceRunner, TransitionRecord>? Transitioned;

    IReadOnlyList<InstanceRunner> Runners { get; }

    /// <summary>The managed config running now (null: none).</summary>
    DesiredConfig? Managed { get; }

    /// <summary>What this host is, for the hello: its interfaces and its own addresses (without the VIPs it holds).</summary>
    HostFacts Facts();

    /// <summary>
    /// A config pushed by the controller: validated with the host's file, persisted, then applied as a diff. Returns
    /// the errors (file:line) when rejected; the running config then stays.
    /// </summary>
    Task<IReadOnlyList<string>> ApplyManagedAsync(DesiredConfig desired, CancellationToken ct);
}

/// <summary>The host as its agent describes it: interface names, and its own IPv4 addresses as "address/prefix".</summary>
public sealed record HostFacts(IReadOnlyList<string> Interfaces, IReadOnlyList<string> Addresses);
