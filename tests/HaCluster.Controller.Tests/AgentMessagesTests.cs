using HaCluster.Contracts;
using HaCluster.Controller.Agents;

namespace HaCluster.Controller.Tests;

/// <summary>What a hello may make the controller keep: bounded, whatever an agent (or an impostor) sends.</summary>
public sealed class AgentMessagesTests
{
    [Fact]
    public void Hello_WithHundredThousandAddressesInterfacesAndGroups_KeepsAtMostTheCapOfEach()
    {
        var hello = new Hello { Node = "n1", BootId = "b1", Running = new ConfigRevision { Hash = new string('h', 10_000) } };
        hello.Addresses.AddRange(Enumerable.Range(0, 100_000).Select(i => $"10.{i / 65536}.{i / 256 % 256}.{i % 256}/32"));
        hello.Interfaces.AddRange(Enumerable.Range(0, 100_000).Select(i => $"veth{i}"));
        hello.Running.Groups.AddRange(Enumerable.Range(0, 100_000).Select(i => new GroupRevision { Group = $"g{i}", Revision = 1 }));

        var kept = AgentMessages.ToHello(hello, out var problem);

        Assert.Null(problem);
        Assert.Equal(AgentMessages.MaxFacts, kept!.Addresses.Count);
        Assert.Equal(AgentMessages.MaxFacts, kept.Interfaces.Count);
        Assert.Equal(AgentMessages.MaxFacts, kept.Running.Groups.Count);
        Assert.Equal(64, kept.Running.Hash.Length);
    }
}
