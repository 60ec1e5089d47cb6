using System.Net;
using HaCluster.TestSupport;
using Xunit.Abstractions;

namespace HaCluster.Agent.IntegrationTests.Lab;

public sealed class NetnsLabNetworkTests(ITestOutputHelper output)
{
    private static readonly IPAddress Nobody = IPAddress.Parse("192.0.2.99");

    private async Task<NetnsLab> CreateLabAsync(int hosts)
    {
        Privileges.RequireOrSkip("NetnsLab smoke test");
        return await NetnsLab.CreateAsync(hosts, log: output.WriteLine);
    }

    [SkippableFact]
    public async Task Responders_AnswerWithTheirHostName_NobodyAnswersForAFreeAddress()
    {
        await using var lab = await CreateLabAsync(2);
        await lab.StartResponderAsync(lab.Hosts[0]);
        await lab.StartResponderAsync(lab.Hosts[1]);

        Assert.Equal("n1", await lab.ProbeAsync(lab.Hosts[0].Address));
        Assert.Equal("n2", await lab.ProbeAsync(lab.Hosts[1].Address));
        Assert.Equal("n2", await lab.ProbeAsync(lab.Hosts[0], lab.Hosts[1].Address));
        Assert.Null(await lab.ProbeAsync(Nobody));
        Assert.NotNull(await lab.WaitForAnswerAsync(lab.Hosts[1].Address, "n2", TimeSpan.FromSeconds(2)));
        Assert.Null(await lab.WaitForAnswerAsync(lab.Hosts[1].Address, "n1", TimeSpan.FromMilliseconds(500)));
    }

    [SkippableFact]
    public async Task Responder_AnswersOnAnAddressAddedLater()
    {
        await using var lab = await CreateLabAsync(1);
        var host = lab.Hosts[0];
        await lab.StartResponderAsync(host);

        await lab.ExecAsync(host, "ip", "addr", "add", $"{Nobody}/32", "dev", "eth0", "label", "eth0:0");

        Assert.True(await lab.HasAddressAsync(host, Nobody));
        Assert.Contains($"{Nobody}/32", await lab.AddressesAsync(host));
        Assert.Equal("n1", await lab.ProbeAsync(Nobody));
    }

    [SkippableFact]
    public async Task Partition_CutsThePairBothWays_BothStillReachTheClientAndOthers()
    {
        await using var lab = await CreateLabAsync(3);
        var (n1, n2, n3) = (lab.Hosts[0], lab.Hosts[1], lab.Hosts[2]);
        await lab.StartResponderAsync(n2);

        await lab.PartitionAsync(n1, n2);

        Assert.False(await lab.PingAsync(n1, n2.Address));
        Assert.False(await lab.PingAsync(n2, n1.Address));
        Assert.Null(await lab.ProbeAsync(n1, n2.Address));
        Assert.True(await lab.PingAsync(n1, lab.Client.Address));
        Assert.True(await lab.PingAsync(n2, lab.Client.Address));
        Assert.True(await lab.PingAsync(n1, n3.Address));
        Assert.Equal("n2", await lab.ProbeAsync(n2.Address));

        await lab.HealAsync(n1, n2);

        Assert.True(await lab.WaitForPingAsync(n1, n2.Address, TimeSpan.FromSeconds(5)));
        Assert.Equal("n2", await lab.ProbeAsync(n1, n2.Address));
    }

    [SkippableFact]
    public async Task SetLink_Down_HostUnreachableUntilUp()
    {
        await using var lab = await CreateLabAsync(2);
        var n1 = lab.Hosts[0];

        await lab.SetLinkAsync(n1, up: false);
        Assert.False(await lab.PingAsync(n1.Address), "n1 answers with eth0 down");
        Assert.True(await lab.PingAsync(lab.Hosts[1].Address), "n2 does not answer");

        await lab.SetLinkAsync(n1, up: true);
        Assert.True(await lab.WaitForPingAsync(lab.Client, n1.Address, TimeSpan.FromSeconds(5)), "n1 does not answer with eth0 up again");
    }

    [SkippableFact]
    public async Task SetCable_Unplugged_HostLosesCarrierAndIsUnreachable()
    {
        await using var lab = await CreateLabAsync(1);
        var n1 = lab.Hosts[0];

        await lab.SetCableAsync(n1, connected: false);
        var link = (await lab.ExecAsync(n1, "ip", "-o", "link", "show", "eth0")).EnsureSuccess().Stdout;
        Assert.Contains("NO-CARRIER", link, StringComparison.Ordinal);
        Assert.False(await lab.PingAsync(n1.Address));

        await lab.SetCableAsync(n1, connected: true);
        Assert.True(await lab.WaitForPingAsync(lab.Client, n1.Address, TimeSpan.FromSeconds(5)));
    }

    [SkippableFact]
    public async Task Capture_SeesArpAndIcmp()
    {
        await using var lab = await CreateLabAsync(1);
        var n1 = lab.Hosts[0];
        var capture = await lab.StartCaptureAsync(n1, "icmp or arp");

        Assert.True(await lab.PingAsync(n1.Address));
        var text = await capture.DecodeAsync("-e");

        output.WriteLine(text);
        Assert.True(File.Exists(capture.Path));
        Assert.Contains("ARP", text, StringComparison.Ordinal);
        Assert.Contains("ICMP echo request", text, StringComparison.Ordinal);
        Assert.Contains("ICMP echo reply", text, StringComparison.Ordinal);
        Assert.Contains("02:00:c0:00:02:32", text, StringComparison.Ordinal);
    }
}
