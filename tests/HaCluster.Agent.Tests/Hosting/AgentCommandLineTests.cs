using HaCluster.Agent.Hosting;

namespace HaCluster.Agent.Tests.Hosting;

public class AgentCommandLineTests
{
    [Theory]
    [InlineData("http://ctl:5081", "http://ctl:5081/")]
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
        var command = AgentCommandLine.Parse(["--controller", "http://a:1", "--controller", "http://b:2", "--state-dir", "/tmp/s"]);

        Assert.Equal(["a", "b"], command.Controllers.Select(c => c.Host));
        Assert.Equal("/tmp/s", command.StateDir);
    }

    [Theory]
    [InlineData("--controller", "ftp://ctl", "--controller: 'ftp://ctl' is not")]
    [InlineData("--controller", "unix:", "--controller: 'unix:' is not")]
    [InlineData("--node", "n 1", "--node: 'n 1' is not a node name")]
    [InlineData("--node", "", "--node: '' is not a node name")]
    public void Parse_BadManagedArguments_ErrorNamingTheOption(string option, string value, string error)
    {
        var command = AgentCommandLine.Parse([option, value]);

        Assert.StartsWith(error, command.Error, StringComparison.Ordinal);
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

    [Fact]
    public void Parse_Status_WithItsOwnOptions()
    {
        var command = AgentCommandLine.Parse(["status", "--json", "--metrics", "127.0.0.1:9700"]);

        Assert.Equal((AgentVerb.Status, true, "127.0.0.1:9700"), (command.Verb, command.Json, command.MetricsEndpoint?.ToString()));
    }
}
