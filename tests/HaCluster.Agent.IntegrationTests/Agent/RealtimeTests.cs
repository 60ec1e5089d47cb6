using System.Globalization;
using HaCluster.Shared.Config;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>
/// Real-time VRRP: what the systemd unit grants is enough for an unprivileged agent to run its engine thread (which
/// also reads the VRRP sockets) SCHED_RR with its memory locked; without it the agent says why once and runs on.
/// </summary>
public class RealtimeTests
{
    private const int SchedOther = 0;
    private const int SchedRr = 2;

    /// <summary>
    /// An unprivileged agent with exactly the capabilities the shipped unit grants (its AmbientCapabilities line), an
    /// RLIMIT_RTPRIO of 0 and an RLIMIT_MEMLOCK of 8 MiB: 10 ms adverts run real-time with memory locked, by default.
    /// </summary>
    [SkippableFact]
    public async Task SubSecondAdverts_WithTheUnitsCapabilities_TheEngineSchedRr_NothingElse_MemoryLocked()
    {
        Privileges.RequireOrSkip("an unprivileged agent with the unit's capabilities", "setpriv", "prlimit");
        await using var pair = await CreateAsync();
        using var shared = new SharedDir();
        var config = shared.Write("n1.conf", Keepalived.Config("n1", pair.Instance(pair.N1, 100, version: 3, advertSeconds: 0.01)));

        await using var agent = AgentProcess.StartWrapped(pair.Lab, pair.N1, config, "agent-rt",
            ["prlimit", "--rtprio=0", "--memlock=8388608", "--", .. Nobody(UnitCapabilities())]);

        Assert.True(await agent.WaitForStateAsync("MASTER", Patience), agent.Process.Output);
        var threads = Threads(agent.Process.Pid);
        Assert.Equal((SchedRr, RealtimeDefaults.Priority), threads["vrrp-engine"]);
        // The engine reads the VRRP socket itself (no receive thread), and nothing else is real-time.
        Assert.DoesNotContain(threads.Keys, name => name.StartsWith("vrrp-rx", StringComparison.Ordinal));
        Assert.All(threads.Where(t => t.Key != "vrrp-engine"), t => Assert.Equal(SchedOther, t.Value.Policy));
        Assert.Contains($"VRRP engine scheduling: SCHED_RR priority {RealtimeDefaults.Priority} (RLIMIT_RTTIME 1000000 µs), as instances advertise faster than once a second; memory locked", agent.Process.Output);
        Assert.True(LockedKiB(agent.Process.Pid) > 0, "VmLck is 0");
        Assert.DoesNotContain("not real-time", agent.Process.Output);
        // Hard: the limit; soft: half of it, or more — the kernel adds a second to it each time it sends SIGXCPU.
        var (soft, hard) = RtTimeLimit(agent.Process.Pid);
        Assert.Equal(1_000_000, hard);
        Assert.True(soft >= 500_000, $"soft RLIMIT_RTTIME {soft}");
    }

    /// <summary>The network capabilities only, no RLIMIT_RTPRIO, a small RLIMIT_MEMLOCK: said once each, with what to grant; the agent runs on and wins.</summary>
    [SkippableFact]
    public async Task WithoutTheGrants_SaysOnceWhatToGrant_AndRunsOnAtNormalPriority()
    {
        Privileges.RequireOrSkip("an unprivileged agent without the unit's limits", "setpriv", "prlimit");
        await using var pair = await CreateAsync();
        using var shared = new SharedDir();
        var config = shared.Write("n1.conf", Keepalived.Config("n1", pair.Instance(pair.N1, 100, version: 3, advertSeconds: 0.01)));

        await using var agent = AgentProcess.StartWrapped(pair.Lab, pair.N1, config, "agent-nort",
            ["prlimit", "--rtprio=0", "--memlock=8388608", "--", .. Nobody("net_raw,net_admin")]);

        Assert.True(await agent.WaitForStateAsync("MASTER", Patience), agent.Process.Output);
        var output = agent.Process.Output;
        Assert.Equal(1, Count(output, "VRRP engine not real-time: sched_setscheduler(SCHED_RR, 50): Operation not permitted. It needs CAP_SYS_NICE (not held) or LimitRTPRIO=50 (RLIMIT_RTPRIO is 0)"));
        Assert.Equal(1, Count(output, "VRRP engine: locking memory (vrrp_no_swap) not done: neither CAP_IPC_LOCK nor an unlimited RLIMIT_MEMLOCK"));
        Assert.Contains("deploy/systemd/hacluster-agent.service", output, StringComparison.Ordinal);
        Assert.All(Threads(agent.Process.Pid), t => Assert.Equal((SchedOther, 0), t.Value));
    }

    /// <summary>1 s adverts and nothing in global_defs: nothing asked of the scheduler, as keepalived; vrrp_rt_priority asks for it.</summary>
    [SkippableFact]
    public async Task OneSecondAdverts_NormalScheduling_UnlessVrrpRtPriorityAndCpuAffinitySayOtherwise()
    {
        await using var pair = await CreateAsync();
        await using var plain = pair.StartAgent(pair.N1, pair.Instance(pair.N1, 100));
        Assert.True(await plain.WaitForStateAsync("BACKUP", Patience));
        Assert.Equal((SchedOther, 0), Threads(plain.Process.Pid)["vrrp-engine"]);
        Assert.Equal(0, LockedKiB(plain.Process.Pid));

        var configured = Keepalived.Config("n2", pair.Instance(pair.N2, 80))
            .Replace("global_defs {\n", "global_defs {\n    vrrp_rt_priority 20\n    vrrp_no_swap\n    vrrp_cpu_affinity 0\n", StringComparison.Ordinal);
        await using var asked = AgentProcess.Start(pair.Lab, pair.N2, configured);
        Assert.True(await asked.WaitForStateAsync("BACKUP", Patience));
        Assert.Equal((SchedRr, 20), Threads(asked.Process.Pid)["vrrp-engine"]);
        Assert.True(LockedKiB(asked.Process.Pid) > 0);
        Assert.Equal("0", (await Cmd.RunAsync("taskset", "-cp", Tid(asked.Process.Pid, "vrrp-engine"))).Stdout.Trim().Split(": ")[^1]);
    }

    /// <summary>setpriv as nobody with <paramref name="capabilities"/> (comma-separated, without CAP_) ambient, as systemd gives AmbientCapabilities.</summary>
    private static string[] Nobody(string capabilities)
    {
        var plus = string.Join(',', capabilities.Split(',').Select(c => "+" + c));
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", $"--inh-caps={plus}", $"--ambient-caps={plus}"];
    }

    /// <summary>The shipped unit's AmbientCapabilities, in setpriv's words (cap_net_raw → net_raw).</summary>
    private static string UnitCapabilities() =>
        string.Join(',', File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "systemd", "hacluster-agent.service"))
            .Single(l => l.StartsWith("AmbientCapabilities=", StringComparison.Ordinal))["AmbientCapabilities=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c.ToLowerInvariant().Replace("cap_", "", StringComparison.Ordinal)));

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    /// <summary>Each thread of <paramref name="pid"/> by name: its policy and real-time priority (/proc/PID/task/TID/stat fields 41 and 40).</summary>
    internal static Dictionary<string, (int Policy, int Priority)> Threads(int pid)
    {
        var threads = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            threads[name] = (int.Parse(fields[38], CultureInfo.InvariantCulture), int.Parse(fields[37], CultureInfo.InvariantCulture));
        }

        return threads;
    }

    private static string Tid(int pid, string name) =>
        Path.GetFileName(Directory.GetDirectories($"/proc/{pid}/task").First(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == name));

    private static long LockedKiB(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmLck:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>The soft and hard RLIMIT_RTTIME of <paramref name="pid"/>, in µs.</summary>
    private static (long Soft, long Hard) RtTimeLimit(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max realtime timeout", StringComparison.Ordinal));
        var parts = line["Max realtime timeout".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A directory an unprivileged agent can read its config from.</summary>
    private sealed class SharedDir : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("hc-rt-").FullName;

        public SharedDir() => File.SetUnixFileMode(_path, (UnixFileMode)0b111_101_101);

        public string Write(string name, string text)
        {
            var path = Path.Combine(_path, name);
            File.WriteAllText(path, text);
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
            return path;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
