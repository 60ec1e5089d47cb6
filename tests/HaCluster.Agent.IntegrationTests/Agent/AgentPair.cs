using System.Net;
using HaCluster.TestSupport;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>A lab of two hosts (n1 priority 100, n2 priority 80), a client, TCP responders, and one VIP.</summary>
internal sealed class AgentPair : IAsyncDisposable
{
    public static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private AgentPair(NetnsLab lab) => Lab = lab;

    public NetnsLab Lab { get; }
    public LabHost N1 => Lab.Hosts[0];
    public LabHost N2 => Lab.Hosts[1];

    public static async Task<AgentPair> CreateAsync()
    {
        Privileges.RequireOrSkip("VRRP failover between network namespaces", "keepalived", "dotnet");
        var lab = await NetnsLab.CreateAsync(2);
        var pair = new AgentPair(lab);
        await lab.StartResponderAsync(pair.N1);
        await lab.StartResponderAsync(pair.N2);
        return pair;
    }

    /// <summary>The instance of <paramref name="self"/> in the pair: v2, auth PASS 1111, unicast to the other host.</summary>
    public KeepalivedInstance Instance(LabHost self, int priority, int version = 2, double advertSeconds = 1) =>
        KeepalivedInstance.Unicast(self, Lab.Hosts, 27, priority, Vip) with
        {
            Version = version,
            AdvertInterval = TimeSpan.FromSeconds(advertSeconds),
            AuthPass = version == 2 ? "1111" : null,
        };

    public AgentProcess StartAgent(LabHost host, KeepalivedInstance instance, string? name = null) =>
        AgentProcess.Start(Lab, host, Keepalived.Config(host.Name, instance), name);

    /// <summary>
    /// n1 (100) then n2 (80), each settled before the next starts. Started at the same instant, the two race
    /// through their Master_Down_Intervals (3.609 s vs 3.688 s) and start-up jitter can let n2 win for a moment,
    /// as with keepalived; tests about what happens later start from a settled pair.
    /// </summary>
    public async Task<(AgentProcess N1, AgentProcess N2)> StartSettledAsync(int version = 2, double advertSeconds = 1)
    {
        var n1 = StartAgent(N1, Instance(N1, 100, version, advertSeconds));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        var n2 = StartAgent(N2, Instance(N2, 80, version, advertSeconds));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));
        await AssertAnswersAsync(N1, Patience);
        return (n1, n2);
    }

    /// <summary>Asserts the VIP answers from <paramref name="host"/> within <paramref name="within"/>; returns how long it took.</summary>
    public async Task<TimeSpan> AssertAnswersAsync(LabHost host, TimeSpan within)
    {
        var took = await Lab.WaitForAnswerAsync(Vip, host.Name, within);
        if (took is null)
        {
            await Lab.DumpStateAsync();
        }

        Assert.True(took is not null, $"the VIP did not answer from {host.Name} within {within.TotalSeconds:0.###} s (lab {Lab.WorkDir})");
        return took!.Value;
    }

    public async Task AssertHoldsVipAsync(LabHost host, bool holds) =>
        Assert.True(await Lab.HasAddressAsync(host, Vip) == holds, $"{host.Name} should {(holds ? "" : "not ")}hold {Vip}");

    public ValueTask DisposeAsync() => Lab.DisposeAsync();
}
