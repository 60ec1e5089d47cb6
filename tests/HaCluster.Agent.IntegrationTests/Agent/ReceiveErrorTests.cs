using System.Globalization;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>A VRRP socket that fails under a running agent: logged, counted, opened again, and the backup keeps hearing its master.</summary>
public class ReceiveErrorTests
{
    [SkippableFact]
    public async Task SocketShutDownUnderTheBackup_ReceiveErrorLoggedCountedReopened_NoFalseTakeover()
    {
        Privileges.RequireOrSkip("gdb attached to an agent in a namespace", "gdb");
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        var fd = VrrpSocketFd(n2.Process.Pid);
        var mark = n2.Process.OutputLength;

        // As a failing socket would: the backup's receive returns at once with nothing (shutdown of its raw socket, in
        // the process, by gdb). Before, the receive thread ended quietly and the backup took over at its Master_Down.
        var gdb = await Cmd.RunAsync("gdb", ["-p", n2.Process.Pid.ToString(CultureInfo.InvariantCulture), "-batch", "-ex", $"call (int)shutdown({fd}, 0)"], TimeSpan.FromSeconds(60));
        Assert.True(gdb.Succeeded, gdb.ToString());

        Assert.True(await n2.Process.WaitForOutputAsync("receive failed", Patience, mark), n2.Process.Output[mark..]);
        Assert.True(await n2.Process.WaitForOutputAsync("open again", Patience, mark), n2.Process.Output[mark..]);
        // Two Master_Down_Intervals of n2's real timer: had it stopped hearing n1, it would have taken over by now.
        await Task.Delay(2 * VrrpTimersForTests.Mdi100);
        Assert.Empty(n2.Transitions(since: mark));
        Assert.Empty(n1.Transitions(since: n1.Process.OutputLength));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        var metrics = await pair.Lab.ExecAsync(pair.N2, "curl", "-s", "http://127.0.0.1:9650/metrics");
        Assert.Contains("hacluster_receive_errors_total{interface=\"eth0\"} 1", metrics.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The agent's raw protocol-112 socket: its inode in the namespace's /proc/net/raw, then the fd pointing at it.</summary>
    private static int VrrpSocketFd(int pid)
    {
        var inodes = File.ReadAllLines($"/proc/{pid}/net/raw").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[1].EndsWith(":0070", StringComparison.Ordinal))
            .Select(f => f[9])
            .ToHashSet(StringComparer.Ordinal);
        return new DirectoryInfo($"/proc/{pid}/fd").GetFiles()
            .Where(f => f.LinkTarget is { } target && inodes.Contains(target.Replace("socket:[", "", StringComparison.Ordinal).TrimEnd(']')))
            .Select(f => int.Parse(f.Name, CultureInfo.InvariantCulture))
            .Single();
    }
}
