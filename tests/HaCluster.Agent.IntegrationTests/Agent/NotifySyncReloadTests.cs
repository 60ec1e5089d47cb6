using HaCluster.TestSupport;
using static HaCluster.Agent.IntegrationTests.Agent.AgentPair;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>Notify scripts, sync groups, live reload and the capability check, with real agents.</summary>
public class NotifySyncReloadTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [SkippableFact]
    public async Task NotifyScripts_AreCalledInOrder_WithKeepalivedsArguments()
    {
        await using var pair = await CreateAsync();
        var log = Path.Combine(pair.Lab.WorkDir, "notify.log");
        var notify = Path.Combine(pair.Lab.WorkDir, "notify.sh");
        // A slow first call would overtake later ones if notifies were not serialised.
        await File.WriteAllTextAsync(notify, $"#!/bin/sh\n[ \"$3\" = BACKUP ] && sleep 1\necho \"$@\" >> {log}\n");
        var lines = $"notify \"/bin/sh {notify}\"\n    notify_master \"/bin/sh -c 'echo master-script >> {log}'\"";
        var n1 = TrackingTests.StartTracked(pair, pair.N1, 100, "", lines);
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience));
        Assert.Equal(0, await n1.Process.StopAsync());
        await n1.DisposeAsync();

        var calls = File.ReadAllLines(log);
        Assert.Equal(["INSTANCE VI_1 BACKUP 100", "master-script", "INSTANCE VI_1 MASTER 100", "INSTANCE VI_1 STOP 100"], calls);
    }

    [SkippableFact]
    public async Task SyncGroup_MembersMoveTogether()
    {
        await using var pair = await CreateAsync();
        var flag = Path.Combine(pair.Lab.WorkDir, "vi2-ok");
        await File.WriteAllTextAsync(flag, "1");
        var vip2 = System.Net.IPAddress.Parse("192.0.2.101");
        string Config(LabHost host, int priority, bool tracked)
        {
            var first = pair.Instance(host, priority);
            var second = KeepalivedInstance.Unicast(host, pair.Lab.Hosts, 28, priority, vip2, "VI_2") with
            {
                AuthPass = "1111",
                ExtraLines = tracked ? ["track_script {\n        chk\n    }"] : [],
            };
            var script = tracked ? $"vrrp_script chk {{\n    script \"test -f {flag}\"\n    interval 1\n}}\n" : "";
            return script + Keepalived.Config(host.Name, first, second) + "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n";
        }

        await using var n1 = AgentProcess.Start(pair.Lab, pair.N1, Config(pair.N1, 100, tracked: true));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, "VI_1"));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, "VI_2"));
        await using var n2 = AgentProcess.Start(pair.Lab, pair.N2, Config(pair.N2, 80, tracked: false));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience, "VI_1"));
        Assert.True(await n2.WaitForStateAsync("BACKUP", Patience, "VI_2"));

        File.Delete(flag); // only VI_2 tracks the script; VI_1 follows it through the group
        Assert.True(await n1.WaitForStateAsync("FAULT", Patience, "VI_2"));
        Assert.True(await n1.WaitForStateAsync("FAULT", Patience, "VI_1"));
        Assert.Matches("instance=VI_1 from=MASTER to=FAULT reason=sync_group", n1.Process.Output);
        await pair.AssertAnswersAsync(pair.N2, Patience);
        Assert.True(await pair.Lab.WaitForAddressAsync(pair.N2, vip2, present: true, Patience));
        Assert.False(await pair.Lab.HasAddressAsync(pair.N1, Vip));
    }

    [SkippableFact]
    public async Task SyncGroup_WaitsForEveryMembersFirstScriptResult_ThenEntersTogether()
    {
        await using var pair = await CreateAsync();
        var vip2 = System.Net.IPAddress.Parse("192.0.2.101");
        // Only VI_2 tracks the (slow) script; as in keepalived, VI_1 waits for its first result too.
        var second = KeepalivedInstance.Unicast(pair.N1, pair.Lab.Hosts, 28, 100, vip2, "VI_2") with
        {
            AuthPass = "1111",
            ExtraLines = ["track_script {\n        chk\n    }"],
        };
        var config = "vrrp_script chk {\n    script \"sleep 2\"\n    interval 3\n    timeout 5\n}\n"
            + Keepalived.Config(pair.N1.Name, pair.Instance(pair.N1, 100), second)
            + "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n";

        await using var n1 = AgentProcess.Start(pair.Lab, pair.N1, config);
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, "VI_1"));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, "VI_2"));

        var output = n1.Process.Output;
        var known = output.IndexOf("vrrp_script chk is now OK", StringComparison.Ordinal);
        Assert.True(known >= 0, output);
        Assert.True(output.IndexOf("instance=VI_1 from=INIT to=BACKUP", StringComparison.Ordinal) > known, output);
        Assert.True(output.IndexOf("instance=VI_2 from=INIT to=BACKUP", StringComparison.Ordinal) > known, output);
    }

    [SkippableFact]
    public async Task Sighup_UnchangedInstance_NoTransitionNoVipRemovalNoGarp_BadReloadKeptOut()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        await using var _ = n1;
        await using var __ = n2;
        await Task.Delay(6 * Second); // past the delayed GARP burst of garp_master_delay
        var mark = n1.Process.OutputLength;
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "arp or ip proto 112");

        await File.AppendAllTextAsync(n1.ConfigPath, "\n# touched, not changed\n");
        Assert.True(n1.Process.Signal(Signals.Hup));
        Assert.True(await n1.Process.WaitForOutputAsync("reload: 1 instance(s) unchanged, 0 changed, 0 added, 0 removed", Patience, mark));

        await File.AppendAllTextAsync(n1.ConfigPath, "vrrp_instance BROKEN {\n    virtual_router_id 999\n");
        Assert.True(n1.Process.Signal(Signals.Hup));
        Assert.True(await n1.Process.WaitForOutputAsync("rejected", Patience, mark));
        await Task.Delay(2 * Second); // waits for two seconds of the agents after the reload: no transition may happen

        var decoded = await capture.DecodeAsync();
        Assert.Empty(n1.Transitions(since: mark));
        Assert.DoesNotContain("Request who-has 192.0.2.100", decoded);
        Assert.Contains("192.0.2.10 > 192.0.2.11: VRRPv2, Advertisement, vrid 27, prio 100", decoded);
        Assert.Matches(@"agent-n1\.conf:\d+: .*999", n1.Process.Output[mark..]);
        await pair.AssertHoldsVipAsync(pair.N1, true);
        Assert.False(n1.Process.HasExited);
    }

    /// <summary>
    /// Issue 18: SIGHUP with <c>include /dev/zero</c> appended took an agent from 9 to 141 MiB, logged nothing and kept
    /// the memory. Now the reload is refused with the include's file:line, logged and counted; the VIP stays, no
    /// transition happens, and once settled again the agent is back to the memory it had.
    /// </summary>
    [SkippableFact]
    public async Task Sighup_IncludeDevZero_RefusedLoggedAndCounted_VipKept_MemoryBack()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        await using var _ = n1;
        await using var __ = n2;
        Assert.True(await n1.Process.WaitForOutputAsync("settled: returned", HaCluster.Agent.Hosting.AgentService.SettleTime + Patience));
        var before = ResidentKiB(n1.Process.Pid);
        var mark = n1.Process.OutputLength;
        var line = File.ReadAllText(n1.ConfigPath).Count(c => c == '\n') + 2;

        await File.AppendAllTextAsync(n1.ConfigPath, "\ninclude /dev/zero\n");
        Assert.True(n1.Process.Signal(Signals.Hup));

        Assert.True(await n1.Process.WaitForOutputAsync("rejected", Patience, mark));
        Assert.Contains($"agent-n1.conf:{line}: cannot read '/dev/zero': /dev/zero is under /dev, not a config file", n1.Process.Output[mark..]);
        Assert.Contains("hacluster_agent_config_loads_total{source=\"reload\",result=\"rejected\"} 1", await TrackingTests.Metrics(pair, pair.N1));
        Assert.True(await n1.Process.WaitForOutputAsync("settled: returned", HaCluster.Agent.Hosting.AgentService.SettleTime + Patience, mark));
        var after = ResidentKiB(n1.Process.Pid);
        Assert.True(after - before < 5 * 1024, $"resident {before} KiB before the refused reload, {after} KiB after");
        Assert.Empty(n1.Transitions(since: mark));
        await pair.AssertHoldsVipAsync(pair.N1, true);
        Assert.False(n1.Process.HasExited);
    }

    private static long ResidentKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task Sighup_PriorityOnlyChange_AppliesInPlace_NoTransitionNoFlap()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        await using var _ = n1;
        await using var __ = n2;
        var mark = n1.Process.OutputLength;
        await using var capture = await pair.Lab.StartCaptureAsync(pair.N2, "arp or ip proto 112");

        await Rewrite(n1, "priority 100", "priority 90");
        Assert.True(n1.Process.Signal(Signals.Hup));
        Assert.True(await n1.Process.WaitForOutputAsync("reload: 0 instance(s) unchanged, 1 changed, 0 added, 0 removed", Patience, mark));
        await Task.Delay(3 * Second); // waits for three seconds of the agents after the reload: no transition may happen

        Assert.Empty(n1.Transitions(since: mark));
        var decoded = await capture.DecodeAsync();
        Assert.Contains("192.0.2.10 > 192.0.2.11: VRRPv2, Advertisement, vrid 27, prio 90,", decoded);
        Assert.DoesNotContain("prio 0,", decoded);
        Assert.Contains("hacluster_base_priority{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 90", await TrackingTests.Metrics(pair, pair.N1));
        await pair.AssertHoldsVipAsync(pair.N1, true);
    }

    [SkippableFact]
    public async Task Sighup_OtherChange_RestartsOnlyThatInstance()
    {
        await using var pair = await CreateAsync();
        var (n1, n2) = await pair.StartSettledAsync();
        await using var _ = n1;
        await using var __ = n2;
        var mark = n1.Process.OutputLength;

        await Rewrite(n1, "label eth0:0", "label eth0:1");
        Assert.True(n1.Process.Signal(Signals.Hup));

        Assert.True(await n1.Process.WaitForOutputAsync("reload: 0 instance(s) unchanged, 1 changed, 0 added, 0 removed", Patience, mark));
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, since: mark));
        await pair.AssertAnswersAsync(pair.N1, Patience);
        var labels = await pair.Lab.ExecAsync(pair.N1, "ip", "-4", "-o", "addr", "show", "label", "eth0:1");
        Assert.Contains("192.0.2.100/32", labels.Stdout);
    }

    [SkippableFact]
    public async Task Sighup_ChangedInstanceSharingAScriptWithAnUnchangedOne_TheScriptStillRunsOnce()
    {
        await using var pair = await CreateAsync();
        var runs = Path.Combine(pair.Lab.WorkDir, "chk.runs");
        string Instance(string name, int vrid, string vip) => $$"""
            vrrp_instance {{name}} {
                interface eth0
                virtual_router_id {{vrid}}
                priority 100
                advert_int 1
                unicast_src_ip 192.0.2.10
                unicast_peer {
                    192.0.2.11
                }
                track_script {
                    chk
                }
                virtual_ipaddress {
                    {{vip}} dev eth0 label eth0:{{vrid}}
                }
            }
            """;
        var config = $$"""
            vrrp_script chk {
                script "/bin/sh -c 'echo run >> {{runs}}'"
                interval 1
            }
            {{Instance("A", 27, "192.0.2.100/32")}}
            {{Instance("B", 28, "192.0.2.101/32")}}
            """;
        await using var n1 = AgentProcess.Start(pair.Lab, pair.N1, config);
        Assert.True(await n1.WaitForStateAsync("MASTER", Patience, instance: "B"));
        var mark = n1.Process.OutputLength;

        await Rewrite(n1, "label eth0:28", "label eth0:99");
        Assert.True(n1.Process.Signal(Signals.Hup));
        Assert.True(await n1.Process.WaitForOutputAsync("reload: 1 instance(s) unchanged, 1 changed, 0 added, 0 removed", Patience, mark));
        var before = File.ReadAllLines(runs).Length;
        await Task.Delay(TimeSpan.FromSeconds(5)); // waits for five seconds of the agent's vrrp_script runs (one a second)

        // One tracker at interval 1 s: about five runs in five seconds (two would be about ten).
        Assert.InRange(File.ReadAllLines(runs).Length - before, 3, 7);
        var metrics = await pair.Lab.ExecAsync(pair.N1, "sh", "-c", "printf 'GET /metrics HTTP/1.0\r\n\r\n' | socat -T2 - TCP:127.0.0.1:9650");
        Assert.Single(metrics.Stdout.Split('\n'), l => l.StartsWith("hacluster_script_status{name=\"chk\"}", StringComparison.Ordinal));
    }

    private static async Task Rewrite(AgentProcess agent, string from, string to) =>
        await File.WriteAllTextAsync(agent.ConfigPath, (await File.ReadAllTextAsync(agent.ConfigPath)).Replace(from, to, StringComparison.Ordinal));

    [SkippableFact]
    public async Task WithoutNetCapabilities_RefusesToStartWithAClearMessage()
    {
        Privileges.RequireOrSkip("dropping capabilities with setpriv", "setpriv");
        var config = Path.Combine(Path.GetTempPath(), $"hc-caps-{Environment.ProcessId}.conf");
        await File.WriteAllTextAsync(config, "vrrp_instance A {\n  interface lo\n  virtual_router_id 1\n  virtual_ipaddress {\n    192.0.2.100\n  }\n}\n");

        var result = await Cmd.RunAsync("setpriv", ["--inh-caps=-all", "--bounding-set=-net_raw,-net_admin", "dotnet", AgentProcess.AgentDll, "--config", config], TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing CAP_NET_RAW", result.Stderr);
        Assert.Contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN", result.Stderr);
    }
}
