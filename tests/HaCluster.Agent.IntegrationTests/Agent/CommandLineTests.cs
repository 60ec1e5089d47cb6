using HaCluster.TestSupport;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>hacluster-agent's command line, run as a real process (no privileges needed).</summary>
public class CommandLineTests
{
    private static readonly string Work = Directory.CreateTempSubdirectory("hacluster-cli-").FullName;

    [Fact]
    public async Task Check_ReferenceConfigOfTheSecondHost_IsValidWithAWarning()
    {
        var path = Write("s2.conf", """
            global_defs {
               notification_email {
                    root@mylinuxops.com
               }
               notification_email_from root@mylinuxops.com
               smtp_server 127.0.0.1
               smtp_connect_timeout 30
               router_id s2.mylinuxops.com
               vrrp_skip_check_adv_addr
               #vrrp_strict
               vrrp_iptables
               vrrp_garp_interval 0
               vrrp_gna_interval 0
            }

            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 27
                priority 80
                advert_int 2
                authentication {
                    auth_type PASS
                    auth_pass 1111
                }
                unicast_src_ip 172.20.27.11         #此处配置时候需要注意
                unicast_peer {                      #地址要和s1节点上
                172.20.27.10                        #的地址进行互换
                }
                virtual_ipaddress {
                    172.20.27.100 dev eth0 label eth0:0
                }
            }
            """);

        var result = await Agent("--config", path, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("configuration OK (1 instance(s))", result.Stdout);
        Assert.Matches(@"s2\.conf:11: warning: .*vrrp_iptables", result.Stderr);
    }

    [Fact]
    public async Task Check_EveryErrorIsReportedWithFileAndLine_ExitCodeOne()
    {
        var path = Write("bad.conf", """
            global_defs {
                vrrp_strict
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 300
                priority 0
                unicast_src_ip 192.0.2.10
                unicast_peer {
                    192.0.2.10
                    192.0.2.999
                }
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            vrrp_instance B {
                interface eth0
                virtual_router_id 28
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """);

        var result = await Agent("--config", path, "-t");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"bad\.conf:6: .*300", result.Stderr);
        Assert.Matches(@"bad\.conf:7: .*0", result.Stderr);
        Assert.Matches(@"bad\.conf:10: .*unicast_src_ip", result.Stderr);
        Assert.Matches(@"bad\.conf:11: .*192\.0\.2\.999", result.Stderr);
        Assert.Matches(@"bad\.conf:\d+: .*vrrp_strict", result.Stderr);
        Assert.Matches(@"bad\.conf:21: .*192\.0\.2\.100", result.Stderr);
        Assert.DoesNotContain("Unhandled", result.Stderr);
    }

    [Fact]
    public async Task Run_WithErrors_RefusesToStart()
    {
        var path = Write("unbalanced.conf", "vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n");

        var result = await Agent("--config", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"unbalanced\.conf:1: .*", result.Stderr);
        Assert.Contains("not started", result.Stderr);
    }

    [Fact]
    public async Task Check_MissingFile_IsAnErrorNotACrash()
    {
        var result = await Agent("--config", Path.Combine(Work, "nope.conf"), "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nope.conf", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }

    /// <summary>
    /// Issue 18's --check reproducers through the binary: each used to abort with OutOfMemoryException or hang. Now
    /// each is refused with its file:line and exit code 1, well inside the command's one-minute bound.
    /// </summary>
    [Theory]
    [InlineData("config-dev-zero")]
    [InlineData("include-dev-zero")]
    [InlineData("include-proc-self")]
    [InlineData("include-fifo")]
    [InlineData("words")]
    [InlineData("braces")]
    public async Task Check_HostileConfig_RefusedWithFileLine_NoCrashNoHang(string reproducer)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Work, reproducer)).FullName;
        var fifo = Path.Combine(dir, "pipe.conf");
        (await Cmd.RunAsync("mkfifo", fifo)).EnsureSuccess();
        var (path, expected) = reproducer switch
        {
            "config-dev-zero" => ("/dev/zero", "/dev/zero is under /dev, not a config file"),
            "include-dev-zero" => (Write($"{reproducer}/keepalived.conf", "global_defs {\n}\ninclude /dev/zero\n"), "keepalived.conf:3: cannot read '/dev/zero'"),
            "include-proc-self" => (Write($"{reproducer}/keepalived.conf", "include /proc/self/*\n"), "keepalived.conf:1: cannot read"),
            "include-fifo" => (Write($"{reproducer}/keepalived.conf", "include pipe.conf\n"), "it is a FIFO, not a regular file"),
            "words" => (Write($"{reproducer}/keepalived.conf", string.Concat(Enumerable.Repeat("a b c d e f g h\n", 80_000))), "config too large"),
            _ => (Write($"{reproducer}/keepalived.conf", string.Concat(Enumerable.Repeat("a {\n", 100_000))), "blocks nested deeper than"),
        };

        var result = await Agent("--config", path, "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Length < 64 * 1024, $"{result.Stderr.Length} characters of diagnostics");
    }

    [Fact]
    public async Task UnknownArgument_PrintsUsage_ExitCodeTwo()
    {
        var result = await Agent("--frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("hacluster-agent: Unrecognized command or argument '--frobnicate'", result.Stderr);
        Assert.Matches(@"Usage:\s+hacluster-agent", result.Stderr);
    }

    [Fact]
    public async Task Managed_StateDirectoryNotWritable_RefusesToStartAndSaysWhere()
    {
        var path = Write("empty.conf", "global_defs {\n}\n");

        var result = await Agent("--config", path, "--controller", "https://127.0.0.1:9", "--node", "n1", "--state-dir", "/proc/hacluster-state");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not started: --state-dir /proc/hacluster-state: cannot write there", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }

    [Fact]
    public async Task Managed_NotEnrolled_RefusesToStart_SaysHowToEnroll()
    {
        var path = Write("empty.conf", "global_defs {\n}\n");
        var state = Directory.CreateTempSubdirectory("hc-state-").FullName;

        var result = await Agent("--config", path, "--controller", "https://127.0.0.1:9", "--state-dir", state);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"hacluster-agent: not started: not enrolled: no identity.pem and ca.crt in {state} (run hacluster-agent enroll --controller URL --token TOKEN first", result.Stderr);
    }

    [Fact]
    public async Task Managed_PlainHttpController_Refused_ExitCodeTwo()
    {
        var result = await Agent("--controller", "http://127.0.0.1:5081");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("hacluster-agent: --controller: 'http://127.0.0.1:5081' is plain http: the controller is reached over TLS only (https://HOST:PORT or unix:/PATH)", result.Stderr);
    }

    [Fact]
    public async Task Managed_BadControllerAddress_PrintsUsage_ExitCodeTwo()
    {
        var result = await Agent("--controller", "ftp://controller", "--node", "n1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--controller: 'ftp://controller' is not", result.Stderr);
    }

    [Fact]
    public async Task Status_NoAgentRunning_SaysSoAndWhere_ExitCodeOne()
    {
        var port = FreePort.Next();

        var result = await Agent("status", "--metrics", $"127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"hacluster-agent: no agent answers on 127.0.0.1:{port}", result.Stderr);
        Assert.Contains($"is it running, with --metrics 127.0.0.1:{port}?", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static string Write(string name, string text)
    {
        var path = Path.Combine(Work, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Task<CommandResult> Agent(params string[] args) =>
        Cmd.RunAsync("dotnet", [AgentProcess.AgentDll, .. args], TimeSpan.FromSeconds(60));
}
