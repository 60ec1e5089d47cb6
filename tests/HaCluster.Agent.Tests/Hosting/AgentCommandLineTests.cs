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
}
