using HaCluster.Agent.Hosting;

namespace HaCluster.Agent.Tests.Hosting;

public class AgentCommandLineTests
{
    [Theory]
    [InlineData("https://ctl:5081", "https://ctl:5081/")]
    [InlineData("https://ctl.example:443", "https://ctl.example/")]
    [InlineData("unix:/run/hacluster/controller.sock", "unix:/run/hacluster/controller.sock")]
    public void Parse_Controller_ManagedWithThatAddress(string value, string expected)
    {
        var command = AgentCommandLine.Parse(["--controller", value, "--node", "n1"]);

        Assert.Null(command.Error);
        Assert.True(command.Managed);
        Assert.Equal(expected, HaCluster.Contracts.ControllerAddress.Display(Assert.Single(command.Controllers)));
        Assert.Equal("n1", command.Node);
        Assert.False(command.ConfigGiven);
    }

    [Fact]
    public void Parse_SeveralControllers_KeptInOrder()
    {
        var command = AgentCommandLine.Parse(["--controller", "https://a:1", "--controller", "https://b:2", "--state-dir", "/tmp/s"]);

        Assert.Equal(["a", "b"], command.Controllers.Select(c => c.Host));
        Assert.Equal("/tmp/s", command.StateDir);
    }

    [Theory]
    [InlineData("--controller", "ftp://ctl", "--controller: 'ftp://ctl' is not")]
    [InlineData("--controller", "unix:", "--controller: 'unix:' is not")]
    [InlineData("--node", "n 1", "--node: 'n 1' is not a node name")]
    [InlineData("--node", "", "--node: '' is not a node name")]
    [InlineData("--controller", "http://ctl:5081", "--controller: 'http://ctl:5081' is plain http: the controller is reached over TLS only (https://HOST:PORT or unix:/PATH)")]
    public void Parse_BadManagedArguments_ErrorNamingTheOption(string option, string value, string error)
    {
        var command = AgentCommandLine.Parse([option, value]);

        Assert.StartsWith(error, command.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SitePki_AllThreeFilesWithAController()
    {
        var command = AgentCommandLine.Parse(["--controller", "https://ctl:5081", "--ca", "/etc/pki/ca.crt", "--cert", "/etc/pki/n1.crt", "--key", "/etc/pki/n1.key"]);

        Assert.Null(command.Error);
        Assert.Equal(("/etc/pki/ca.crt", "/etc/pki/n1.crt", "/etc/pki/n1.key"), command.SiteIdentity);
        Assert.Null(command.Node);
    }

    [Theory]
    [InlineData(new[] { "--controller", "https://ctl:1", "--cert", "/c", "--key", "/k" }, "--ca, --cert and --key go together")]
    [InlineData(new[] { "--ca", "/a", "--cert", "/c", "--key", "/k" }, "--ca, --cert and --key are for managed mode: give --controller too")]
    [InlineData(new[] { "enroll", "--controller", "https://ctl:1" }, "Option '--token' is required.")]
    [InlineData(new[] { "enroll", "--controller", "https://ctl:1", "--token", "abc" }, "--token: not a join token (hc1.ID.SECRET.CAHASH")]
    [InlineData(new[] { "enroll", "--controller", "http://ctl:1", "--token", "abc" }, "--controller: 'http://ctl:1' is plain http")]
    public void Parse_BadIdentityArguments_ErrorSaysWhat(string[] args, string error)
    {
        var command = AgentCommandLine.Parse(args);

        Assert.NotNull(command.Error);
        Assert.Contains(error, command.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Enroll_TokenControllerNodeAndStateDir()
    {
        var token = $"hc1.0123456789abcdef.{new string('A', 43)}.{new string('f', 64)}";

        var command = AgentCommandLine.Parse(["enroll", "--controller", "unix:/run/hc.sock", "--token", token, "--node", "n2", "--state-dir", "/tmp/s"]);

        Assert.Null(command.Error);
        Assert.Equal(AgentVerb.Enroll, command.Verb);
        Assert.Equal(token, command.Token!.ToString());
        Assert.Equal(new string('f', 64), command.Token.CaHash);
        Assert.Equal(("n2", "/tmp/s"), (command.Node, command.StateDir));
        Assert.Equal("unix:/run/hc.sock", HaCluster.Contracts.ControllerAddress.Display(Assert.Single(command.Controllers)));
    }

    [Fact]
    public void Parse_NoController_Unmanaged()
    {
        var command = AgentCommandLine.Parse(["--config", "/etc/k.conf"]);

        Assert.False(command.Managed);
        Assert.True(command.ConfigGiven);
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData("127.0.0.1:9700", "127.0.0.1:9700")]
    public void Parse_Metrics_OffOrAnEndpoint(string value, string? expected)
    {
        var command = AgentCommandLine.Parse(["--metrics", value]);

        Assert.Null(command.Error);
        Assert.Equal(expected, command.MetricsEndpoint?.ToString());
    }

    [Theory]
    [InlineData("--metrics", "nowhere", "--metrics: 'nowhere' is not ADDRESS:PORT or off")]
    [InlineData("--metrics", "127.0.0.1:0", "--metrics: '127.0.0.1:0' is not ADDRESS:PORT or off")]
    public void Parse_BadMetrics_ErrorNamingTheOption(string option, string value, string error) =>
        Assert.Equal(error, AgentCommandLine.Parse([option, value]).Error);

    [Fact]
    public void Parse_Defaults_TheKeepalivedFileAndTheLoopbackMetrics()
    {
        var command = AgentCommandLine.Parse([]);

        Assert.Equal((AgentVerb.Run, "/etc/keepalived/keepalived.conf", "127.0.0.1:9650", false), (command.Verb, command.ConfigPath, command.MetricsEndpoint?.ToString(), command.CheckOnly));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--version")]
    [InlineData("-v")]
    public void Parse_HelpOrVersion_IsInformation(string option) => Assert.Equal(AgentVerb.Info, AgentCommandLine.Parse([option]).Verb);

    [Theory]
    [InlineData("enroll", "--help")]
    [InlineData("enroll", "-h")]
    [InlineData("status", "--help")]
    public void Parse_SubcommandHelp_IsInformation_ItsRequiredOptionsNotAskedFor(string verb, string option) =>
        Assert.Equal((AgentVerb.Info, null), (AgentCommandLine.Parse([verb, option]).Verb, AgentCommandLine.Parse([verb, option]).Error));

    [Fact]
    public void Parse_Status_WithItsOwnOptions()
    {
        var command = AgentCommandLine.Parse(["status", "--json", "--metrics", "127.0.0.1:9700"]);

        Assert.Equal((AgentVerb.Status, true, "127.0.0.1:9700"), (command.Verb, command.Json, command.MetricsEndpoint?.ToString()));
    }
}
