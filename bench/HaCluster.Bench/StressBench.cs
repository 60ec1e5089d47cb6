using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HaCluster.Agent.Vrrp;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>A pair at advert_int 0.01 under a fully loaded host: what went wrong, and what a client lost.</summary>
internal sealed record StressResult(string Name, TimeSpan Window, int FalseFailovers, int MasterStepDowns, int PingsSent, int PingsLost);

/// <summary>Takeovers of a backup when its master freezes, against the RFC's Master_Down_Interval, on an idle host.</summary>
internal sealed record Lateness(string Name, int Takeovers, double P50Ms, double P99Ms, double MaxMs);

/// <summary>CPU of one daemon over a window at advert_int 0.01, as master and as backup.</summary>
internal sealed record AdvertCpu(string Name, TimeSpan Window, TimeSpan Master, TimeSpan Backup);

/// <summary>
/// Centisecond VRRP under load (issue 17): two agents, then two keepalived (as shipped, then with
/// <c>vrrp_rt_priority 50</c>), each pair in turn at VRRPv3 <c>advert_int 0.01</c>, a client pinging the VIP every
/// 10 ms, every core busy with stress-ng (twice as many workers as cores) for the window: false failovers (the backup
/// becoming master with nobody dead), the master stepping down, pings lost. Then, idle: takeover lateness against the
/// RFC deadline (the master frozen with SIGSTOP, 40 times) and CPU as master and as backup.
/// </summary>
internal static class StressBench
{
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public sealed record Pair(string Name, Daemon Daemon, string Global, string Entered, string Left);

    public static IReadOnlyList<Pair> Pairs(Daemon agent) =>
    [
        new(agent.Name, agent, "", "to=MASTER", "from=MASTER"),
        new($"{agent.Name}, vrrp_rt_priority 0", agent, "    vrrp_rt_priority 0\n", "to=MASTER", "from=MASTER"),
        new("keepalived", Daemon.Keepalived, "", "Entering MASTER STATE", "Entering BACKUP STATE"),
        new("keepalived, vrrp_rt_priority 50", Daemon.Keepalived, "    vrrp_rt_priority 50\n", "Entering MASTER STATE", "Entering BACKUP STATE"),
    ];

    public static async Task<StressResult> UnderLoadAsync(Pair pair, TimeSpan window, Action<string> log)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var (n1, n2) = await StartPairAsync(lab, pair);
        var marks = (n1.OutputLength, n2.OutputLength);
        var load = ClientLoad.Start(lab, Vip, window);
        var workers = (2 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);
        var stress = await Cmd.RunAsync("stress-ng", ["--cpu", workers, "--timeout", $"{(int)window.TotalSeconds}s", "--quiet"], window + TimeSpan.FromMinutes(1));
        if (!stress.Succeeded)
        {
            throw new InvalidOperationException($"stress-ng failed: {stress}");
        }

        var (sent, lost, _, _, _) = await load.ResultAsync();
        var result = new StressResult(pair.Name, window, Count(n2.Output[marks.Item2..], pair.Entered), Count(n1.Output[marks.Item1..], pair.Left), sent, lost);
        log($"{pair.Name} under load for {window.TotalSeconds:0} s: {result.FalseFailovers} false failover(s), master stepped down {result.MasterStepDowns} time(s), {lost} of {sent} pings lost");
        return result;
    }

    /// <summary>n1 frozen 40 times while n2 is backup: from n1's last advert to n2's first as master, less n2's Master_Down_Interval.</summary>
    public static async Task<Lateness> LatenessAsync(Pair pair, Action<string> log)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var (n1, _) = await StartPairAsync(lab, pair);
        await using var capture = await lab.StartCaptureAsync(lab.Hosts[1], "ip proto 112", "capture-lateness");
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the capture running
        for (var i = 0; i < 40; i++)
        {
            SignalTree(n1, Signals.Stop); // keepalived's VRRP work is in its child
            await Task.Delay(TimeSpan.FromMilliseconds(150)); // n2 takes over after ~40 ms
            SignalTree(n1, Signals.Cont);
            await Task.Delay(TimeSpan.FromMilliseconds(250)); // n1 preempts back
        }

        await capture.StopAsync();
        var mdi = VrrpTimers.MasterDownInterval(3, 80, Interval);
        var packets = PcapFile.Ipv4Packets(capture.Path).Select(p => (p.At, Source: new IPAddress(p.Packet.AsSpan(12, 4)))).ToList();
        var late = new List<double>();
        for (var i = 1; i < packets.Count; i++)
        {
            // n2's first advert after n1's, more than two intervals later: a takeover (n2 sends only as master; the
            // adverts the two exchange when n1 comes back are less than an interval apart).
            if (packets[i].Source.Equals(lab.Hosts[1].Address) && packets[i - 1].Source.Equals(lab.Hosts[0].Address)
                && packets[i].At - packets[i - 1].At > 2 * Interval)
            {
                late.Add((packets[i].At - packets[i - 1].At - mdi).TotalMilliseconds);
            }
        }

        late.Sort();
        var result = new Lateness(pair.Name, late.Count, Percentile(late, 0.5), Percentile(late, 0.99), late.LastOrDefault());
        log($"{pair.Name} takeover lateness: p50 {result.P50Ms:0.000} ms, p99 {result.P99Ms:0.000} ms, max {result.MaxMs:0.000} ms over {result.Takeovers} takeovers");
        return result;
    }

    public static async Task<AdvertCpu> CpuAsync(Pair pair, TimeSpan window, Action<string> log)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var (n1, n2) = await StartPairAsync(lab, pair);
        // Steady state: past the start-up GARPs and the agent's one-off settle step (AgentService.SettleTime).
        await Task.Delay(HaCluster.Agent.Hosting.AgentService.SettleTime + TimeSpan.FromSeconds(2));
        var before = (Daemon.CpuTime(n1), Daemon.CpuTime(n2));
        var threads = (Daemon.ThreadTimes(n1), Daemon.ThreadTimes(n2));
        await Task.Delay(window);
        var result = new AdvertCpu(pair.Name, window, Daemon.CpuTime(n1) - before.Item1, Daemon.CpuTime(n2) - before.Item2);
        log($"{pair.Name} by thread, as master: {ByThread(threads.Item1, Daemon.ThreadTimes(n1))}; as backup: {ByThread(threads.Item2, Daemon.ThreadTimes(n2))}");
        log($"{pair.Name} CPU at 10 ms adverts over {window.TotalSeconds:0} s: {result.Master.TotalMilliseconds:0.0} ms as master, {result.Backup.TotalMilliseconds:0.0} ms as backup");
        return result;
    }

    public static string Markdown(IReadOnlyList<StressResult> stress, IReadOnlyList<Lateness> lateness, IReadOnlyList<AdvertCpu> cpu)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("### VRRPv3 advert_int 0.01, every core busy (stress-ng, 2 workers per core)\n");
        text.AppendLine("| pair | window | false failovers | master stepped down | pings lost |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var r in stress)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Window.TotalMinutes:0.#} min | {r.FalseFailovers} | {r.MasterStepDowns} | {r.PingsLost} of {r.PingsSent} |");
        }

        text.AppendLine("\n### Takeover lateness after the RFC deadline, idle (master frozen, medians of the runs)\n");
        text.AppendLine("| daemon | takeovers | p50 | p99 | max |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var g in lateness.GroupBy(l => l.Name))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Sum(l => l.Takeovers)} | {Median(g.Select(l => l.P50Ms)):0.000} ms | {Median(g.Select(l => l.P99Ms)):0.000} ms | {g.Max(l => l.MaxMs):0.000} ms |");
        }

        text.AppendLine("\n### CPU at advert_int 0.01, idle (per 10 s, medians of the runs)\n");
        text.AppendLine("| daemon | as master | as backup | master vs keepalived | backup vs keepalived |");
        text.AppendLine("|---|---|---|---|---|");
        var baseline = cpu.Where(c => c.Name == "keepalived").ToList();
        var (km, kb) = (Median(baseline.Select(Per10s(c => c.Master))), Median(baseline.Select(Per10s(c => c.Backup))));
        foreach (var g in cpu.GroupBy(c => c.Name))
        {
            var (m, b) = (Median(g.Select(Per10s(c => c.Master))), Median(g.Select(Per10s(c => c.Backup))));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {m:0.0} ms | {b:0.0} ms | {Ratio(m, km)} | {Ratio(b, kb)} |");
        }

        return text.ToString();
    }

    private static Func<AdvertCpu, double> Per10s(Func<AdvertCpu, TimeSpan> part) => c => part(c).TotalMilliseconds * 10 / c.Window.TotalSeconds;

    private static string Ratio(double value, double baseline) => baseline > 0 ? $"{value / baseline:0.00}×" : "–";

    private static async Task<(LabProcess N1, LabProcess N2)> StartPairAsync(NetnsLab lab, Pair pair)
    {
        var n1 = pair.Daemon.Start(lab, lab.Hosts[0], Config(lab, pair, 0, 100), "n1");
        if (!await FailoverBench.WaitForAsync(() => lab.HasAddressAsync(lab.Hosts[0], Vip), TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"{pair.Name}: n1 never became master; see {lab.WorkDir}");
        }

        var n2 = pair.Daemon.Start(lab, lab.Hosts[1], Config(lab, pair, 1, 80), "n2");
        await Task.Delay(TimeSpan.FromSeconds(1)); // n2 through its start into BACKUP
        return (n1, n2);
    }

    private static string Config(NetnsLab lab, Pair pair, int host, int priority)
    {
        var instance = KeepalivedInstance.Unicast(lab.Hosts[host], lab.Hosts, 27, priority, Vip) with { Version = 3, AdvertInterval = Interval };
        var text = Keepalived.Config(lab.Hosts[host].Name, instance);
        return text.Replace("global_defs {\n", "global_defs {\n" + pair.Global, StringComparison.Ordinal);
    }

    private static void SignalTree(LabProcess process, int signal)
    {
        foreach (var pid in Daemon.Tree(process))
        {
            Signals.Send(pid, signal);
        }
    }

    /// <summary>"name 12.3 ms, …" for the threads that ran in the window, the busiest first.</summary>
    private static string ByThread(Dictionary<string, double> before, Dictionary<string, double> after) =>
        string.Join(", ", after.Select(t => (t.Key, Ms: t.Value - before.GetValueOrDefault(t.Key))).Where(t => t.Ms >= 0.05)
            .OrderByDescending(t => t.Ms).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Ms:0.0} ms")));

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private static double Median(IEnumerable<double> values) => values.Order().ToList() is { Count: > 0 } v ? v[v.Count / 2] : 0;

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
