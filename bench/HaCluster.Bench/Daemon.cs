using System.Globalization;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>One of the two VRRP daemons under comparison, started the same way in a lab host.</summary>
internal abstract record Daemon(string Name)
{
    public static readonly Daemon Agent = new AgentDaemon();
    public static readonly Daemon Keepalived = new KeepalivedDaemon();

    public abstract LabProcess Start(NetnsLab lab, LabHost host, string configText, string name);

    /// <summary>Resident memory of the daemon's processes (keepalived forks a VRRP child), in KiB.</summary>
    public static long ResidentKiB(LabProcess process)
    {
        var pids = new List<int> { process.Pid };
        pids.AddRange(Children(process.Pid));
        return pids.Sum(ReadRss);
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

    private static long ReadRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private sealed record AgentDaemon() : Daemon("hacluster-agent")
    {
        public override LabProcess Start(NetnsLab lab, LabHost host, string configText, string name)
        {
            var path = Path.Combine(lab.WorkDir, $"{name}.conf");
            File.WriteAllText(path, configText);
            var agent = Path.Combine(AppContext.BaseDirectory, "hacluster-agent.dll");
            return lab.Start(host, "dotnet", [agent, "--config", path], name);
        }
    }

    private sealed record KeepalivedDaemon() : Daemon("keepalived")
    {
        public override LabProcess Start(NetnsLab lab, LabHost host, string configText, string name) =>
            TestSupport.Keepalived.Start(lab, host, configText, name).Process;
    }
}
