using System.Globalization;
using System.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;
using static HaCluster.Agent.IntegrationTests.Agent.HmacInteropTests;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>
/// Floods of forged and junk adverts at 1,000 packets a second: dropped and counted, no takeover, and the master's
/// advert rhythm kept. They load the machine, so they run alone, after the tests that run two at a time.
/// </summary>
[Collection(Alone.Name)]
public class FloodTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [SkippableFact]
    public async Task FloodOfForgedAndJunkAdverts_IsDroppedAndCounted_NoTakeover_MasterScheduleUntouched()
    {
        await using var pair = await CreateAsync();
        Privileges.RequireOrSkip("raw packets from the client namespace", "socat");
        var (n1, n2) = await pair.StartSettledAsync();
        var marks = (n1.Process.OutputLength, n2.Process.OutputLength);
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112 and src host 192.0.2.10");

        // A priority-255 advert with the right password, from a host that is not a configured peer, and junk.
        var forged = VrrpCodec.Encode(
            new VrrpAdvert(2, 27, 255, Second, [Vip]) { AuthType = AuthType.Pass, AuthData = [.. "1111\0\0\0\0"u8] },
            pair.Lab.Client.Address, pair.N2.Address);
        var junk = new byte[forged.Length];
        new Random(7).NextBytes(junk);
        var file = Path.Combine(pair.Lab.WorkDir, "flood.bin");
        await File.WriteAllBytesAsync(file, [.. Enumerable.Range(0, 5000).SelectMany(i => i % 2 == 0 ? forged : junk)]);

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        while (DateTime.UtcNow < until)
        {
            foreach (var target in new[] { pair.N1, pair.N2 })
            {
                var sent = await pair.Lab.ExecAsync(pair.Lab.Client.Namespace, "socat", "-u", "-b", forged.Length.ToString(CultureInfo.InvariantCulture), $"OPEN:{file}", $"IP-SENDTO:{target.Address}:112");
                Assert.True(sent.Succeeded, sent.ToString());
            }
        }

        await Task.Delay(Second); // waits for a second more of the agent's adverts and drops, captured
        await capture.StopAsync();
        Assert.Empty(n1.Transitions(since: marks.Item1));
        Assert.Empty(n2.Transitions(since: marks.Item2));
        Assert.Matches("dropped packet reason=unknown_peer source=192.0.2.50", n2.Process.Output);
        Assert.Matches("dropped packet reason=unknown_peer source=192.0.2.50", n1.Process.Output);

        // The master's adverts kept their 1 s rhythm while the flood hit it (keepalived postpones its advert on each packet).
        var gaps = TrackingTests.Gaps(await capture.DecodeAsync("-tt"));
        Assert.True(gaps.Count >= 3, $"{gaps.Count} gaps");
        Assert.All(gaps, gap => Assert.InRange(gap, 0.5, 1.5));
    }

    /// <summary>
    /// An attacker spoofing the backup's address floods the master with priority-255 adverts (1,000 a second for 8 s):
    /// signed groups refuse them as invalid HMAC and the master keeps the VIP and its advert schedule; a real advert
    /// replayed a second later is refused as a replay; and a PASS group refuses the same flood sent with TTL 1.
    /// </summary>
    [SkippableFact]
    public async Task ForgedFlood_HmacMasterKeepsVipAndSchedule_ReplayRefused_Ttl1FloodOnAPassGroupRefusedByTheGuard()
    {
        await using var pair = await CreateAsync();
        var n1 = pair.StartAgent(pair.N1, Signed(pair, pair.N1, 100, 2, 1, Key));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        var n2 = pair.StartAgent(pair.N2, Signed(pair, pair.N2, 80, 2, 1, Key));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112", "capture-flood");

        // Forged: n2's address, priority 255, a trailer with a fresh timestamp (inside the window) and a made-up HMAC.
        var forged = VrrpCodec.Encode(new VrrpAdvert(2, 27, 255, Second, [Vip]), pair.N2.Address, pair.N1.Address);
        var trailer = new byte[HmacTrailer.Length];
        HmacTrailer.Sign(forged, pair.N2.Address, 1, new byte[32], HmacTrailer.SequenceAt(DateTimeOffset.UtcNow.AddSeconds(4)), trailer);
        var sent = await Forger.FloodAsync(pair.Lab, pair.Lab.Client, pair.N1.Address.ToString(),
            Forger.Ipv4(pair.N2.Address.ToString(), pair.N1.Address.ToString(), 255, [.. forged, .. trailer]), 1000, 8 * Second);

        Assert.Equal(["BACKUP", "MASTER"], n1.Transitions());
        var metrics = await TrackingTests.Metrics(pair, pair.N1);
        Assert.True(PrometheusText.Sum(metrics, "hacluster_hmac_invalid_total") >= sent * 9 / 10, $"{sent} sent\n{metrics}");

        // A real advert of n1, captured by n2, sent to n2 again a second later: a replay.
        await Task.Delay(2 * Second); // waits for two more of n1's adverts in the capture
        await capture.StopAsync();
        var adverts = PcapFile.Ipv4Packets(capture.Path).Where(p => p.Packet[9] == 112 && new IPAddress(p.Packet.AsSpan(12, 4)).Equals(pair.N1.Address)).ToList();
        var gaps = adverts.Zip(adverts.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(gaps.Max() <= 1.5 * Second, $"the master's adverts had a gap of {gaps.Max().TotalMilliseconds:0} ms during the flood");
        await Forger.FloodAsync(pair.Lab, pair.Lab.Client, pair.N2.Address.ToString(), adverts[^1].Packet, 1, Second);
        Assert.True(PrometheusText.Sum(await TrackingTests.Metrics(pair, pair.N2), "hacluster_hmac_replay_total") >= 1);
        await n1.DisposeAsync();
        await n2.DisposeAsync();

        // The same attacker against a PASS group, with TTL 1 (sent from another subnet, as it were): the TTL-255 guard.
        await using var passMaster = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100), "agent-n1-pass");
        await using var passBackup = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80), "agent-n2-pass");
        Assert.True(await passMaster.WaitForStateAsync("MASTER", Patience));
        var pass = VrrpCodec.Encode(new VrrpAdvert(2, 27, 255, Second, [Vip]) { AuthType = HaCluster.Shared.Config.AuthType.Pass, AuthData = AdvertPolicy.AuthBytes("1111") },
            pair.N2.Address, pair.N1.Address);
        var ttl1 = await Forger.FloodAsync(pair.Lab, pair.Lab.Client, pair.N1.Address.ToString(), Forger.Ipv4(pair.N2.Address.ToString(), pair.N1.Address.ToString(), 1, pass), 1000, 8 * Second);
        Assert.Equal(["BACKUP", "MASTER"], passMaster.Transitions());
        Assert.True(PrometheusText.Sum(await TrackingTests.Metrics(pair, pair.N1), "hacluster_ip_ttl_errors_total") >= ttl1 * 9 / 10);
    }
}
