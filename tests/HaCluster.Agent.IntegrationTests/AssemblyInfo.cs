// Labs are separate namespaces and mostly wait on VRRP timers: two run at a time (xUnit's conservative algorithm
// starts a test only when one of the two slots is free). Tests that load the machine (floods, stress-ng) are in the
// Alone collection, which xUnit runs after the others, one at a time.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

namespace HaCluster.Agent.IntegrationTests;

/// <summary>Tests that load the machine on purpose, run with nothing beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "Alone";
}
