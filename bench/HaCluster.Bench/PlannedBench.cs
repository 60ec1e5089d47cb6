using System.Globalization;
using System.Text;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>How the master role is moved on purpose: HaCluster's switchover, or keepalived's usual ways.</summary>
internal enum PlannedWay
{
    /// <summary>The agents' make-before-break handoff: the configs as the controller renders a switchover to n2, applied by SIGHUP.</summary>
    Switchover,

    /// <summary>keepalived: stop the master (it sends priority 0 and lets the VIP go).</summary>
    Sigterm,

    /// <summary>keepalived: raise the backup's priority above the master's and reload it (it preempts).</summary>
    PriorityReload,
}

internal sealed record PlannedMeasurement(PlannedWay Way, Setting Setting, Daemon Daemon, TimeSpan Outage, int PingsSent, int PingsLost, TimeSpan Moved);

/// <summary>
/// A planned move of the VIP from n1 to n2, as a client sees it: the longest gap of a 2 ms ping (the outage) and the
/// pings lost of a 10 ms one. HaCluster's switchover next to keepalived's SIGTERM of the master and priority-change
/// reload, each in a fresh lab.
/// </summary>
internal static class PlannedBench
{
    private static readonly (Daemon Daemon, PlannedWay Way)[] Ways =
        [(Daemon.Agent, PlannedWay.Switchover), (Daemon.Keepalived, PlannedWay.Sigterm), (Daemon.Keepalived, PlannedWay.PriorityReload)];

    public static async Task<IReadOnlyList<PlannedMeasurement>> RunAsync(Setting setting, Action<string> log)
    {
        var results = new List<PlannedMeasurement>();
        foreach (var (daemon, way) in Ways)
        {
            await using var lab = await NetnsLab.CreateAsync(2);
            var (n1, n2) = await FailoverBench.SettleAsync(lab, daemon, setting);
            var (a, b) = (lab.Hosts[0], lab.Hosts[1]);
            var probe = await OutageProbe.StartAsync(lab, FailoverBench.Vip, "ping");
            var load = ClientLoad.Start(lab, FailoverBench.Vip, TimeSpan.FromSeconds(3 + (6 * setting.AdvertSeconds)));
            await Task.Delay(TimeSpan.FromSeconds(1));
            var asked = System.Diagnostics.Stopwatch.StartNew();
            switch (way)
            {
                case PlannedWay.Switchover:
                    // As the controller renders a switchover to n2: n2 raised just above n1, both told whom they hand over to.
                    Rewrite(lab, "n2", Chosen(FailoverBench.Config(lab, b, 101, setting), b));
                    Rewrite(lab, "n1", Chosen(FailoverBench.Config(lab, a, 100, setting), b));
                    n2.Signal(Signals.Hup);
                    n1.Signal(Signals.Hup);
                    break;
                case PlannedWay.Sigterm:
                    n1.Signal(Signals.Term);
                    break;
                case PlannedWay.PriorityReload:
                    Rewrite(lab, "n2", FailoverBench.Config(lab, b, 101, setting));
                    n2.Signal(Signals.Hup);
                    break;
            }

            await FailoverBench.WaitForAsync(() => lab.HasAddressAsync(b, FailoverBench.Vip), TimeSpan.FromSeconds(20));
            var moved = asked.Elapsed;
            await FailoverBench.WaitForAsync(async () => !await lab.HasAddressAsync(a, FailoverBench.Vip), TimeSpan.FromSeconds(20));
            var (sent, lost, _, _, _) = await load.ResultAsync();
            var outage = await probe.StopAsync();
            results.Add(new PlannedMeasurement(way, setting, daemon, outage, sent, lost, moved));
            log($"{daemon.Name} {setting.Label} {Name(way)}: on n2 after {moved.TotalMilliseconds:0} ms, outage {outage.TotalMilliseconds:0} ms, {lost} of {sent} pings lost");
        }

        return results;
    }

    public static string Markdown(IReadOnlyList<PlannedMeasurement> measurements, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Planned move of the VIP from n1 to n2, median of {runs} run(s): when the VIP is on n2 (from the request; `ip addr` polled every 20 ms),");
        text.AppendLine("the longest gap of a 2 ms ping (the outage; below 4 ms is ping noise) and the pings lost of a 10 ms one.");
        text.AppendLine();
        text.AppendLine("| way | setting | VIP on n2 after | outage | pings lost (10 ms) |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var group in measurements.GroupBy(m => (m.Way, m.Daemon, m.Setting.Label)))
        {
            var outage = Report.Median(group.Select(m => m.Outage.TotalMilliseconds));
            var lost = Report.Median(group.Select(m => (double)m.PingsLost));
            var moved = Report.Median(group.Select(m => m.Moved.TotalMilliseconds));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Name(group.Key.Way)} | {group.Key.Label} | {moved:0} ms | {outage:0} ms | {lost:0} of {Report.Median(group.Select(m => (double)m.PingsSent)):0} |");
        }

        return text.ToString();
    }

    private static string Name(PlannedWay way) => way switch
    {
        PlannedWay.Switchover => "HaCluster planned switchover",
        PlannedWay.Sigterm => "keepalived: SIGTERM of the master",
        _ => "keepalived: priority change + reload",
    };

    private static string Chosen(string config, LabHost primary) =>
        config.Replace("    priority ", $"    hacluster_primary {primary.Address}\n    hacluster_linger 0.3\n    priority ", StringComparison.Ordinal);

    private static void Rewrite(NetnsLab lab, string name, string config) => File.WriteAllText(Path.Combine(lab.WorkDir, $"{name}.conf"), config);
}
