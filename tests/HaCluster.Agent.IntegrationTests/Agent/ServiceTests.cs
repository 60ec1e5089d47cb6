using System.Net.Sockets;
using System.Text;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>
/// Running as a service: the systemd units as systemd itself reads them, and the agent's Type=notify protocol on a real
/// notify socket (READY=1 once its instances run, STOPPING=1 on SIGTERM). No systemd runs here as PID 1, so the agent is
/// started the way the Systemd hosting package recognises a service: as the child of a process named systemd, with
/// NOTIFY_SOCKET set.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ServiceTests
{
    [SkippableTheory]
    [InlineData("hacluster-agent.service", "/usr/local/bin/hacluster-agent")]
    [InlineData("hacluster-controller.service", "/usr/bin/dotnet")]
    [InlineData("hacluster-dashboard.service", "/usr/bin/dotnet")]
    public async Task Unit_IsValidForSystemd(string unit, string program)
    {
        Privileges.RequireToolsOrSkip("checking the systemd units", "systemd-analyze");
        var dir = Directory.CreateTempSubdirectory("hacluster-unit-").FullName;
        try
        {
            // Only the program's path is made to exist here; every directive is checked as written.
            var standIn = Path.Combine(dir, Path.GetFileName(program));
            await File.WriteAllTextAsync(standIn, "#!/bin/sh\n");
            File.SetUnixFileMode(standIn, (UnixFileMode)0b111_101_101);
            var text = (await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", unit))).Replace(program, standIn, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, unit), text);

            var verify = await Cmd.RunAsync("systemd-analyze", "verify", Path.Combine(dir, unit));

            // systemd-analyze exits 0 on directives it ignores; it names them on stderr.
            Assert.True(verify.Succeeded, verify.ToString());
            Assert.Equal("", (verify.Stdout + verify.Stderr).Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AgentUnit_IsTypeNotify_NonRoot_WithExactlyTheNetworkAndRealtimeCapabilities_RestartedOnFailure()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "systemd", "hacluster-agent.service"))
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .ToLookup(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        Assert.Equal(["notify"], lines["Type"]);
        Assert.Equal(["hacluster"], lines["User"]);
        // Raw IP and packet sockets, netlink; real-time scheduling and locked memory for sub-second VRRP (issue 17).
        Assert.Equal(["CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_NICE CAP_IPC_LOCK"], lines["AmbientCapabilities"]);
        Assert.Equal(["CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_NICE CAP_IPC_LOCK"], lines["CapabilityBoundingSet"]);
        Assert.Equal(["no"], lines["RestrictRealtime"]);
        Assert.Empty(lines["LimitRTPRIO"]); // a limit would reach the scripts; the capability is dropped for them
        Assert.Equal(["on-failure"], lines["Restart"]);
        Assert.Equal(["/bin/kill -HUP $MAINPID"], lines["ExecReload"]);
    }

    /// <summary>systemd's own rating of each unit (lower is better; "OK" is below 3.9): the web processes at most 2.5.</summary>
    [SkippableTheory]
    [InlineData("hacluster-controller.service", 2.5)]
    [InlineData("hacluster-dashboard.service", 2.5)]
    [InlineData("hacluster-agent.service", 2.5)]
    public async Task Unit_ExposureAsSystemdRatesIt_AtMostItsLimit(string unit, double limit)
    {
        Privileges.RequireToolsOrSkip("rating the systemd units", "systemd-analyze");
        var rating = await Cmd.RunAsync("systemd-analyze", "security", "--offline=true", Path.Combine(Repository.Root, "deploy", "systemd", unit));

        var line = rating.Stdout.Split('\n').Single(l => l.Contains("Overall exposure level", StringComparison.Ordinal));
        var exposure = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @": (\d+\.\d)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(exposure <= limit, line);
    }

    [Fact]
    public void Units_KeepTheirStateOwnerOnly()
    {
        foreach (var unit in new[] { "hacluster-agent.service", "hacluster-controller.service", "hacluster-dashboard.service" })
        {
            var lines = File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "systemd", unit));
            Assert.Contains("StateDirectoryMode=0700", lines);
            Assert.Contains("UMask=0077", lines);
        }
    }

    /// <summary>What ships says https (or a Unix socket) everywhere, and compose publishes nothing beyond loopback by default.</summary>
    [Fact]
    public void Deploy_TlsOnly_AndComposePublishesOnLoopbackOnly()
    {
        string[] shipped = ["docker-compose.yml", "deploy/Dockerfile", "deploy/demo-lab.sh", "deploy/systemd/hacluster-agent.service", "deploy/systemd/hacluster-controller.service",
            "deploy/systemd/hacluster-dashboard.service"];
        foreach (var file in shipped)
        {
            var text = File.ReadAllText(Path.Combine(Repository.Root, file));
            // The dashboard's own page is the one plain-http listener (loopback; sign-in comes with issue 13).
            Assert.DoesNotMatch(@"http://(?!127\.0\.0\.1:5090)", text);
        }

        var ports = File.ReadAllLines(Path.Combine(Repository.Root, "docker-compose.yml"))
            .Select(l => l.Trim()).Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^- ""[\d.:]+""")).ToList();
        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.StartsWith("- \"127.0.0.1:", p, StringComparison.Ordinal));
    }

    /// <summary>The container runs as a non-root user; compose has no password in it (a .env file that is not committed has it).</summary>
    [Fact]
    public void Container_NotRoot_ComposeHoldsNoPassword()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "Dockerfile"));
        var compose = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.yml"));
        var ignored = File.ReadAllLines(Path.Combine(Repository.Root, ".gitignore"));

        Assert.Equal("USER $APP_UID", dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.DoesNotMatch(@"PASSWORD:\s*[A-Za-z0-9]", compose);
        Assert.DoesNotMatch(@"Password=[A-Za-z0-9]", compose);
        Assert.Contains("${HACLUSTER_DB_PASSWORD:?", compose, StringComparison.Ordinal);
        Assert.Contains(".env", ignored);
    }

    [SkippableFact]
    public async Task UnderSystemd_ReadyOnceRunning_StoppingOnSigterm()
    {
        await using var pair = await CreateAsync();
        var socketPath = Path.Combine(pair.Lab.WorkDir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var systemd = Path.Combine(pair.Lab.WorkDir, "systemd");
        await File.WriteAllTextAsync(systemd, $"#!/bin/sh\nexport NOTIFY_SOCKET={socketPath}\n\"$@\"\n");
        File.SetUnixFileMode(systemd, (UnixFileMode)0b111_101_101);
        var config = Path.Combine(pair.Lab.WorkDir, "agent-systemd.conf");
        await File.WriteAllTextAsync(config, Keepalived.Config(pair.N1.Name, pair.Instance(pair.N1, 100)));

        var wrapper = pair.Lab.Start(pair.N1, systemd, ["dotnet", AgentProcess.AgentDll, "--config", config], "agent-systemd");

        var ready = await ReceiveAsync(notify);
        Assert.Contains("READY=1", ready.Split('\n'));
        // Ready means running: its instance has been started (it enters BACKUP, then MASTER alone on the LAN).
        Assert.True(await wrapper.WaitForOutputAsync("to=MASTER", Patience), wrapper.Output);

        var agent = await ChildOfAsync(wrapper.Pid);
        Assert.True((await Cmd.RunAsync("kill", "-TERM", agent.ToString(System.Globalization.CultureInfo.InvariantCulture))).Succeeded);
        var stopping = await ReceiveAsync(notify);
        Assert.Contains("STOPPING=1", stopping.Split('\n'));
        Assert.True(await wrapper.WaitForExitAsync(Patience));
        Assert.Equal(0, wrapper.ExitCode);
        Assert.Contains("from=MASTER to=STOP reason=shutdown", wrapper.Output);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static async Task<int> ChildOfAsync(int parent)
    {
        var children = await Cmd.RunAsync("pgrep", "-P", parent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(children.Succeeded, $"no child of {parent}: {children}");
        return int.Parse(children.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
