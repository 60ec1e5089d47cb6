using System.Globalization;
using System.Net;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

internal sealed record Footprint(Daemon Daemon, int Instances, long RssKiB, long AnonymousKiB, TimeSpan Cpu, TimeSpan Window)
{
    /// <summary>CPU from exec until the idle window opens: start, election, GARP bursts, the agent's settle step.</summary>
    public TimeSpan StartCpu { get; init; }
}

internal sealed record Jitter(Daemon Daemon, int Adverts, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// Idle cost as master (resident memory, CPU over a window) with 1 and 100 instances, and the send jitter of
/// centisecond v3 adverts, for the agent and keepalived with the same configuration.
/// </summary>
internal static class FootprintBench
{
    /// <param name="shape">Changes each instance (its authentication, for the HMAC comparison).</param>
    public static async Task<Footprint> IdleAsync(Daemon daemon, int instances, TimeSpan window, Action<string> log, Func<KeepalivedInstance, KeepalivedInstance>? shape = null)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var n1 = daemon.Start(lab, lab.Hosts[0], Config(lab, instances, version: 2, advertSeconds: 1, shape), "n1");
        var last = IPAddress.Parse(VipFor(instances));
        if (!await FailoverBench.WaitForAsync(() => lab.HasAddressAsync(lab.Hosts[0], last), TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"{daemon.Name} never became master of {instances} instance(s); see {lab.WorkDir}");
        }

        // The idle window is the steady state: it opens once start-up is over for both daemons — past the delayed GARP
        // burst (garp_master_delay 5 s) and the agent's one-off settle step (AgentService.SettleTime), whose cost is
        // in StartCpu, which covers everything from exec to the window.
        await Task.Delay(HaCluster.Agent.Hosting.AgentService.SettleTime + TimeSpan.FromSeconds(5));
        var before = Daemon.CpuTime(n1);
        await Task.Delay(window);
        var result = new Footprint(daemon, instances, Daemon.ResidentKiB(n1), Daemon.AnonymousKiB(n1), Daemon.CpuTime(n1) - before, window) { StartCpu = before };
        log($"{daemon.Name} x{instances}: {result.RssKiB / 1024.0:0.0} MiB ({result.AnonymousKiB / 1024.0:0.0} MiB anonymous), {result.Cpu.TotalMilliseconds:0.0} ms CPU in {window.TotalSeconds:0} s idle, {before.TotalMilliseconds:0.0} ms from exec to the window");
        return result;
    }

    /// <summary>Adverts every 10 ms (v3 advert_int 0.01) captured on the peer; deviation of each interval from 10 ms.</summary>
    public static async Task<Jitter> JitterAsync(Daemon daemon, TimeSpan window, Action<string> log)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var n1 = daemon.Start(lab, lab.Hosts[0], Config(lab, 1, version: 3, advertSeconds: 0.01), "n1");
        await FailoverBench.WaitForAsync(() => lab.HasAddressAsync(lab.Hosts[0], IPAddress.Parse(VipFor(1))), TimeSpan.FromSeconds(30));
        await using var capture = await lab.StartCaptureAsync(lab.Hosts[1], "ip proto 112 and src host 192.0.2.10");
        await Task.Delay(window);
        var times = (await capture.DecodeAsync("-tt")).Split('\n')
            .Where(l => l.Contains("proto VRRP", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        var deviations = times.Zip(times.Skip(1), (a, b) => Math.Abs(((b - a) * 1000) - 10)).Order().ToList();
        var result = new Jitter(daemon, times.Count, Percentile(deviations, 0.5), Percentile(deviations, 0.99), deviations.LastOrDefault());
        log($"{daemon.Name} jitter: p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, max {result.MaxMs:0.000} ms over {result.Adverts} adverts");
        GC.KeepAlive(n1);
        return result;
    }

    private static string Config(NetnsLab lab, int instances, int version, double advertSeconds, Func<KeepalivedInstance, KeepalivedInstance>? shape = null)
    {
        var self = lab.Hosts[0];
        var blocks = Enumerable.Range(1, instances).Select(i => (shape ?? (x => x))(
            KeepalivedInstance.Unicast(self, lab.Hosts, i, 100, IPAddress.Parse(VipFor(i)), $"VI_{i}") with
            {
                Version = version,
                AdvertInterval = TimeSpan.FromSeconds(advertSeconds),
                VirtualAddresses = [$"{VipFor(i)}/32 dev eth0"],
            }));
        return Keepalived.Config(self.Name, [.. blocks]);
    }

    /// <summary>VIPs from 203.0.113.0/24 (a documentation range), inside the lab only.</summary>
    private static string VipFor(int instance) => $"203.0.113.{instance}";

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
