using HaCluster.TestSupport;

namespace HaCluster.Agent.IntegrationTests.Lab;

public sealed class PrivilegesTests
{
    [Fact]
    public void RequireOrSkip_MissingTool_SkipsUnlessPrivilegedRunIsRequired()
    {
        var original = Environment.GetEnvironmentVariable(Privileges.RequireVariable);
        try
        {
            Environment.SetEnvironmentVariable(Privileges.RequireVariable, null);
            var skipped = Record.Exception(() => Privileges.RequireOrSkip("this test", "no-such-tool-hacluster"));
            Assert.IsType<SkipException>(skipped);
            Assert.Contains("no-such-tool-hacluster", skipped.Message, StringComparison.Ordinal);

            Environment.SetEnvironmentVariable(Privileges.RequireVariable, "1");
            var failed = Record.Exception(() => Privileges.RequireOrSkip("this test", "no-such-tool-hacluster"));
            Assert.IsType<InvalidOperationException>(failed);
            Assert.Contains(Privileges.RequireVariable, failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Privileges.RequireVariable, original);
        }
    }
}
