using System.Net;
using HaCluster.TestSupport;
using Xunit.Abstractions;

namespace HaCluster.Agent.IntegrationTests.Lab;

public sealed class NetnsLabTests(ITestOutputHelper output)
{
    private async Task<NetnsLab> CreateLabAsync(int hosts)
    {
        Privileges.RequireOrSkip("NetnsLab smoke test");
        return await NetnsLab.CreateAsync(hosts, log: output.WriteLine);
    }

    [SkippableFact]
    public async Task Create_ThreeHosts_AddressedAsDocumentedAndAllReachEachOther()
    {
        await using var lab = await CreateLabAsync(3);

        Assert.Matches("^[0-9a-f]{5}$", lab.Id);
        Assert.Equal(["n1", "n2", "n3"], lab.Hosts.Select(h => h.Name));
        Assert.Equal($"hc{lab.Id}n1", lab.Hosts[0].Namespace);
        Assert.Equal(IPAddress.Parse("192.0.2.12"), lab.Hosts[2].Address);
        Assert.Equal("02:00:c0:00:02:0a", lab.Hosts[0].Mac);
        Assert.Equal(IPAddress.Parse("192.0.2.50"), lab.Client.Address);
        Assert.Equal(["192.0.2.10/24"], await lab.AddressesAsync(lab.Hosts[0]));
        var link = await lab.ExecAsync(lab.Hosts[0], "ip", "-o", "link", "show", "eth0");
        Assert.Contains("02:00:c0:00:02:0a", link.EnsureSuccess().Stdout, StringComparison.Ordinal);
        foreach (var from in lab.Hosts.Append(lab.Client))
        {
            foreach (var to in lab.Hosts.Append(lab.Client).Where(h => h != from))
                Assert.True(await lab.PingAsync(from, to.Address), $"{from} cannot ping {to}");
        }
    }

    [SkippableFact]
    public async Task Create_OtherSubnetWithoutClient_UsesThatSubnet()
    {
        Privileges.RequireOrSkip("NetnsLab smoke test");
        await using var lab = await NetnsLab.CreateAsync(1, "203.0.113", withClient: false, log: output.WriteLine);

        Assert.Equal(IPAddress.Parse("203.0.113.10"), lab.Hosts[0].Address);
        Assert.Throws<InvalidOperationException>(() => lab.Client);
        await Assert.ThrowsAsync<ArgumentException>(() => NetnsLab.CreateAsync(1, "10.0.0"));
    }

    [SkippableFact]
    public async Task DisposeAsync_WithRunningProcess_KillsItAndRemovesEveryNamespace()
    {
        var lab = await CreateLabAsync(2);
        var sleeper = lab.Start(lab.Hosts[0], "sleep", ["300"], "sleeper");
        Assert.Equal(4, (await OwnNamespacesAsync(lab.Id)).Count);

        await lab.DisposeAsync();

        Assert.True(sleeper.HasExited);
        Assert.Empty(await OwnNamespacesAsync(lab.Id));
        Assert.True(File.Exists(Path.Combine(lab.WorkDir, "sleeper.log")));
        Assert.True(File.Exists(Path.Combine(lab.WorkDir, "state.txt")));
        await lab.DisposeAsync();
    }

    [SkippableFact]
    public async Task CleanupStale_RemovesOrphanedLabNamespacesOnly()
    {
        await using var lab = await CreateLabAsync(1);
        var orphan = $"hc{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..5]}n1";
        var bystander = $"{orphan}x";
        await Cmd.RunAsync("ip", "netns", "add", orphan);
        await Cmd.RunAsync("ip", "netns", "add", bystander);
        try
        {
            await NetnsLab.CleanupStaleAsync();

            var left = await NamespacesAsync();
            Assert.DoesNotContain(orphan, left);
            Assert.Contains(bystander, left);
            Assert.Equal(3, (await OwnNamespacesAsync(lab.Id)).Count);
        }
        finally
        {
            await Cmd.RunAsync("ip", "netns", "del", bystander);
            await Cmd.RunAsync("ip", "netns", "del", orphan);
        }
    }

    [SkippableFact]
    public async Task Start_ProcessIsTheTargetItselfInTheNamespace_SignalsReachIt()
    {
        await using var lab = await CreateLabAsync(1);
        var host = lab.Hosts[0];

        var sleeper = lab.Start(host, "sleep", ["300"], "sleeper");

        Assert.Equal("sleep", (await File.ReadAllTextAsync($"/proc/{sleeper.Pid}/comm")).Trim());
        var inode = await Cmd.RunAsync("stat", "-L", "-c", "%i", $"/proc/{sleeper.Pid}/ns/net", $"/run/netns/{host.Namespace}");
        var inodes = inode.EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(inodes[1], inodes[0]);
        Assert.True(sleeper.Signal(Signals.Term));
        Assert.True(await sleeper.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(128 + Signals.Term, sleeper.ExitCode);
    }

    [SkippableFact]
    public async Task LabProcess_Output_IsCapturedInMemoryAndInTheLog()
    {
        await using var lab = await CreateLabAsync(1);

        var shell = lab.Start(lab.Hosts[0], "sh", ["-c", "echo out; echo err >&2; sleep 0.2; echo late; exec sleep 300"], "shell");

        Assert.True(await shell.WaitForOutputAsync("late", TimeSpan.FromSeconds(5)));
        Assert.Contains("err", shell.Output, StringComparison.Ordinal);
        Assert.False(await shell.WaitForOutputAsync("out", TimeSpan.FromMilliseconds(100), since: shell.OutputLength));
        Assert.Equal(143, await shell.StopAsync());
        Assert.Contains("late", await File.ReadAllTextAsync(shell.LogPath), StringComparison.Ordinal);
        var quick = lab.Start(lab.Hosts[0], "true", [], "quick");
        Assert.False(await quick.WaitForOutputAsync("never", TimeSpan.FromSeconds(5)));
        Assert.Equal(0, quick.ExitCode);
    }

    [SkippableFact]
    public async Task ExecAsync_Timeout_KillsAndReportsTimedOut()
    {
        await using var lab = await CreateLabAsync(1);

        var result = await lab.ExecAsync(lab.Hosts[0].Namespace, TimeSpan.FromMilliseconds(300), "sleep", "30");

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
    }

    private static async Task<IReadOnlyList<string>> OwnNamespacesAsync(string id) =>
        (await NamespacesAsync()).Where(ns => ns.StartsWith($"hc{id}", StringComparison.Ordinal)).ToList();

    private static async Task<IReadOnlyList<string>> NamespacesAsync() =>
        (await Cmd.RunAsync("ip", "netns", "list")).EnsureSuccess().Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
}
