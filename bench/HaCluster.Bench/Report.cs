using System.Globalization;
using System.Text;

namespace HaCluster.Bench;

internal static class Report
{
    public static string Markdown(IReadOnlyList<Measurement> measurements, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Longest VIP outage seen by the client (2 ms ping), median of {runs} run(s); ratio = agent / keepalived.");
        text.AppendLine();
        text.AppendLine("| fault | setting | hacluster-agent | keepalived | ratio |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var group in measurements.GroupBy(m => (m.Scenario, m.Setting.Label)))
        {
            var agent = Median(group.Where(m => m.Daemon == Daemon.Agent).Select(m => m.Outage.TotalMilliseconds));
            var keepalived = Median(group.Where(m => m.Daemon == Daemon.Keepalived).Select(m => m.Outage.TotalMilliseconds));
            // Below two ping intervals both are "no outage we can see": a ratio of such noise means nothing.
            var resolution = 2 * OutageProbe.IntervalSeconds * 1000;
            var ratio = agent <= resolution && keepalived <= resolution ? "– (both ≤ 4 ms)" : Ratio(agent, keepalived);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Name(group.Key.Scenario)} | {group.Key.Label} | {agent:0} ms | {keepalived:0} ms | {ratio} |");
        }

        text.AppendLine();
        text.AppendLine("| daemon | resident memory of the master (median) |");
        text.AppendLine("|---|---:|");
        foreach (var daemon in new[] { Daemon.Agent, Daemon.Keepalived })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {daemon.Name} | {Median(measurements.Where(m => m.Daemon == daemon).Select(m => (double)m.MasterRssKiB)) / 1024:0.0} MiB |");
        }

        return text.ToString();
    }

    public static string Footprint(IReadOnlyList<Footprint> footprints, IReadOnlyList<Jitter> jitters)
    {
        var text = new StringBuilder();
        var runs = footprints.Count == 0 ? 0 : footprints.GroupBy(f => (f.Instances, f.Daemon)).Max(g => g.Count());
        if (runs == 0)
        {
            return Jitters(text, jitters);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Idle as master over 60 s (unicast v2, advert_int 1), median of {runs} run(s); ratio = agent / keepalived.");
        text.AppendLine("RSS is what ps and top show (VmRSS, summed over keepalived's two processes); anonymous is the part no file backs");
        text.AppendLine("(Pss_Anon: heap, stacks, runtime data; keepalived's child shares its parent's pages, counted once). The window opens");
        text.AppendLine("15 s after the instances are master (past the GARP bursts and the agent's settle step); start CPU is exec to the window.");
        text.AppendLine();
        text.AppendLine("| instances | agent RSS | keepalived RSS | ratio | agent anonymous | keepalived anonymous | ratio | agent CPU | keepalived CPU | ratio | agent start CPU | keepalived start CPU |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in footprints.GroupBy(f => f.Instances))
        {
            var agent = group.Where(f => f.Daemon == Daemon.Agent).ToList();
            var keepalived = group.Where(f => f.Daemon == Daemon.Keepalived).ToList();
            var (agentRss, keepalivedRss) = (Median(agent.Select(f => (double)f.RssKiB)), Median(keepalived.Select(f => (double)f.RssKiB)));
            var (agentAnon, keepalivedAnon) = (Median(agent.Select(f => (double)f.AnonymousKiB)), Median(keepalived.Select(f => (double)f.AnonymousKiB)));
            var (agentCpu, keepalivedCpu) = (Median(agent.Select(f => f.Cpu.TotalMilliseconds)), Median(keepalived.Select(f => f.Cpu.TotalMilliseconds)));
            var (agentStart, keepalivedStart) = (Median(agent.Select(f => f.StartCpu.TotalMilliseconds)), Median(keepalived.Select(f => f.StartCpu.TotalMilliseconds)));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key} | {agentRss / 1024:0.0} MiB | {keepalivedRss / 1024:0.0} MiB | {Ratio(agentRss, keepalivedRss)} | {agentAnon / 1024:0.0} MiB | {keepalivedAnon / 1024:0.0} MiB | {Ratio(agentAnon, keepalivedAnon)} | {agentCpu:0.0} ms | {keepalivedCpu:0.0} ms | {Ratio(agentCpu, keepalivedCpu)} | {agentStart:0} ms | {keepalivedStart:0} ms |");
        }

        text.AppendLine();
        return Jitters(text, jitters);
    }

    private static string Jitters(StringBuilder text, IReadOnlyList<Jitter> jitters)
    {
        text.AppendLine("Send jitter at v3 advert_int 0.01 (|interval − 10 ms| between adverts captured on the peer over 10 s), each run.");
        text.AppendLine();
        text.AppendLine("| daemon | adverts | p50 | p99 | max |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var jitter in jitters)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {jitter.Daemon.Name} | {jitter.Adverts} | {jitter.P50Ms:0.000} ms | {jitter.P99Ms:0.000} ms | {jitter.MaxMs:0.000} ms |");
        }

        foreach (var daemon in jitters.Select(j => j.Daemon).Distinct().Where(_ => jitters.Count > 2))
        {
            var own = jitters.Where(j => j.Daemon == daemon).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {daemon.Name}, median of {own.Count} | {Median(own.Select(j => (double)j.Adverts)):0} | {Median(own.Select(j => j.P50Ms)):0.000} ms | {Median(own.Select(j => j.P99Ms)):0.000} ms | {Median(own.Select(j => j.MaxMs)):0.000} ms |");
        }

        return text.ToString();
    }

    private static string Ratio(double a, double b) =>
        b > 0 ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : a > 0 ? "∞" : "1.00";

    private static string Name(Scenario scenario) => scenario switch
    {
        Scenario.Sigterm => "SIGTERM of the master",
        Scenario.HostLoss => "host loss (cable pulled)",
        Scenario.Partition => "silent partition",
        _ => "partition heal",
    };

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string Controller(IReadOnlyList<ControllerRun> runs)
    {
        var text = new StringBuilder();
        var streams = runs[0].Streams;
        text.AppendLine(CultureInfo.InvariantCulture, $"Controller under {streams} simulated agent streams on PostgreSQL, median of {runs.Count} run(s) (no keepalived counterpart: it has no controller).");
        text.AppendLine();
        text.AppendLine("| figure | measured | target |");
        text.AppendLine("|---|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| state events stored per second (each acknowledged after commit) | {Median(runs.Select(r => r.EventsPerSecond)):0} | ≥ 10,000 |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| config push, PUT sent → config at the agent, p50 over {streams} nodes | {Median(runs.Select(r => ControllerBench.Percentile(r.PushMs, 0.5))):0} ms | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| config push, p99 | {Median(runs.Select(r => ControllerBench.Percentile(r.PushMs, 0.99))):0} ms | ≤ 2000 ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| every group changed at once: last node configured after | {Median(runs.Select(r => r.PushSweep.TotalMilliseconds)):0} ms | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| controller resident memory, idle with {streams} streams | {RssFormat.MiB((long)Median(runs.Select(r => (double)r.IdleRssKiB)))} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| controller resident memory, peak under load | {RssFormat.MiB((long)Median(runs.Select(r => (double)r.PeakRssKiB)))} | |");
        return text.ToString();
    }
}
