using System.Globalization;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>One of the two VRRP daemons under comparison, started the same way in a lab host.</summary>
internal abstract record Daemon(string Name)
{
    /// <summary>The agent as built next to the bench, or the binary given with --agent (e.g. the NativeAOT publish).</summary>
    public static Daemon Agent { get; set; } = new AgentDaemon(null);
    public static readonly Daemon Keepalived = new KeepalivedDaemon();

    /// <summary>keepalived 2.4.3 (auth_hmac), from ../shared/peers/keepalived-2.4.</summary>
    public static readonly Daemon Keepalived24 = new Keepalived24Daemon();

    public abstract LabProcess Start(NetnsLab lab, LabHost host, string configText, string name);

    /// <summary>Resident memory of the daemon's processes (keepalived forks a VRRP child), in KiB.</summary>
    public static long ResidentKiB(LabProcess process) => Tree(process).Sum(pid => ReadKiB($"/proc/{pid}/status", "VmRSS:"));

    /// <summary>
    /// Anonymous memory of the daemon's processes, proportionally (Pss_Anon): pages a forked child still shares with
    /// its parent count once, not twice. In KiB.
    /// </summary>
    public static long AnonymousKiB(LabProcess process) => Tree(process).Sum(pid => ReadKiB($"/proc/{pid}/smaps_rollup", "Pss_Anon:"));

    /// <summary>
    /// CPU time used so far by the daemon's processes: the scheduler's per-thread run time (nanoseconds, from
    /// /proc/PID/task/TID/sched) where the kernel exposes it, else user + system in 10 ms clock ticks — too coarse for
    /// an idle daemon, whose 60 s may be one or two ticks.
    /// </summary>
    public static TimeSpan CpuTime(LabProcess process)
    {
        var pids = Tree(process);
        return pids.Select(ReadRunTime).ToList() is var runTimes && runTimes.All(t => t is not null)
            ? TimeSpan.FromTicks(runTimes.Sum(t => t!.Value.Ticks))
            : TimeSpan.FromSeconds(pids.Sum(ReadCpuTicks) / 100.0);
    }

    /// <summary>Run time so far of each thread of the daemon's processes, by thread name (comm; same names summed), in ms.</summary>
    public static Dictionary<string, double> ThreadTimes(LabProcess process)
    {
        var times = new Dictionary<string, double>();
        foreach (var pid in Tree(process))
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    var line = File.ReadLines(Path.Combine(task, "sched")).FirstOrDefault(l => l.StartsWith("se.sum_exec_runtime", StringComparison.Ordinal));
                    if (line is not null && double.TryParse(line[(line.IndexOf(':') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                    {
                        times[name] = times.GetValueOrDefault(name) + ms;
                    }
                }
            }
            catch (IOException)
            {
                // a thread or process gone meanwhile
            }
        }

        return times;
    }

    private static TimeSpan? ReadRunTime(int pid)
    {
        try
        {
            var total = 0.0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                // "se.sum_exec_runtime                          :           232.236577" (milliseconds)
                var line = File.ReadLines(Path.Combine(task, "sched")).FirstOrDefault(l => l.StartsWith("se.sum_exec_runtime", StringComparison.Ordinal));
                if (line is null || !double.TryParse(line[(line.IndexOf(':') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                {
                    return null;
                }

                total += ms;
            }

            return TimeSpan.FromMilliseconds(total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static List<int> Tree(LabProcess process) => [process.Pid, .. Children(process.Pid)];

    private static long ReadCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        if (!File.Exists(path))
        {
            return [];
        }

        var direct = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        return direct.Concat(direct.SelectMany(Children));
    }

    private static long ReadKiB(string path, string field)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static Daemon NativeAgent(string binary) => new AgentDaemon(Path.GetFullPath(binary));

    private sealed record AgentDaemon(string? Binary) : Daemon("hacluster-agent")
    {
        public override LabProcess Start(NetnsLab lab, LabHost host, string configText, string name)
        {
            var path = Path.Combine(lab.WorkDir, $"{name}.conf");
            File.WriteAllText(path, configText);
            return Binary is not null
                ? lab.Start(host, Binary, ["--config", path], name)
                : lab.Start(host, "dotnet", [Path.Combine(AppContext.BaseDirectory, "hacluster-agent.dll"), "--config", path], name);
        }
    }

    private sealed record Keepalived24Daemon() : Daemon("keepalived 2.4.3")
    {
        public override LabProcess Start(NetnsLab lab, LabHost host, string configText, string name) =>
            TestSupport.Keepalived.Start24(lab, host, configText, name).Process;
    }

    private sealed record KeepalivedDaemon() : Daemon("keepalived")
    {
        public override LabProcess Start(NetnsLab lab, LabHost host, string configText, string name) =>
            TestSupport.Keepalived.Start(lab, host, configText, name).Process;
    }
}
