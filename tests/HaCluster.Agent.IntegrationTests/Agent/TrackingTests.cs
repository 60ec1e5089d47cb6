using HaCluster.Agent.Vrrp;
using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>keepalived's tracking in real agents: scripts, interfaces, weights, with a haproxy stand-in that stops.</summary>
public class TrackingTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Mdi80 = VrrpTimers.MasterDownInterval(2, 80, Second);

    [SkippableFact]
    public async Task FailingTrackScript_MovesTheVip_AndRiseBringsItBack()
    {
        await using var pair = await CreateAsync();
        var service = Path.Combine(pair.Lab.WorkDir, "haproxy-n1.up");
        await File.WriteAllTextAsync(service, "up");
        var script = $"vrrp_script chk_haproxy {{\n    script \"test -f {service}\"\n    interval 1\n    fall 2\n    rise 2\n}}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        chk_haproxy\n    }");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));
        await pair.AssertAnswersAsync(pair.N1, Patience);

        File.Delete(service); // the haproxy stand-in stops
        await pair.AssertAnswersAsync(pair.N2, (2 * Second) + Mdi80 + Second);
        Assert.Matches("from=MASTER to=FAULT reason=tracking_failed", n1.Process.Output);

        await File.WriteAllTextAsync(service, "up");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, since: n1.Process.Output.LastIndexOf("to=FAULT", StringComparison.Ordinal)));
        Assert.Matches("from=FAULT to=BACKUP reason=tracking_recovered", n1.Process.Output);
        await pair.AssertAnswersAsync(pair.N1, Patience);
    }

    [SkippableFact]
    public async Task NegativeWeight_LowersPriorityBelowThePeer_WhichPreempts()
    {
        await using var pair = await CreateAsync();
        var flag = Path.Combine(pair.Lab.WorkDir, "n1-healthy");
        await File.WriteAllTextAsync(flag, "1");
        var script = $"vrrp_script chk {{\n    script \"test -f {flag}\"\n    interval 1\n    weight -30\n}}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        chk\n    }");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));

        File.Delete(flag);
        await pair.AssertAnswersAsync(pair.N2, Second + Mdi80 + Second);
        // The client can follow n2's GARPs a moment before n1 has handled n2's advert and logged its step-down.
        Assert.True(await n1.Process.WaitForOutputAsync("from=MASTER to=BACKUP", Patience), n1.Process.Output);
        Assert.Matches("from=MASTER to=BACKUP reason=higher_priority_heard priority=70", n1.Process.Output);
        var status = await pair.Lab.ExecAsync(pair.N1, "dotnet", AgentProcess.AgentDll, "status");
        Assert.Matches(@"VI_1\s+eth0\s+27\s+BACKUP\s+70 \(base 100\)\s+192\.0\.2\.11", status.Stdout);

        // The same as JSON, for scripts: one object per instance.
        var json = await pair.Lab.ExecAsync(pair.N1, "dotnet", AgentProcess.AgentDll, "status", "--json");
        var instance = System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal(("VI_1", "eth0", 27, "BACKUP"), (instance.GetProperty("instance").GetString(), instance.GetProperty("interface").GetString(),
            instance.GetProperty("vrid").GetInt32(), instance.GetProperty("state").GetString()));
        Assert.Equal((70, 100, "192.0.2.11"), (instance.GetProperty("priority").GetInt32(), instance.GetProperty("basePriority").GetInt32(), instance.GetProperty("master").GetString()));
        Assert.Equal(("MASTER -> BACKUP", "higher_priority_heard"), (instance.GetProperty("lastTransition").GetString(), instance.GetProperty("reason").GetString()));
    }

    [SkippableFact]
    public async Task TrackFile_ValueTimesWeight_MovesTheElection()
    {
        await using var pair = await CreateAsync();
        var file = Path.Combine(pair.Lab.WorkDir, "n1.weight");
        var block = $"vrrp_track_file penalty {{\n    file {file}\n    weight -10\n    init_file 0\n}}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, block, "track_file {\n        penalty\n    }");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        Assert.Equal("0", (await File.ReadAllTextAsync(file)).Trim()); // init_file created it
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));

        await File.WriteAllTextAsync(file, "3\n"); // 100 + 3 x -10 = 70 < 80
        await pair.AssertAnswersAsync(pair.N2, (2 * Second) + Mdi80 + Second);
        Assert.Contains("hacluster_effective_priority{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 70", await Metrics(pair, pair.N1));

        await File.WriteAllTextAsync(file, "0\n");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, since: n1.Process.Output.LastIndexOf("to=BACKUP", StringComparison.Ordinal)));
        await pair.AssertAnswersAsync(pair.N1, Patience);
    }

    [SkippableFact]
    public async Task TrackedInterfaceDown_FaultsTheInstance_PeerTakesOver()
    {
        await using var pair = await CreateAsync();
        await pair.Lab.ExecAsync(pair.N1, "ip", "link", "add", "uplink", "type", "veth", "peer", "name", "uplinkp");
        await pair.Lab.ExecAsync(pair.N1, "ip", "link", "set", "uplinkp", "up");
        await pair.Lab.ExecAsync(pair.N1, "ip", "link", "set", "uplink", "up");
        await using var n1 = StartTracked(pair, pair.N1, 100, "", "track_interface {\n        uplink\n    }");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience));

        await pair.Lab.ExecAsync(pair.N1, "ip", "link", "set", "uplinkp", "down");
        Assert.True(await n1.WaitForStateAsync("FAULT", Patience));
        await pair.AssertAnswersAsync(pair.N2, Second + Second);
    }

    [SkippableFact]
    public async Task HungScript_IsKilledAtItsTimeout_AndNeverDelaysAdverts()
    {
        await using var pair = await CreateAsync();
        var script = "vrrp_script hang {\n    script \"sleep 100\"\n    interval 1\n    timeout 2\n    weight -5\n}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        hang\n    }");
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "ip proto 112");
        await Task.Delay(6 * Second); // waits for six seconds of adverts and hung script runs, captured

        var gaps = Gaps(await capture.DecodeAsync("-tt"));
        Assert.True(gaps.Count >= 4);
        Assert.All(gaps, gap => Assert.InRange(gap, 0.0, 1.5));
        Assert.Contains("vrrp_script hang (sleep 100): timed out after 2 s and was killed", n1.Process.Output);

        // Never piled up: at most one instance of the script at any time.
        var processes = await pair.Lab.ExecAsync(pair.N1, "pgrep", "-fc", "^sleep 100$");
        Assert.InRange(int.Parse(processes.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture), 0, 1);

        var metrics = await Metrics(pair, pair.N1);
        Assert.Contains("hacluster_script_status{name=\"hang\"} 0", metrics);
        Assert.Matches(@"hacluster_script_timeouts_total\{name=""hang""\} [1-9]", metrics);
        Assert.Contains("hacluster_vrrp_state{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 2", metrics);
        Assert.Contains("hacluster_effective_priority{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 95", metrics);
        Assert.Contains("hacluster_base_priority{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 100", metrics);

        // Garbage on the metrics port gets a 400 and costs the agent nothing.
        var garbage = await pair.Lab.ExecAsync(pair.N1, "sh", "-c", "printf 'BREW /pot HTCPCP/1.0\\r\\n\\r\\n' | socat -t 2 - TCP:127.0.0.1:9650");
        Assert.StartsWith("HTTP/1.0 400 Bad Request", garbage.Stdout);
        Assert.False(n1.Process.HasExited);
    }

    [SkippableFact]
    public async Task ScriptFailingFromTheStart_FaultsAtItsFirstResult_NeverTakesTheVip()
    {
        await using var pair = await CreateAsync();
        // fall 5 at interval 1 would take 5 s, longer than the 3.6 s Master_Down_Interval of an instance alone: as in
        // keepalived, the first result decides at once, so the node never becomes master for a moment.
        var script = "vrrp_script chk_haproxy {\n    script \"false\"\n    interval 1\n    fall 5\n}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        chk_haproxy\n    }");
        Assert.True(await n1.WaitForStateAsync("FAULT", Patience));
        Assert.Matches("from=INIT to=FAULT reason=tracking_failed", n1.Process.Output);

        await using var n2 = pair.StartAgent(pair.N2, pair.Instance(pair.N2, 80));
        await pair.AssertAnswersAsync(pair.N2, Patience);
        await Task.Delay(6 * Second); // waits for six seconds of the agent's failing script: it must never take the VIP
        Assert.DoesNotMatch("to=(BACKUP|MASTER)", n1.Process.Output);
        await pair.AssertHoldsVipAsync(pair.N1, holds: false);
    }

    [SkippableFact]
    public async Task InitFail_StartsInFaultWithoutPassingBackup_AndRiseBringsItIn()
    {
        await using var pair = await CreateAsync();
        var script = "vrrp_script chk {\n    script \"true\"\n    interval 1\n    rise 2\n    init_fail\n}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        chk\n    }");

        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        var transitions = n1.Process.Output.Split('\n').Where(l => l.Contains("VRRP transition", StringComparison.Ordinal)).ToList();
        Assert.Matches("from=INIT to=FAULT reason=tracking_failed", transitions[0]);
        Assert.Matches("from=FAULT to=BACKUP reason=tracking_recovered", transitions[1]);
        Assert.Matches("from=BACKUP to=MASTER", transitions[2]);
        Assert.Contains("vrrp_script chk is now OK after 2 result(s) in a row", n1.Process.Output);
    }

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task ScriptUser_TheCheckRunsAsThatUser()
    {
        await using var pair = await CreateAsync();
        // Succeeds only as nobody: as root (the agent's user here) the instance would stay in FAULT.
        var check = Path.Combine(pair.Lab.WorkDir, "check-user.sh");
        await File.WriteAllTextAsync(check, "#!/bin/sh\n[ \"$(id -un)\" = nobody ]\n");
        File.SetUnixFileMode(check, (UnixFileMode)0b111_101_101);
        var script = $"vrrp_script as_nobody {{\n    script \"{check}\"\n    interval 1\n    user nobody\n}}\n";
        await using var n1 = StartTracked(pair, pair.N1, 100, script, "track_script {\n        as_nobody\n    }");

        Assert.True(await n1.WaitForStateAsync("MASTER", Patience), n1.Process.Output);
        Assert.DoesNotMatch("to=FAULT", n1.Process.Output);
    }

    /// <summary>keepalived's notify_master SCRIPT USER: the notify script runs as that user.</summary>
    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task NotifyUser_TheNotifyScriptRunsAsThatUser()
    {
        await using var pair = await CreateAsync();
        var shared = Directory.CreateTempSubdirectory("hc-notify-user-").FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111);
        try
        {
            var whoFile = Path.Combine(shared, "who");
            var notify = Path.Combine(shared, "notify.sh");
            // Written whole, then renamed: the test never reads a file the shell has created but not yet filled.
            await File.WriteAllTextAsync(notify, $"#!/bin/sh\nid -un > {whoFile}.tmp && mv {whoFile}.tmp {whoFile}\n");
            File.SetUnixFileMode(notify, (UnixFileMode)0b111_101_101);
            await using var n1 = StartTracked(pair, pair.N1, 100, "", $"notify_master {notify} nobody");

            Assert.True(await n1.WaitForStateAsync("MASTER", Patience), n1.Process.Output);
            var deadline = DateTime.UtcNow + Patience;
            while (!File.Exists(whoFile) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // waits for the agent's notify worker to run the script
            }

            Assert.Equal("nobody", File.ReadAllText(whoFile).Trim());
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    /// <summary>
    /// A non-root agent holding CAP_NET_RAW and CAP_NET_ADMIN as ambient capabilities (as its systemd unit grants them):
    /// the scripts it starts hold none of them.
    /// </summary>
    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task NonRootAgentWithAmbientCapabilities_ItsScriptsGetNone()
    {
        Privileges.RequireOrSkip("an agent as nobody with ambient capabilities", "setpriv");
        await using var pair = await CreateAsync();
        var shared = Directory.CreateTempSubdirectory("hc-caps-").FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111);
        try
        {
            var dump = Path.Combine(shared, "script-caps");
            var check = Path.Combine(shared, "check.sh");
            await File.WriteAllTextAsync(check, $"#!/bin/sh\ngrep ^Cap /proc/self/status > {dump}.tmp && mv {dump}.tmp {dump}\n");
            File.SetUnixFileMode(check, (UnixFileMode)0b111_101_101);
            var instance = pair.Instance(pair.N1, 100) with { ExtraLines = ["track_script {\n        caps\n    }"] };
            var config = Path.Combine(shared, "n1.conf");
            await File.WriteAllTextAsync(config, $"vrrp_script caps {{\n    script \"{check}\"\n    interval 1\n}}\n" + Keepalived.Config("n1", instance));
            File.SetUnixFileMode(config, (UnixFileMode)0b110_100_100);

            var agent = pair.Lab.Start(pair.N1, "setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin",
                 "dotnet", AgentProcess.AgentDll, "--config", config, "--metrics", "off"], "agent-nobody");
            var deadline = DateTime.UtcNow + Patience;
            while (!File.Exists(dump) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100); // waits for the agent process to start and run its script once
            }

            var agentCaps = File.ReadAllLines($"/proc/{agent.Pid}/status").Single(l => l.StartsWith("CapAmb:", StringComparison.Ordinal));
            var scriptCaps = File.Exists(dump) ? File.ReadAllLines(dump) : [];

            Assert.True(scriptCaps.Length > 0, agent.Output);
            Assert.Equal("CapAmb:\t0000000000003000", agentCaps); // the agent: NET_ADMIN (12) and NET_RAW (13)
            Assert.Contains("CapInh:\t0000000000000000", scriptCaps);
            Assert.Contains("CapPrm:\t0000000000000000", scriptCaps);
            Assert.Contains("CapEff:\t0000000000000000", scriptCaps);
            Assert.Contains("CapAmb:\t0000000000000000", scriptCaps);
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    /// <summary>GET /metrics from the agent's loopback endpoint inside the host's namespace.</summary>
    internal static async Task<string> Metrics(AgentPair pair, LabHost host)
    {
        var result = await pair.Lab.ExecAsync(host, "sh", "-c", "printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' | socat -t 2 - TCP:127.0.0.1:9650");
        Assert.True(result.Succeeded, result.ToString());
        Assert.StartsWith("HTTP/1.0 200 OK", result.Stdout);
        return result.Stdout;
    }

    internal static AgentProcess StartTracked(AgentPair pair, LabHost host, int priority, string globalBlocks, string trackLines, string name = "")
    {
        var instance = pair.Instance(host, priority) with { ExtraLines = [trackLines] };
        return AgentProcess.Start(pair.Lab, host, globalBlocks + Keepalived.Config(host.Name, instance), name.Length > 0 ? name : null);
    }

    internal static List<double> Gaps(string tcpdump)
    {
        var times = tcpdump.Split('\n')
            .Where(l => l.Contains("proto VRRP", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return [.. times.Zip(times.Skip(1), (a, b) => b - a)];
    }
}
