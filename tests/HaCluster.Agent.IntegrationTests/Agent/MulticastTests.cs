using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>Without unicast_peer the agent falls back to RFC multicast (224.0.0.18), like keepalived.</summary>
public class MulticastTests
{
    [SkippableFact]
    public async Task NoUnicastPeer_AdvertisesTo224_0_0_18_AndFailsOverWithKeepalived()
    {
        await using var pair = await CreateAsync();
        KeepalivedInstance Multicast(LabHost self, int priority) =>
            pair.Instance(self, priority) with { UnicastSource = null, UnicastPeers = [] };
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112");
        await using var agent = pair.StartAgent(pair.N1, Multicast(pair.N1, 100));
        Assert.True(await agent.WaitForStateAsync("MASTER", Patience));
        await using var keepalived = Keepalived.Start(pair.Lab, pair.N2, Multicast(pair.N2, 80));
        Assert.True(await keepalived.WaitForStateAsync("BACKUP", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);

        Assert.Equal(0, await agent.Process.StopAsync());
        await pair.AssertAnswersAsync(pair.N2, TimeSpan.FromSeconds(2));

        Assert.Contains("192.0.2.10 > 224.0.0.18: VRRPv2, Advertisement, vrid 27, prio 100", await capture.DecodeAsync());
    }
}
